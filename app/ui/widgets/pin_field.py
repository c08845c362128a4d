"""The PIN field, one for the log-in and for a manager's approval: digits only, hidden.

A PIN alone says who is acting (app.users.services.actor_by_pin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from app.config import load_settings
from app.errors import UserError
from app.ui.ops import Ops
from app.users.pins import MAX_PIN
from app.users.roles import Actor

if TYPE_CHECKING:  # the window starts before the store is open (no SQLAlchemy)
    from app.db.uow import Store


class PinField(QLineEdit):
    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinEdit")
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setMaxLength(MAX_PIN)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setPlaceholderText(placeholder)

    def check(
        self,
        ops: Ops,
        store: Store,
        *,
        success: Callable[[Actor], None],
        failure: Callable[[UserError], None],
    ) -> None:
        """Finds whose PIN this is. PIN checks are deliberately slow hashes: checked on a
        worker, so the window keeps painting (the busy cursor shows past a moment), and a
        second Enter while one is checked does nothing."""
        # The services come with the first PIN (or before, once the locked screen is idle:
        # MainWindow's warm-up), not with the window's start.
        from app.users.services import actor_by_pin

        pin = self.text()
        ops.run(lambda: actor_by_pin(store, pin, till=load_settings().shop.till),
                success=success, failure=failure, name="pin")  # fmt: skip

    def try_again(self) -> None:
        """A refused PIN: cleared, with the focus back for the next one."""
        self.clear()
        self.setFocus()
