"""A TCP server on 127.0.0.1 that plays an ESC/POS network printer, for the device tests.

Modes (switch any time with `mode = ...`; a connection keeps the mode it was accepted in):
- "record": read until the client closes, keep the bytes as one job, close.
- "refuse": the port is closed (connections are refused).
- "stall": accept but never read; the connection stays open until stop().
- "drop": read a few bytes, then (after `drop_delay_s`) reset the connection.
- "paper_out": like record, but answers the status queries with "no paper".
- "slow": like record, but reads only `rate` bytes a second (a busy or slow printer).
- "reset_after": read the whole job (it prints), then reset instead of closing.
- "offline": answers "offline, no paper" to every status query; a job it is sent anyway
  goes to `buffered` (never printed: lost when the printer is rebooted).
- "runs_out": answers "ready" before the job and "out of paper" after it; the job goes to
  `buffered` (the paper ran out: a stalled printer holding the job).
- "mute": like record, but never answers real-time status (an old or cheap printer).
Real-time status queries (DLE EOT n) at the start or the end of what was read are
answered and not recorded.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import struct
import threading
import time

from app.devices.network_printer import forget_status_answers

PAPER_QUERY = b"\x10\x04\x04"
PAPER_OK = b"\x12"
PAPER_OUT = b"\x72"
ONLINE = b"\x12"
OFFLINE = b"\x1a"  # DLE EOT 1 with bit 3 set
DROP_AFTER = 16  # bytes read before a "drop" connection is reset
MODES = (
    "record", "refuse", "stall", "drop", "paper_out", "slow", "reset_after", "offline", "runs_out",
    "mute",
)  # fmt: skip
_QUERIES_AT_START = re.compile(rb"\A(?:\x10\x04[\x01-\x04])+")
_QUERIES_AT_END = re.compile(rb"(?:\x10\x04[\x01-\x04])+\Z")


class FakePrinter:
    """See the module docstring. Use as a context manager or start()/stop()."""

    def __init__(self) -> None:
        self.jobs: list[bytes] = []  # complete jobs, in the order they ended
        self.dropped: list[bytes] = []  # what "drop" connections got before the reset
        self.buffered: list[bytes] = []  # what "offline" connections took and never printed
        self.queries = 0  # status queries answered
        self.rate = 100_000  # bytes a second in "slow" mode
        self.drop_delay_s = 0.0  # how long a "drop" connection waits before its reset
        self.connections = 0  # accepted connections, all modes
        self._mode = "record"
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listen(0)
        assert self._listener is not None
        self.port: int = self._listener.getsockname()[1]
        # The port may be one an earlier fake answered on: this one has not, yet.
        forget_status_answers()

    # --- control -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            if mode == "refuse" and self._listener is not None:
                self._close_listener()
            elif mode != "refuse" and self._listener is None:
                self._listen(self.port)
            self._mode = mode

    def start(self) -> FakePrinter:
        thread = threading.Thread(target=self._accept_loop, name="fake-printer", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        with self._lock:
            if self._listener is not None:
                self._close_listener()
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> FakePrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout_s: float = 5.0) -> list[bytes]:
        deadline = time.monotonic() + timeout_s
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.jobs)

    # --- server ------------------------------------------------------------------------------

    def _listen(self, port: int) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A small receive window (inherited by accepted sockets) makes "stall" fill up fast.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        listener.bind(("127.0.0.1", port))
        listener.listen(8)
        self._listener = listener

    def _close_listener(self) -> None:
        assert self._listener is not None
        # shutdown() first: close() alone leaves the port listening until the accept
        # thread's select() lets go of the socket, and a connect in between would succeed.
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._listener = None

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
                if not ready:
                    continue
                conn, _ = listener.accept()
            except (OSError, ValueError):
                continue  # the listener was closed under us (mode change or stop)
            with self._lock:
                mode = self._mode  # read after accept(): the mode may change while waiting
                self.connections += 1
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn, mode), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket, mode: str) -> None:
        try:
            if mode == "stall":
                self._stop.wait()  # never read
            elif mode == "drop":
                self._drop(conn)
            else:
                self._record(conn, mode)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _answer(self, conn: socket.socket, queries: bytes, mode: str, after_job: bool) -> None:
        if mode == "mute":
            return
        no_paper = mode in ("paper_out", "offline") or (mode == "runs_out" and after_job)
        for n in queries[2::3]:
            if n == 4:
                reply = PAPER_OUT if no_paper else PAPER_OK
            else:
                reply = OFFLINE if mode == "offline" or (no_paper and after_job) else ONLINE
            conn.sendall(reply)
            self.queries += 1

    def _record(self, conn: socket.socket, mode: str) -> None:
        conn.settimeout(5)
        data = bytearray()
        job_started = False
        while chunk := conn.recv(4096 if mode == "slow" else 65536):
            data += chunk
            if mode == "slow":
                time.sleep(len(chunk) / self.rate)
            if not job_started and (found := _QUERIES_AT_START.search(bytes(data[:64]))):
                del data[: found.end()]
                self._answer(conn, found.group(), mode, job_started)
            # Only the tail is searched (a copy: data is resized): megabyte jobs stay fast.
            tail = len(data) - min(len(data), 64)
            if found := _QUERIES_AT_END.search(bytes(data[tail:])):
                del data[tail + found.start() :]
                self._answer(conn, found.group(), mode, job_started)
            job_started = job_started or bool(data)
        if not data:
            return
        if mode in ("offline", "runs_out"):
            self.buffered.append(bytes(data))
            return
        self.jobs.append(bytes(data))
        if mode == "reset_after":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def _drop(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        got = bytearray()
        while len(got) < DROP_AFTER and (chunk := conn.recv(DROP_AFTER - len(got))):
            got += chunk
        self.dropped.append(bytes(got))
        time.sleep(self.drop_delay_s)
        # Linger 0: close with a reset, as a printer that is switched off mid-job would.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
