"""One dialog at a time for a view, opened without blocking, and where scans go meanwhile.

Dialogs open window-modal with `open()`, not `exec()`: the event loop (and with it the
wedge scanner's timer and serial scanners' signals) keeps running, and tests drive the
dialog like any widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QWidget

from app.ui.widgets.message_line import MessageLine

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


class HostsDialogs:
    """Mixed into a till view (before QWidget) and the parts it is made of: the dialog
    open over it, the view itself as its dialogs' parent, and a scan that came while a
    dialog that takes none was open."""

    dialogs: DialogHost
    message: MessageLine

    @property
    def view(self) -> QWidget:
        """The view itself: the parent of the dialogs its parts open."""
        assert isinstance(self, QWidget)
        return self

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open over the view, if any (tests drive it)."""
        return self.dialogs.dialog

    def _scan_while_busy(self, code: str) -> None:
        self.message.show_problem(f"scanned {code.strip()} while a window is open: close it first")
