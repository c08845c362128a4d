"""A new price for one cart line, with the reason (a manager approves it next)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.money import format_plain, parse_money
from app.pos.cart import check_price_override
from app.ui.pos.keyed import key_button
from app.ui.widgets.message_line import sentence


class PriceDialog(QDialog):
    """Accepted with `price` (minor units) and `reason`; the cart and the sale check them
    again, and the sale is refused without a manager's approval."""

    def __init__(
        self, what: str, list_price: str, current: int, reason: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PriceDialog")
        self.setWindowTitle("SerialPOS — Change the price")
        self.price = current
        self.reason = reason
        title = QLabel(f"New price — {what}")
        title.setObjectName("DialogTitle")
        title.setWordWrap(True)
        hint = QLabel(
            f"The item's price is {list_price}. A manager approves the new price with their"
            " PIN; the change, its reason and who approved it are kept."
        )
        hint.setObjectName("DialogHint")
        hint.setWordWrap(True)
        self.price_edit = QLineEdit(format_plain(current))
        self.price_edit.setObjectName("PriceEdit")
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.price_edit.selectAll()
        self.price_edit.returnPressed.connect(self._next)
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setObjectName("PriceReason")
        self.reason_edit.setPlaceholderText("e.g. display model, price match")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.returnPressed.connect(self.take)
        self.message = QLabel()
        self.message.setObjectName("DialogProblem")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("New price", self.price_edit)
        form.addRow("Reason", self.reason_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        ok = key_button("Change price", "Return", self.take)
        ok.setObjectName("PrimaryButton")
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)
        self.price_edit.setFocus()

    def _next(self) -> None:
        if self.reason_edit.text().strip():
            self.take()
        else:
            self.reason_edit.setFocus()

    def take(self) -> None:
        try:
            price = parse_money(self.price_edit.text(), field="price")
            check_price_override(price, self.reason_edit.text())
        except UserError as exc:
            self.message.setText(sentence(exc.message))
            return
        self.price, self.reason = price, self.reason_edit.text().strip()
        self.accept()
