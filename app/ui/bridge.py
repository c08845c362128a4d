"""Device threads -> Qt signals (the Electrum pattern).

Device code (app.devices) knows nothing of Qt: it calls plain callbacks on its own threads.
`DeviceBridge` is those callbacks. Each one only emits a signal; because the bridge lives
in the GUI thread, Qt queues a signal emitted from another thread and delivers it in the
GUI thread, so slots connected to these signals may touch widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance

from app.devices.print_jobs import JobEvent
from app.devices.print_queue import PrintQueue
from app.devices.settings import ScannerSettings

if TYPE_CHECKING:  # pyserial is imported with the first serial scanner, not at every start
    from app.devices.scanners.serialport import ScannerStatus, SerialScanner

log = logging.getLogger(__name__)


class DeviceBridge(QObject):
    """Re-emits device events as signals; create it in the GUI thread.

    Signals:
        codeScanned(str): a code read by a serial scanner.
        scanRejected(str): a serial scanner sent something unusable (reason to show).
        scannerStateChanged(str, str): state ("connected"/"disconnected"/"error"), message.
        printJobChanged(object): a `JobEvent` from the print queue.
    """

    codeScanned = Signal(str)
    scanRejected = Signal(str)
    scannerStateChanged = Signal(str, str)
    printJobChanged = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: list[Callable[[], None]] = []
        self._scanners: list[SerialScanner] = []

    # --- callbacks for device threads (safe to call from any thread) --------------------------

    def on_code(self, code: str) -> None:
        """Scanner callback: emit codeScanned."""
        self._emit(self.codeScanned, code)

    def on_scan_rejected(self, reason: str) -> None:
        """Scanner callback: emit scanRejected."""
        self._emit(self.scanRejected, reason)

    def on_scanner_state(self, status: ScannerStatus) -> None:
        """Scanner callback: emit scannerStateChanged(state, message)."""
        self._emit(self.scannerStateChanged, str(status.state), status.message)

    def on_print_job(self, event: JobEvent) -> None:
        """Print queue listener: emit printJobChanged(event)."""
        self._emit(self.printJobChanged, event)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            # The window (and this bridge's C++ side) is gone while a device thread still
            # reports: nobody is left to tell.
            log.debug("device event after the bridge was destroyed: %r", args)

    # --- wiring -----------------------------------------------------------------------------

    def watch_print_queue(self, queue: PrintQueue) -> None:
        """Emit printJobChanged for every change in `queue` until detach()."""
        self._unsubscribe.append(queue.add_listener(self.on_print_job))

    def start_serial_scanner(self, settings: ScannerSettings) -> SerialScanner:
        """Start a serial scanner whose codes and states arrive as this bridge's signals."""
        from app.devices.scanners.serialport import SerialScanner

        scanner = SerialScanner(
            settings,
            on_code=self.on_code,
            on_state=self.on_scanner_state,
            on_rejected=self.on_scan_rejected,
        )
        scanner.start()
        self._scanners.append(scanner)
        return scanner

    def detach(self) -> None:
        """Stop the scanners started here and stop listening to print queues."""
        for scanner in self._scanners:
            scanner.stop()
        self._scanners.clear()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
