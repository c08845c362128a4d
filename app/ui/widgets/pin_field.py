"""The PIN field, one for the log-in and for a manager's approval: digits only, hidden.

A PIN alone says who is acting (app.users.services.actor_by_pin).
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QGuiApplication, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from app.db.uow import Store
from app.users.pins import MAX_PIN
from app.users.roles import Actor
from app.users.services import actor_by_pin


class PinField(QLineEdit):
    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinEdit")
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMaxLength(MAX_PIN)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setPlaceholderText(placeholder)

    def whose(self, store: Store) -> Actor:
        """The user this PIN belongs to; UserError if none. PIN checks are deliberately slow
        hashes, so the cursor shows that the till is working on it."""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return actor_by_pin(store, self.text())
        finally:
            QGuiApplication.restoreOverrideCursor()

    def try_again(self) -> None:
        """A refused PIN: cleared, with the focus back for the next one."""
        self.clear()
        self.setFocus()
