"""The till's devices while the window is open: the print queue and the serial scanner.

One object owns them so that the window starts and stops them in one place, the Settings
view can hand them new settings after a save, and the scanner test in Settings can borrow
the serial port (a port is opened exclusively: two readers would each get half the codes).
Device threads report through `bridge` (app/ui/bridge.py), so slots connected to its
signals run in the GUI thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.config import Settings
from app.devices.print_queue import PrintQueue
from app.devices.settings import DeviceSettingsError, PrinterSettings, ScannerSettings
from app.effects.printers import spool_dir, usable_printers
from app.ui.bridge import DeviceBridge

if TYPE_CHECKING:  # pyserial only for a till with a serial scanner
    from app.devices.scanners.serialport import SerialScanner

log = logging.getLogger(__name__)


def usable_scanner(settings: Settings) -> tuple[ScannerSettings, str]:
    """The scanner of `settings` (the keyboard wedge if its table is bad), and a problem."""
    try:
        return ScannerSettings.from_dict(settings.scanner), ""
    except DeviceSettingsError as exc:
        return ScannerSettings(), f"Scanner not used: {exc.message}. Fix it in Settings."


class ShopDevices(QObject):
    """The print queue and the serial scanner of this till; `start()` them, then `stop()`.

    Signals:
        problem(str): device settings that could not be used (shown in the status bar).
    """

    problem = Signal(str)
    settings_applied = Signal(object)  # Settings: after apply(), for the effects

    def __init__(
        self,
        settings: Settings,
        *,
        queue: PrintQueue | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = DeviceBridge(self)
        self.printers, printer_problem = usable_printers(settings)
        self.scanner_settings, scanner_problem = usable_scanner(settings)
        # Problems found before anyone listens; the window shows them after start().
        self.startup_problems = [p for p in (printer_problem, scanner_problem) if p]
        self.queue = queue if queue is not None else PrintQueue(spool_dir(), self.printers)
        if queue is not None:
            queue.set_printers(self.printers)
        self._scanner: SerialScanner | None = None
        self._paused = False
        self._started = False

    @property
    def scanner(self) -> SerialScanner | None:
        """The running serial scanner reader, if the settings ask for one."""
        return self._scanner

    def start(self) -> None:
        """Start the queue (jobs left from the last run print now) and the serial scanner."""
        self.bridge.watch_print_queue(self.queue)
        self.queue.start()
        self._started = True
        self._start_scanner()

    def stop(self) -> None:
        """Stop the scanner and the queue; jobs not printed yet stay in the spool."""
        self._stop_scanner()
        self.bridge.detach()
        if self._started:
            self._started = False
            if not self.queue.stop():
                log.warning("the print queue was still sending when the window closed")

    def apply(self, settings: Settings) -> None:
        """Use newly saved settings: the queue's printers at once, the scanner reopened."""
        printers, printer_problem = usable_printers(settings)
        scanner, scanner_problem = usable_scanner(settings)
        self.printers = printers
        self.queue.set_printers(printers)
        if scanner != self.scanner_settings:
            self.scanner_settings = scanner
            self._stop_scanner()
            self._start_scanner()
        for problem in (printer_problem, scanner_problem):
            if problem:
                self.problem.emit(problem)
        self.settings_applied.emit(settings)

    def printer(self, name: str) -> PrinterSettings | None:
        return next((p for p in self.printers if p.name == name), None)

    def pause_scanner(self) -> None:
        """Let go of the serial port (the scanner test in Settings opens it itself)."""
        self._paused = True
        self._stop_scanner()

    def resume_scanner(self) -> None:
        self._paused = False
        self._start_scanner()

    def _start_scanner(self) -> None:
        settings = self.scanner_settings
        if not self._started or self._paused or self._scanner is not None:
            return
        if settings.kind != "serial":
            return  # a keyboard wedge needs no reader: its keys arrive as key events
        from app.devices.scanners.serialport import SerialScanner

        # Built here rather than with bridge.start_serial_scanner(): that keeps every
        # scanner until detach(), and this one is stopped and reopened on each save.
        scanner = SerialScanner(
            settings,
            on_code=self.bridge.on_code,
            on_state=self.bridge.on_scanner_state,
            on_rejected=self.bridge.on_scan_rejected,
        )
        scanner.start()
        self._scanner = scanner

    def _stop_scanner(self) -> None:
        scanner, self._scanner = self._scanner, None
        if scanner is not None and not scanner.stop():
            log.warning("the serial scanner reader did not stop in time")
