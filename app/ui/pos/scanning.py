"""What the till's scan-first views share: a scan goes to an open dialog that takes it
(the serial picker, the approval PIN...), else to the view's own handler.

A scanner fires codes back to back, faster than a look-up on a worker returns: the codes
wait in a queue and are acted on one at a time, in the order scanned, each after the
previous one's answer (which may have opened a dialog the next code goes to).
"""

from __future__ import annotations

from collections import deque

from PySide6.QtWidgets import QLineEdit

from app.ui.pos.dialog_host import DialogHost
from app.users.roles import Actor


class TakesScans:
    """Mixed into PosView and RefundView, before QWidget; call `init_scans()` first."""

    actor: Actor | None
    dialogs: DialogHost
    scan_edit: QLineEdit
    _scans: deque[str]
    _scan_in_flight: bool

    def init_scans(self) -> None:
        self._scans = deque()
        self._scan_in_flight = False

    def handle_scan(self, code: str) -> None:
        """A code from any scanner (or the scan field): act on what it is, in turn."""
        if self.actor is None:
            return
        self._scans.append(code)
        self._next_scan()

    def scan_done(self) -> None:
        """The view has acted on the answer to the last look-up: the next code's turn."""
        self._scan_in_flight = False
        self._next_scan()

    def drop_scans(self) -> None:
        """Forget codes still waiting (the till locked)."""
        self._scans.clear()

    def _next_scan(self) -> None:
        while self._scans and not self._scan_in_flight and self.actor is not None:
            code = self._scans.popleft()
            if not self.dialogs.route_scan(code):
                self._scan_in_flight = self.act_on_scan(code)

    def act_on_scan(self, code: str) -> bool:
        """Starts acting on `code`; True if a look-up went out (then call `scan_done()`
        when its answer has been acted on)."""
        raise NotImplementedError

    def _scan_field_entered(self) -> None:
        code = self.scan_edit.text()
        self.scan_edit.clear()
        if code.strip():
            self.handle_scan(code)
