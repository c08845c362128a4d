"""What the till's scan-first views share: a scan goes to an open dialog that takes it
(the serial picker, the approval PIN...), else to the view's own handler."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.ui.pos.dialog_host import DialogHost
from app.users.roles import Actor


class TakesScans:
    """Mixed into PosView and RefundView, before QWidget."""

    actor: Actor | None
    dialogs: DialogHost
    scan_edit: QLineEdit

    def handle_scan(self, code: str) -> None:
        """A code from any scanner (or the scan field): act on what it is."""
        if self.actor is None:
            return
        if not self.dialogs.route_scan(code):
            self.act_on_scan(code)

    def act_on_scan(self, code: str) -> None:
        raise NotImplementedError

    def _scan_field_entered(self) -> None:
        code = self.scan_edit.text()
        self.scan_edit.clear()
        if code.strip():
            self.handle_scan(code)
