"""The raw TCP transport (port 9100, "JetDirect") and its real-time status (DLE EOT).

A network printer gets one job per connection. Whether it has the whole job is told by
the socket (the bytes it acknowledged, Linux SIOCOUTQ and TCP_INFO) and, for printers that
answer DLE EOT, by what it says before and after the job. See NetworkConnection.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from app.devices.escpos_printers import STATUS_TIMEOUT_S, EscposConnection
from app.devices.printer_errors import (
    PrinterConnectionLost,
    PrinterError,
    PrinterMayHavePrinted,
    PrinterNotReady,
    PrinterOutOfPaper,
    PrinterTimeout,
)

log = logging.getLogger(__name__)

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


class NetworkConnection(EscposConnection):
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
        sock.settimeout(min(STATUS_TIMEOUT_S, self.settings.timeout_s))
        try:
            yield
        finally:
            sock.settimeout(self.settings.timeout_s)
