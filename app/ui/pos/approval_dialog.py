"""A manager's PIN for one action (a big discount, a refund), typed at the cashier's till."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.db.uow import Store
from app.errors import UserError
from app.ui.ops import Ops
from app.ui.pos.keyed import key_button
from app.ui.widgets.message_line import sentence
from app.ui.widgets.pin_field import PinField
from app.users.roles import Actor, Permission


class ApprovalDialog(QDialog):
    """Accepted with `approver` set to the manager whose PIN was typed; Escape gives up.

    The service still checks the approver; refusing a cashier's PIN here only saves the
    cashier a refused sale or refund afterwards.
    """

    def __init__(self, store: Store, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ApprovalDialog")
        self.setWindowTitle("SerialPOS — Manager approval")
        self._store = store
        self.approver: Actor | None = None
        self._ops = Ops(store, self, show_problem=self._refuse)

        title = QLabel("Manager approval")
        title.setObjectName("DialogTitle")
        reason = QLabel(sentence(what))
        reason.setWordWrap(True)
        self.pin_edit = PinField("Manager's PIN")
        self.pin_edit.returnPressed.connect(self.approve)
        self.message = QLabel()
        self.message.setObjectName("DialogProblem")
        self.message.setWordWrap(True)
        cancel = key_button("Cancel", "Esc", self.reject)
        approve = key_button("Approve", "Return", self.approve)
        approve.setObjectName("PrimaryButton")

        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(approve)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(reason)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(380)
        self.pin_edit.setFocus()

    def approve(self) -> None:
        pin = self.pin_edit.text()
        if not pin:
            self.message.setText("The manager types their PIN, then Enter")
            return
        self.pin_edit.check(self._ops, self._store, success=self._checked, failure=self._refused)

    def _checked(self, actor: Actor) -> None:
        if not actor.can(Permission.APPROVE):
            self._refuse(f"only a manager can approve; that PIN is {actor.name}'s")
            return
        self.approver = actor
        self.accept()

    def _refused(self, error: UserError) -> None:
        self._refuse(error.message)

    def _refuse(self, reason: str) -> None:
        self.pin_edit.try_again()
        self.message.setText(f"{sentence(reason)} — try again")
