"""Serial (RS-232 / USB-CDC) barcode scanners: read codes on a background thread.

`SerialScanner` opens the configured port with pyserial (`serial_for_url`, so "loop://"
and "socket://host:port" work as well as /dev/ttyACM0 or COM3), splits what arrives into
codes at the terminator, and hands each code to `on_code`. It reports its state
(connected / disconnected / error, with a message fit for the cashier) to `on_state`.
When the port disappears (scanner unplugged) it closes it and tries again every
reconnect_interval_s, so plugging the scanner back in just works.

All callbacks run on the reader thread; the GUI connects them through app/ui/bridge.py.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import serial
import serial.tools.list_ports

from app.devices.scanners.wedge import GS1_SEPARATOR
from app.devices.settings import ScannerSettings, has_control_chars

log = logging.getLogger(__name__)


class ScannerState(StrEnum):
    """Connection state of a serial scanner."""

    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # not plugged in (or stopped); retrying
    ERROR = "error"  # plugged in but unusable (permissions, in use, bad settings); retrying


@dataclass(frozen=True)
class ScannerStatus:
    """A state change, with a one-line message for the cashier."""

    state: ScannerState
    message: str
    port: str


@dataclass(frozen=True)
class RejectedScan:
    """Something arrived that is not a usable code; `reason` is fit to show."""

    reason: str


class SerialPortLike(Protocol):
    """The part of pyserial's Serial the reader uses (fakes in tests implement this)."""

    @property
    def in_waiting(self) -> int:
        """Bytes ready to read without blocking."""

    def read(self, size: int = 1) -> bytes:
        """Up to `size` bytes, waiting at most the port's timeout."""

    def close(self) -> None:
        """Close the port."""


PortOpener = Callable[[ScannerSettings, float], SerialPortLike]


def open_serial_port(settings: ScannerSettings, read_timeout_s: float) -> SerialPortLike:
    """Open settings.serial_port (a device or a pyserial URL) for reading codes."""
    port: SerialPortLike = serial.serial_for_url(
        settings.serial_port,
        baudrate=settings.baudrate,
        timeout=read_timeout_s,
        # Two programs reading one scanner would each get half the codes.
        exclusive=True,
    )
    return port


def list_ports() -> list[tuple[str, str]]:
    """Serial ports on this machine as (device, description), for the settings dialog."""
    return sorted((p.device, p.description or "") for p in serial.tools.list_ports.comports())


def _clean(text: str) -> str:
    """Drop control characters (but GS) and surrounding white space."""
    return "".join(ch for ch in text if ch == GS1_SEPARATOR or not has_control_chars(ch)).strip()


class CodeSplitter:
    """Bytes in, codes out: splits at the terminator and cleans up line noise.

    Empty lines are ignored (a CRLF terminator read as CR then LF gives one). Control
    characters are stripped (NUL, XON/XOFF and the like come from line noise), except GS,
    the separator GS1 codes carry. A partial line waits for its terminator however long it
    takes; a line longer than max_length is dropped and reported once.
    """

    def __init__(self, settings: ScannerSettings) -> None:
        self._settings = settings
        term = settings.terminator
        # Scanners differ in sending CR, LF or CRLF: a CR/LF terminator accepts any of them.
        self._any_newline = set(term) <= {"\r", "\n"}
        self._terminator = term.encode()
        # UTF-8 needs up to 4 bytes a character; prefix, suffix and stray spaces on top.
        extra = len(settings.prefix.encode()) + len(settings.suffix.encode()) + 16
        self._max_bytes = settings.max_length * 4 + extra
        # Compared after line noise is cleaned off, so clean them the same way (an STX
        # prefix is a control character too).
        self._prefix = _clean(settings.prefix)
        self._suffix = _clean(settings.suffix)
        self._buffer = bytearray()
        self._discarding = False

    def reset(self) -> None:
        """Forget a partial line (the port was closed)."""
        self._buffer.clear()
        self._discarding = False

    def feed(self, data: bytes) -> list[str | RejectedScan]:
        """Codes (str) and rejections completed by `data`, in order."""
        self._buffer += data
        results: list[str | RejectedScan] = []
        while (found := self._find_terminator()) is not None:
            end, length = found
            line = bytes(self._buffer[:end])
            del self._buffer[: end + length]
            if self._discarding:
                self._discarding = False  # the tail of an overlong line
                continue
            result = self._decode(line)
            if result is not None:
                results.append(result)
        if len(self._buffer) > self._max_bytes:
            self._buffer.clear()
            if not self._discarding:
                self._discarding = True
                results.append(self._too_long())
        return results

    def _find_terminator(self) -> tuple[int, int] | None:
        if self._any_newline:
            ends = [i for i in (self._buffer.find(b"\r"), self._buffer.find(b"\n")) if i >= 0]
            return (min(ends), 1) if ends else None
        index = self._buffer.find(self._terminator)
        return (index, len(self._terminator)) if index >= 0 else None

    def _too_long(self) -> RejectedScan:
        limit = self._settings.max_length
        return RejectedScan(f"A scan longer than {limit} characters was ignored.")

    def _decode(self, line: bytes) -> str | RejectedScan | None:
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("latin-1")  # older scanners send ISO-8859-1
        text = _clean(text)
        text = text.removeprefix(self._prefix) if self._prefix else text
        text = text.removesuffix(self._suffix) if self._suffix else text
        settings = self._settings
        if not text:
            return None
        if len(text) > settings.max_length:
            return self._too_long()
        if len(text) < settings.min_length:
            return RejectedScan(f"A scan too short to be a code was ignored ({text!r}).")
        return text


def _open_failure(port: str, exc: BaseException, interval: float) -> tuple[ScannerState, str]:
    """Turn an open error into a state and a message that says what to do."""
    code = getattr(exc, "errno", None)
    if code in (errno.ENOENT, errno.ENXIO, errno.ENODEV, errno.EIO):
        return (
            ScannerState.DISCONNECTED,
            f"No scanner on {port}; checking again every {interval:g} s.",
        )
    if code in (errno.EACCES, errno.EPERM):
        return (
            ScannerState.ERROR,
            f"No permission to open {port} (on Linux, add the user to the dialout group).",
        )
    if code == errno.EBUSY or "exclusively lock" in str(exc):
        return ScannerState.ERROR, f"{port} is in use by another program."
    return ScannerState.ERROR, f"Cannot open the scanner on {port}: {exc}"


class SerialScanner:
    """Reads codes from a serial scanner on a background thread; survives unplug/replug."""

    def __init__(
        self,
        settings: ScannerSettings,
        on_code: Callable[[str], None],
        on_state: Callable[[ScannerStatus], None] | None = None,
        on_rejected: Callable[[str], None] | None = None,
        *,
        open_port: PortOpener = open_serial_port,
        read_timeout_s: float = 0.1,
    ) -> None:
        if not settings.serial_port:
            raise ValueError("a serial scanner needs a serial_port")
        self._settings = settings
        self._on_code = on_code
        self._on_state = on_state
        self._on_rejected = on_rejected
        self._open_port = open_port
        # The read timeout bounds how long stop() waits for the thread.
        self._read_timeout_s = read_timeout_s
        self._splitter = CodeSplitter(settings)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: SerialPortLike | None = None
        self._status = ScannerStatus(
            ScannerState.DISCONNECTED, "Not started.", settings.serial_port
        )

    @property
    def status(self) -> ScannerStatus:
        """The last reported state."""
        return self._status

    def start(self) -> None:
        """Start reading on a daemon thread."""
        if self._thread is not None:
            raise RuntimeError("the scanner reader was already started")
        self._thread = threading.Thread(
            target=self._run, name=f"scanner[{self._settings.serial_port}]", daemon=True
        )
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Stop reading and close the port; False if the thread did not end in time."""
        self._stop.set()
        port = self._port
        if port is not None and hasattr(port, "cancel_read"):
            with contextlib.suppress(Exception):
                port.cancel_read()  # wake a blocked read at once
        if self._thread is None:
            return True
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def __enter__(self) -> SerialScanner:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- the reader thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._port is None and not self._connect():
                    self._stop.wait(self._settings.reconnect_interval_s)
                    continue
                self._read_once()
        finally:
            self._disconnect()
            self._report(ScannerState.DISCONNECTED, "Scanner stopped.")

    def _connect(self) -> bool:
        port_name = self._settings.serial_port
        try:
            self._port = self._open_port(self._settings, self._read_timeout_s)
        except Exception as exc:
            interval = self._settings.reconnect_interval_s
            self._report(*_open_failure(port_name, exc, interval))
            return False
        self._report(ScannerState.CONNECTED, f"Scanner ready on {port_name}.")
        return True

    def _read_once(self) -> None:
        port = self._port
        if port is None:
            return
        try:
            data = port.read(max(1, port.in_waiting))
        except Exception as exc:  # SerialException/OSError: the device went away
            if self._stop.is_set():
                return  # cancel_read() from stop()
            log.info("scanner on %s lost: %r", self._settings.serial_port, exc)
            self._disconnect()
            self._report(
                ScannerState.DISCONNECTED,
                f"Scanner on {self._settings.serial_port} was disconnected; "
                f"checking again every {self._settings.reconnect_interval_s:g} s.",
            )
            # Wait before reopening: a port that opens but fails every read must not spin.
            self._stop.wait(self._settings.reconnect_interval_s)
            return
        if data:
            self._deliver(self._splitter.feed(data))

    def _disconnect(self) -> None:
        port, self._port = self._port, None
        self._splitter.reset()
        if port is not None:
            with contextlib.suppress(Exception):
                port.close()

    def _deliver(self, results: list[str | RejectedScan]) -> None:
        for result in results:
            if isinstance(result, RejectedScan):
                log.info("scanner on %s: %s", self._settings.serial_port, result.reason)
                self._call(self._on_rejected, result.reason)
            else:
                self._call(self._on_code, result)

    def _report(self, state: ScannerState, message: str) -> None:
        status = ScannerStatus(state, message, self._settings.serial_port)
        if status == self._status:
            return  # a retry that failed the same way again is no news
        self._status = status
        self._call(self._on_state, status)

    @staticmethod
    def _call(callback: Callable[[Any], None] | None, argument: object) -> None:
        if callback is None:
            return
        try:
            callback(argument)
        except Exception:  # a failing callback must not stop the reader
            log.exception("scanner callback %r failed", callback)
