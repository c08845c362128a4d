"""One dialog at a time for a view, opened without blocking, and where scans go meanwhile.

Dialogs open window-modal with `open()`, not `exec()`: the event loop (and with it the
wedge scanner's timer and serial scanners' signals) keeps running, and tests drive the
dialog like any widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog

D = TypeVar("D", bound=QDialog)
ScanSink = Callable[[str], None]

ACCEPTED = QDialog.DialogCode.Accepted.value


class DialogHost:
    """`on_idle` runs when the last dialog closes (the view takes the focus back);
    `busy_scan` gets scans while a dialog that does not take scans is open."""

    def __init__(self, *, on_idle: Callable[[], None], busy_scan: ScanSink) -> None:
        self.dialog: QDialog | None = None
        self._scan_sink: ScanSink | None = None
        self._on_idle = on_idle
        self._busy_scan = busy_scan

    def route_scan(self, code: str) -> bool:
        """True if an open dialog took the scan (or refused it); False: the view acts."""
        if self._scan_sink is None:
            return False
        self._scan_sink(code)
        return True

    def open(
        self,
        dialog: D,
        on_accept: Callable[[D], None],
        *,
        scan_sink: ScanSink | None = None,
        on_reject: Callable[[], None] | None = None,
        accept_result: int = ACCEPTED,
    ) -> D:
        """Opens `dialog`; `on_accept(dialog)` runs if it finishes with `accept_result`."""
        self.close()
        self.dialog = dialog
        self._scan_sink = scan_sink or self._busy_scan

        def finished(result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
                self._scan_sink = None
            dialog.deleteLater()
            if result == accept_result:
                on_accept(dialog)
            elif on_reject is not None:
                on_reject()
            if self.dialog is None:
                self._on_idle()

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def close(self) -> None:
        """Backs out of the open dialog, if any (log-out, or another dialog replacing it)."""
        if self.dialog is not None:
            self.dialog.reject()
