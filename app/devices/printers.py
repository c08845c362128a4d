"""Printer backends: send already-rendered ESC/POS bytes to a printer named by its settings.

One small class per transport, on top of python-escpos (Network, Usb, Serial, File,
CupsPrinter, Dummy). `open_printer(settings)` gives a `PrinterConnection` with `send(data)`
and `close()`. Every failure is a `PrinterError` whose message can be shown to a cashier;
`retryable` says whether trying again later can help (offline, timeout, out of paper,
connection lost) or not (this machine cannot drive that kind of printer at all).

python-escpos is imported lazily (it parses its printer database on import, ~0.2 s) and
is kept quiet: it logs through the root logger, and the first such call on an
unconfigured root logger installs a stderr handler (logging.basicConfig) behind the
application's back; `_quiet()` takes that handler away again. We only call its transport
methods (open, _raw, _read, close), none of which print to stdout; stdout is not
redirected because it is process-wide and would swallow other threads' output.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar, Protocol

from app.devices.settings import PrinterSettings

log = logging.getLogger(__name__)

# ESC/POS real-time status: DLE EOT 4 asks for the paper roll sensor (python-escpos
# constants RT_STATUS_PAPER / paper_status()); answered even while the printer is busy.
_STATUS_TIMEOUT_S = 1.0
_CHUNK = 64 * 1024

# DLE EOT 1 (printer status) then DLE EOT 4 (paper roll sensor): one byte back for each.
# Every reply has bits 1 and 4 set and bits 0 and 7 clear; bit 3 of the first is
# "offline", bits 5-6 of the second "paper end" (Epson ESC/POS reference, DLE EOT).
STATUS_QUERY = b"\x10\x04\x01\x10\x04\x04"
_STATUS_FIXED_MASK, _STATUS_FIXED_BITS = 0x93, 0x12
_OFFLINE_BIT = 0x08
_PAPER_END_BITS = 0x60
# A printer that answers real-time status does so within milliseconds; one that has not
# after this long never will, and waiting longer would slow every job.
_STATUS_ANSWER_S = 0.5
# How often delivery is checked while a slow printer is still reading.
_PROGRESS_POLL_S = 0.02


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What a printer said to DLE EOT 1 and 4."""

    offline: bool
    paper_out: bool

    @property
    def ready(self) -> bool:
        """Online with paper: the job it holds will print."""
        return not (self.offline or self.paper_out)


def parse_status(reply: bytes) -> PrinterStatus | None:
    """The answer to STATUS_QUERY, or None if these bytes are not one."""
    if len(reply) != 2 or any(b & _STATUS_FIXED_MASK != _STATUS_FIXED_BITS for b in reply):
        return None
    return PrinterStatus(
        offline=bool(reply[0] & _OFFLINE_BIT), paper_out=bool(reply[1] & _PAPER_END_BITS)
    )


class PrinterError(Exception):
    """A printer could not print. `message` is fit to show a cashier; `detail` is for logs."""

    retryable: ClassVar[bool] = False
    # Raised before any byte of the job was sent (a status answer): nothing can have printed.
    before_sending: ClassVar[bool] = False

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail

    @property
    def message(self) -> str:
        """The one-line text to show the cashier."""
        return str(self)


class PrinterOffline(PrinterError):
    """The printer cannot be reached: switched off, unplugged, wrong address."""

    retryable = True


class PrinterConnectionLost(PrinterOffline):
    """The connection dropped while the job was being sent; part of it may have printed."""


class PrinterTimeout(PrinterError):
    """The printer stopped answering or stopped taking data."""

    retryable = True


class PrinterOutOfPaper(PrinterError):
    """The printer reports that its paper roll is empty (asked before the job is sent)."""

    retryable = True
    before_sending = True


class PrinterNotReady(PrinterError):
    """The printer answered its status before the job: offline (cover open, an error).

    Nothing of the job was sent, so trying again later cannot print it twice.
    """

    retryable = True
    before_sending = True


class PrinterMayHavePrinted(PrinterConnectionLost):
    """The printer had been handed the whole job, then the connection broke or it reported
    that it cannot print. Whether it printed cannot be known: a person has to look.

    Not retryable: sending it again could print a second copy (and, with a drawer kick
    in the job, open the drawer again).
    """

    retryable = False


class PrinterUnavailable(PrinterError):
    """This machine cannot drive this kind of printer (a library is missing)."""


class PrinterConnection(Protocol):
    """An open printer. `send` raises PrinterError; `close` never raises."""

    def send(self, data: bytes) -> None:
        """Send raw (already rendered) bytes to the printer."""

    def close(self) -> None:
        """Release the printer; safe to call twice."""


# --- python-escpos loading and silencing --------------------------------------------------

_escpos_lock = threading.Lock()
_escpos_printer_module: ModuleType | None = None


def _is_basic_config_handler(handler: logging.Handler) -> bool:
    """True for the handler logging.basicConfig() installs: stderr with the basic format."""
    if type(handler) is not logging.StreamHandler or handler.stream is not sys.stderr:
        return False
    return handler.formatter is not None and handler.formatter._fmt == logging.BASIC_FORMAT


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Undo any root-logger handler python-escpos installs (via basicConfig) meanwhile."""
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in before and _is_basic_config_handler(handler):
                root.removeHandler(handler)


def _escpos() -> ModuleType:
    """escpos.printer, imported on first use."""
    global _escpos_printer_module
    with _escpos_lock:
        if _escpos_printer_module is None:
            with _quiet():
                import escpos.printer

            _escpos_printer_module = escpos.printer
        return _escpos_printer_module


# --- translating transport errors into cashier messages -------------------------------------


def _class_names(exc: BaseException) -> set[str]:
    # pyusb and pyserial are optional; match their exceptions by name, not by import.
    return {cls.__name__ for cls in type(exc).__mro__}


def _offline(settings: PrinterSettings, exc: BaseException) -> PrinterError:
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


class _EscposConnection:
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
            with _quiet():
                self._printer.open()
        except Exception as exc:
            raise _offline(self.settings, exc) from exc

    def send(self, data: bytes) -> None:
        """Check the paper if asked to, then write all of `data`."""
        if self._spent:
            self.open()
            self._spent = False
        if self.settings.check_paper:
            self.check_paper()
        try:
            with _quiet():
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
            with _quiet(), self._short_timeout():
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
            with _quiet():
                self._printer.close()
        except Exception as exc:
            log.debug("closing printer %s: %r", self.settings.name, exc)

    def __enter__(self) -> _EscposConnection:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _unacknowledged_bytes(sock: socket.socket) -> int | None:
    """Bytes sent but not yet acknowledged by the peer (Linux SIOCOUTQ); None if unknown."""
    try:
        import fcntl
        import termios

        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return int(struct.unpack("i", raw)[0])
    except (ImportError, AttributeError, OSError):
        return None


# struct tcp_info (linux/tcp.h): u64 tcpi_bytes_acked sits at byte 120 (Linux 4.2+).
_TCP_INFO_BYTES_ACKED = 120


def _acknowledged_bytes(sock: socket.socket) -> int | None:
    """Payload bytes the peer has acknowledged (Linux TCP_INFO); None if unknown.

    Unlike SIOCOUTQ it survives a reset (the kernel empties the send queue on a reset, so
    "nothing unacknowledged" would then be a lie). The kernel's count includes the SYN.
    """
    option = getattr(socket, "TCP_INFO", None)
    if option is None:
        return None
    try:
        raw = sock.getsockopt(socket.IPPROTO_TCP, option, 256)
    except OSError:
        return None
    if len(raw) < _TCP_INFO_BYTES_ACKED + 8:
        return None
    return max(0, int(struct.unpack_from("Q", raw, _TCP_INFO_BYTES_ACKED)[0]) - 1)


# Network printers (host, port) that have answered DLE EOT in this process.
_answering_lock = threading.Lock()
_answering: set[tuple[str, int]] = set()


def forget_status_answers() -> None:
    """Forget which printers answered DLE EOT (tests: a new fake may reuse a port)."""
    with _answering_lock:
        _answering.clear()


class _NetworkConnection(_EscposConnection):
    """Raw TCP (port 9100, "JetDirect"): one job per connection, like CUPS' socket backend.

    A job is done when the printer has acknowledged every byte and, if it answers
    real-time status (settings.status_check), says it is online with paper, and then
    closes the connection after our end-of-data (the same wait-for-EOF CUPS does) or
    keeps it open for timeout_s. Only a printer that makes no progress for timeout_s has
    stopped (PrinterTimeout): a slow one still reading is waited for, or the retry would
    print the job twice. A connection that breaks after the whole job was handed over
    is PrinterMayHavePrinted unless the printer had acknowledged every byte.
    """

    def _socket(self) -> socket.socket:
        sock = self._printer.device
        if not isinstance(sock, socket.socket):
            raise PrinterConnectionLost(
                f"The connection to printer {self.settings.name} was lost while printing."
            )
        return sock

    def _write(self, data: bytes) -> None:
        sock = self._socket()
        timeout = self.settings.timeout_s
        answers = self.settings.status_check and self._ready_before_sending(sock)
        # Per-chunk timeouts: socket.sendall() applies the timeout to the whole payload, so
        # a long job on a slow printer would time out while still making progress, and the
        # retry would print it twice.
        sock.settimeout(timeout)
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            # A failure here leaves the end of the job unsent: the printer cannot have
            # printed all of it, so the whole job is sent again (PrinterConnectionLost).
            sent += sock.send(view[sent : sent + _CHUNK])
        self._spent = True
        try:
            self._await_acknowledged(sock, timeout)
            if answers:
                self._ready_after_sending(sock)
            self._await_close(sock, timeout)
        except PrinterError:
            raise
        except OSError as exc:
            acknowledged = _acknowledged_bytes(sock)
            if acknowledged is not None and acknowledged >= len(data):
                log.info("printer %s reset after taking the whole job", self.settings.name)
                return
            raise PrinterMayHavePrinted(
                f"The connection to printer {self.settings.name} was lost after it was sent"
                " the whole job; check whether it printed before printing it again.",
                detail=f"{exc!r}; acknowledged {acknowledged} of {len(data)} bytes",
            ) from exc

    def _ask_status(self, sock: socket.socket) -> PrinterStatus | None:
        """Send DLE EOT 1 + 4 and read the two reply bytes; None if none came in time."""
        sock.settimeout(min(_STATUS_ANSWER_S, self.settings.timeout_s))
        try:
            sock.sendall(STATUS_QUERY)
            reply = b""
            while len(reply) < 2:
                chunk = sock.recv(2 - len(reply))
                if not chunk:
                    break  # closed: a status-less printer that ends the job on its own
                reply += chunk
        except TimeoutError:
            return None
        return parse_status(reply)

    def _ready_before_sending(self, sock: socket.socket) -> bool:
        """Raise if the printer says it cannot print, or has gone silent; False if it has
        never answered (a printer without real-time status: today's behaviour)."""
        address = (self.settings.host, self.settings.port)
        status = self._ask_status(sock)
        if status is None:
            with _answering_lock:
                answered_before = address in _answering
            if answered_before:
                # It answered before and is silent now: stalled, or busy with another
                # till's job. Sent now, the job would sit in a buffer a reboot empties.
                raise PrinterNotReady(
                    f"Printer {self.settings.name} is not answering (busy or stalled)."
                )
            log.debug("printer %s does not answer DLE EOT", self.settings.name)
            return False
        with _answering_lock:
            _answering.add(address)
        if status.paper_out:
            raise PrinterOutOfPaper(f"Printer {self.settings.name} is out of paper.")
        if status.offline:
            raise PrinterNotReady(
                f"Printer {self.settings.name} is offline (cover open or an error)."
            )
        return True

    def _ready_after_sending(self, sock: socket.socket) -> None:
        """The printer holds the whole job: it must still say it can print it."""
        status = self._ask_status(sock)
        if status is not None and not status.ready:
            why = "is out of paper" if status.paper_out else "went offline"
            raise PrinterMayHavePrinted(
                f"Printer {self.settings.name} {why} with the job in it; check whether it"
                " printed before printing it again.",
                detail=repr(status),
            )

    def _await_acknowledged(self, sock: socket.socket, timeout: float) -> None:
        """Wait until the printer has acknowledged every byte, as long as it makes progress."""
        waiting = _unacknowledged_bytes(sock)
        if waiting is None:
            return  # cannot tell here; the wait for the printer to close decides
        deadline = time.monotonic() + timeout
        while waiting > 0:
            time.sleep(_PROGRESS_POLL_S)
            error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error:  # a reset: the count of unacknowledged bytes stops changing
                raise OSError(error, os.strerror(error))
            now = _unacknowledged_bytes(sock) or 0
            if now < waiting:
                deadline = time.monotonic() + timeout  # still reading: not a failure
            elif time.monotonic() >= deadline:
                raise PrinterTimeout(
                    f"Printer {self.settings.name} stopped taking data.",
                    detail=f"no progress for {timeout}s, {now} bytes unacknowledged",
                )
            waiting = now

    def _await_close(self, sock: socket.socket, timeout: float) -> None:
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(4096)  # status bytes a printer volunteers are ignored
            except TimeoutError:
                break
            if not chunk:
                return  # the printer closed its side: it has everything
        if _unacknowledged_bytes(sock):
            raise PrinterTimeout(
                f"Printer {self.settings.name} stopped taking data.",
                detail=f"no progress for {timeout}s",
            )

    @contextlib.contextmanager
    def _short_timeout(self) -> Iterator[None]:
        sock = self._socket()
        sock.settimeout(min(_STATUS_TIMEOUT_S, self.settings.timeout_s))
        try:
            yield
        finally:
            sock.settimeout(self.settings.timeout_s)


class _SerialConnection(_EscposConnection):
    """A printer on a serial port; writes time out instead of blocking on flow control."""

    def open(self) -> None:
        super().open()
        # python-escpos sets only the read timeout; with hardware flow control a printer
        # that is off would block write() forever.
        self._printer.device.write_timeout = self.settings.timeout_s

    @contextlib.contextmanager
    def _short_timeout(self) -> Iterator[None]:
        port = self._printer.device
        port.timeout = min(_STATUS_TIMEOUT_S, self.settings.timeout_s)
        try:
            yield
        finally:
            port.timeout = self.settings.timeout_s


class _CupsConnection(_EscposConnection):
    """A CUPS queue: the bytes are spooled as one raw job per send()."""

    def open(self) -> None:
        try:
            with _quiet():
                self._printer.open(job_name="SerialPOS")
        except Exception as exc:
            raise _offline(self.settings, exc) from exc

    def _write(self, data: bytes) -> None:
        self._printer._raw(data)
        self._spent = True  # CupsPrinter.send() ends its job
        self._printer.send()

    def paper_status(self) -> int | None:
        return None  # CUPS reports printer state through its own queue, not to us


# Bytes "printed" on dummy printers, by printer name: for demos, development and tests.
_dummy_lock = threading.Lock()
_dummy_jobs: dict[str, list[bytes]] = {}


class _DummyConnection(_EscposConnection):
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


# --- opening --------------------------------------------------------------------------------


def _build(settings: PrinterSettings) -> _EscposConnection:
    printers = _escpos()
    backend = settings.backend
    with _quiet():
        if backend == "network":
            return _NetworkConnection(
                settings,
                printers.Network(settings.host, port=settings.port, timeout=settings.timeout_s),
            )
        if backend == "usb":
            return _EscposConnection(
                settings,
                printers.Usb(
                    settings.usb_vendor_id,
                    settings.usb_product_id,
                    timeout=int(settings.timeout_s * 1000),  # pyusb counts milliseconds
                ),
            )
        if backend == "serial":
            return _SerialConnection(
                settings,
                printers.Serial(
                    settings.serial_port, baudrate=settings.baudrate, timeout=settings.timeout_s
                ),
            )
        if backend == "file":
            return _EscposConnection(settings, printers.File(settings.path))
        if backend == "cups":
            if not printers.CupsPrinter.is_usable():
                raise PrinterUnavailable("CUPS is not available on this machine.")
            return _CupsConnection(settings, printers.CupsPrinter(settings.cups_queue))
        return _DummyConnection(settings, printers.Dummy())


def open_printer(settings: PrinterSettings) -> PrinterConnection:
    """Open the printer `settings` describe; raises a PrinterError if it cannot be reached."""
    try:
        connection = _build(settings)
    except PrinterError:
        raise
    except Exception as exc:
        raise _offline(settings, exc) from exc
    connection.open()
    return connection


def check_printer(settings: PrinterSettings) -> None:
    """Connect to the printer and read its paper sensor if it can; raises PrinterError.

    For the settings dialog's "Test connection": prints nothing.
    """
    connection = open_printer(settings)
    try:
        if isinstance(connection, _EscposConnection):
            connection.check_paper()
    finally:
        connection.close()
