"""A discount in percent, for a line or for the whole sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.errors import UserError
from app.money import parse_percent, percent_text
from app.ui.pos.keyed import key_button
from app.ui.widgets.message_line import sentence


class DiscountDialog(QDialog):
    """Accepted with `bp` (basis points); 0 removes the discount. The cart checks the range."""

    def __init__(
        self, what: str, current_bp: int, limit_bp: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DiscountDialog")
        self.setWindowTitle("SerialPOS — Discount")
        self.bp = current_bp
        title = QLabel(what)
        title.setObjectName("DialogTitle")
        title.setWordWrap(True)
        hint = QLabel(f"Percent off. Above {percent_text(limit_bp)} a manager approves.")
        hint.setObjectName("DialogHint")
        self.percent_edit = QLineEdit(percent_text(current_bp).removesuffix(" %"))
        self.percent_edit.setObjectName("DiscountPercent")
        self.percent_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.percent_edit.selectAll()
        self.percent_edit.returnPressed.connect(self.take)
        self.message = QLabel()
        self.message.setObjectName("DialogProblem")
        row = QHBoxLayout()
        row.addWidget(self.percent_edit, 1)
        row.addWidget(QLabel("%"))
        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        ok = key_button("Apply", "Return", self.take)
        ok.setObjectName("PrimaryButton")
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(380)
        self.percent_edit.setFocus()

    def take(self) -> None:
        try:
            self.bp = parse_percent(self.percent_edit.text())
        except UserError as exc:
            self.message.setText(sentence(exc.message))
            self.percent_edit.selectAll()
            return
        self.accept()
