"""What the till's scan-first views share: a scan goes to an open dialog that takes it
(the serial picker, the approval PIN...), else to the view's own handler.

A scanner fires codes back to back, faster than a look-up on a worker returns: the codes
wait in the one scan queue (app/ui/widgets/scan_queue.py, as counts and deliveries do)
and are acted on one at a time, in the order scanned, each after the previous one's
answer (which may have opened a dialog the next code goes to).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.ui.pos.dialog_host import DialogHost
from app.ui.widgets.scan_queue import ScanQueue
from app.users.roles import Actor


class TakesScans:
    """Mixed into PosView, RefundView and TicketsView, before QWidget; call `init_scans()`
    first."""

    actor: Actor | None
    dialogs: DialogHost
    scan_edit: QLineEdit
    _scans: ScanQueue

    def init_scans(self) -> None:
        self._scans = ScanQueue(self._route_scan)

    def handle_scan(self, code: str) -> None:
        """A code from any scanner (or the scan field): act on what it is, in turn."""
        if self.actor is None:
            return
        self._scans.add(code)

    def scan_done(self) -> None:
        """The view has acted on the answer to the last look-up: the next code's turn."""
        self._scans.answered()

    def drop_scans(self) -> None:
        """Forget codes still waiting (the till locked)."""
        self._scans.clear()

    def _route_scan(self, code: str) -> None:
        # A code an open dialog takes, or one the view acts on without a look-up, is done
        # at once (even if acting on it failed); after a look-up, the view's answer calls
        # scan_done().
        looked_up = False
        try:
            looked_up = (
                self.actor is not None
                and not self.dialogs.route_scan(code)
                and self.act_on_scan(code)
            )
        finally:
            if not looked_up:
                self._scans.answered()

    def act_on_scan(self, code: str) -> bool:
        """Starts acting on `code`; True if a look-up went out (then call `scan_done()`
        when its answer has been acted on)."""
        raise NotImplementedError

    def _scan_field_entered(self) -> None:
        code = self.scan_edit.text()
        self.scan_edit.clear()
        if code.strip():
            self.handle_scan(code)
