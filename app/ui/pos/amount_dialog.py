"""What the till's small amount dialogs share (a discount in percent, a changed price with
its reason): a title, a hint, the fields, the problem line, and Cancel / the action, with
Esc and Enter. Each says how its fields are read in `take()`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget

from app.errors import UserError
from app.ui.pos.keyed import key_button
from app.ui.widgets.message_line import sentence


class AmountDialog(QDialog):
    """`amount_edit` has the focus, its text selected: typing replaces it. A subclass lays
    out its fields with `finish(fields, ...)` and reads them in `take()`; what it refuses
    is said with `refuse(error)`, and the dialog stays open."""

    def __init__(
        self,
        *,
        name: str,
        window_title: str,
        title: str,
        hint: str,
        amount: str,
        amount_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(f"SerialPOS — {window_title}")
        self.title = QLabel(title)
        self.title.setObjectName("DialogTitle")
        self.title.setWordWrap(True)
        self.hint = QLabel(hint)
        self.hint.setObjectName("DialogHint")
        self.amount_edit = QLineEdit(amount)
        self.amount_edit.setObjectName(amount_name)
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.amount_edit.selectAll()
        self.message = QLabel()
        self.message.setObjectName("DialogProblem")

    def finish(self, fields: QLayout, *, action: str, min_width: int) -> None:
        """Lays the dialog out around `fields`; `action` names its Enter button."""
        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        ok = key_button(action, "Return", self.take)
        ok.setObjectName("PrimaryButton")
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(fields)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(min_width)
        self.amount_edit.setFocus()

    def refuse(self, error: UserError) -> None:
        self.message.setText(sentence(error.message))

    def take(self) -> None:
        """Reads the fields: accepts, or says why not."""
        raise NotImplementedError
