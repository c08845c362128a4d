"""The two questions back-office screens ask before they write: "are you sure?" and, for
someone who is not a manager, a manager's PIN. One place, so tests answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.db.uow import Store
from app.ui.pos.approval_dialog import ApprovalDialog
from app.users.roles import Actor, Role


def confirm(parent: QWidget, title: str, text: str, *, action: str = "Confirm") -> bool:
    """Yes to go on; Escape or Cancel does nothing (the default button is Cancel)."""
    box = QMessageBox(parent)
    box.setWindowTitle(f"SerialPOS — {title}")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(text)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is yes


def approval(store: Store, actor: Actor, what: str, parent: QWidget) -> tuple[bool, Actor | None]:
    """(go on, approver): a manager approves themselves (no PIN asked); anyone else asks a
    manager to type their PIN. The service checks the approver again."""
    if actor.role is Role.MANAGER:
        return True, None
    dialog = ApprovalDialog(store, what, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    return accepted, dialog.approver if accepted else None
