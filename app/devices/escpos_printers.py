"""Printers driven through python-escpos: the connection every transport builds on, and
the serial, CUPS, USB/file and dummy transports (network: app/devices/network_printer.py).

python-escpos is imported lazily (it parses its printer database on import, ~0.2 s) and
is kept quiet: it logs through the root logger, and the first such call on an
unconfigured root logger installs a stderr handler (logging.basicConfig) behind the
application's back; `quiet()` takes that handler away again. We only call its transport
methods (open, _raw, _read, close), none of which print to stdout; stdout is not
redirected because it is process-wide and would swallow other threads' output.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from app.devices.printer_errors import (
    PrinterConnectionLost,
    PrinterError,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterTimeout,
    PrinterUnavailable,
)
from app.devices.settings import PrinterSettings

log = logging.getLogger(__name__)

# ESC/POS real-time status: DLE EOT 4 asks for the paper roll sensor (python-escpos
# constants RT_STATUS_PAPER / paper_status()); answered even while the printer is busy.
STATUS_TIMEOUT_S = 1.0

# --- python-escpos loading and silencing --------------------------------------------------

_escpos_lock = threading.Lock()
_escpos_printer_module: ModuleType | None = None


def _is_basic_config_handler(handler: logging.Handler) -> bool:
    """True for the handler logging.basicConfig() installs: stderr with the basic format."""
    if type(handler) is not logging.StreamHandler or handler.stream is not sys.stderr:
        return False
    return handler.formatter is not None and handler.formatter._fmt == logging.BASIC_FORMAT


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Undo any root-logger handler python-escpos installs (via basicConfig) meanwhile."""
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in before and _is_basic_config_handler(handler):
                root.removeHandler(handler)


def escpos_module() -> ModuleType:
    """escpos.printer, imported on first use."""
    global _escpos_printer_module
    with _escpos_lock:
        if _escpos_printer_module is None:
            with quiet():
                import escpos.printer

            _escpos_printer_module = escpos.printer
        return _escpos_printer_module


# --- translating transport errors into cashier messages -------------------------------------


def _class_names(exc: BaseException) -> set[str]:
    # pyusb and pyserial are optional; match their exceptions by name, not by import.
    return {cls.__name__ for cls in type(exc).__mro__}


def unreachable(settings: PrinterSettings, exc: BaseException) -> PrinterError:
    """The error for a printer that could not be opened: missing driver or not reachable."""
    names = _class_names(exc)
    if "NoBackendError" in names:
        return PrinterUnavailable(
            "USB printing is not available on this machine (libusb is missing).",
            detail=repr(exc),
        )
    if isinstance(exc, RuntimeError) and "requires" in str(exc):
        # python-escpos says so when pyusb/pyserial/pycups is not installed.
        return PrinterUnavailable(
            f"Printer {settings.name} cannot be used on this machine: a driver is missing.",
            detail=str(exc),
        )
    return PrinterOffline(
        f"Printer {settings.name} is not reachable. Check that it is switched on and connected.",
        detail=repr(exc),
    )


def _during_send(settings: PrinterSettings, exc: BaseException) -> PrinterError:
    if isinstance(exc, PrinterError):
        return exc
    names = _class_names(exc)
    if isinstance(exc, TimeoutError) or names & {"USBTimeoutError", "SerialTimeoutException"}:
        return PrinterTimeout(
            f"Printer {settings.name} did not take the job in time.", detail=repr(exc)
        )
    return PrinterConnectionLost(
        f"The connection to printer {settings.name} was lost while printing.",
        detail=repr(exc),
    )


# --- connections ----------------------------------------------------------------------------


class EscposConnection:
    """A python-escpos printer object behind the PrinterConnection protocol."""

    def __init__(self, settings: PrinterSettings, printer: Any) -> None:
        self.settings = settings
        self._printer = printer
        self._closed = False
        # Transports with one job per connection (network, CUPS) are spent after a send;
        # the next send() opens them again.
        self._spent = False

    def open(self) -> None:
        """Open the transport; PrinterOffline (or PrinterUnavailable) if it cannot."""
        try:
            with quiet():
                self._printer.open()
        except Exception as exc:
            raise unreachable(self.settings, exc) from exc

    def send(self, data: bytes) -> None:
        """Check the paper if asked to, then write all of `data`."""
        if self._spent:
            self.open()
            self._spent = False
        if self.settings.check_paper:
            self.check_paper()
        try:
            with quiet():
                self._write(data)
        except Exception as exc:
            raise _during_send(self.settings, exc) from exc

    def _write(self, data: bytes) -> None:
        self._printer._raw(data)

    def check_paper(self) -> None:
        """Raise PrinterOutOfPaper if the printer says so; an unreadable status is no error."""
        if self.paper_status() == 0:
            raise PrinterOutOfPaper(f"Printer {self.settings.name} is out of paper.")

    def paper_status(self) -> int | None:
        """2 plenty, 1 running low, 0 none; None if the printer cannot tell us."""
        try:
            with quiet(), self._short_timeout():
                return int(self._printer.paper_status())
        except Exception as exc:  # not every transport can read; a silent printer is normal
            log.debug("paper status of %s unreadable: %r", self.settings.name, exc)
            return None

    @contextlib.contextmanager
    def _short_timeout(self) -> Iterator[None]:
        yield

    def close(self) -> None:
        """Close the transport, ignoring errors: the job's outcome is already known."""
        if self._closed:
            return
        self._closed = True
        try:
            with quiet():
                self._printer.close()
        except Exception as exc:
            log.debug("closing printer %s: %r", self.settings.name, exc)

    def __enter__(self) -> EscposConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SerialConnection(EscposConnection):
    """A printer on a serial port; writes time out instead of blocking on flow control."""

    def open(self) -> None:
        super().open()
        # python-escpos sets only the read timeout; with hardware flow control a printer
        # that is off would block write() forever.
        self._printer.device.write_timeout = self.settings.timeout_s

    @contextlib.contextmanager
    def _short_timeout(self) -> Iterator[None]:
        port = self._printer.device
        port.timeout = min(STATUS_TIMEOUT_S, self.settings.timeout_s)
        try:
            yield
        finally:
            port.timeout = self.settings.timeout_s


class CupsConnection(EscposConnection):
    """A CUPS queue: the bytes are spooled as one raw job per send()."""

    def open(self) -> None:
        try:
            with quiet():
                self._printer.open(job_name="SerialPOS")
        except Exception as exc:
            raise unreachable(self.settings, exc) from exc

    def _write(self, data: bytes) -> None:
        self._printer._raw(data)
        self._spent = True  # CupsPrinter.send() ends its job
        self._printer.send()

    def paper_status(self) -> int | None:
        return None  # CUPS reports printer state through its own queue, not to us


# Bytes "printed" on dummy printers, by printer name: for demos, development and tests.
_dummy_lock = threading.Lock()
_dummy_jobs: dict[str, list[bytes]] = {}


class DummyConnection(EscposConnection):
    """Keeps the bytes (python-escpos Dummy) and files them under the printer's name."""

    def _write(self, data: bytes) -> None:
        self._printer._raw(data)
        with _dummy_lock:
            _dummy_jobs.setdefault(self.settings.name, []).append(self._printer.output)
        self._printer.clear()

    def paper_status(self) -> int | None:
        return None


def dummy_output(printer_name: str) -> list[bytes]:
    """The jobs sent so far to the dummy printer called `printer_name`, oldest first."""
    with _dummy_lock:
        return list(_dummy_jobs.get(printer_name, []))


def clear_dummy_output() -> None:
    """Forget everything sent to dummy printers."""
    with _dummy_lock:
        _dummy_jobs.clear()
