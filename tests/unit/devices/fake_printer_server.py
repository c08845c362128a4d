"""A TCP server on 127.0.0.1 that plays an ESC/POS network printer, for the device tests.

Modes (switch any time with `mode = ...`; a connection keeps the mode it was accepted in):
- "record": read until the client closes, keep the bytes as one job, close.
- "refuse": the port is closed (connections are refused).
- "stall": accept but never read; the connection stays open until stop().
- "drop": read a few bytes, then reset the connection (half a job).
- "paper_out": like record, but answers the paper-status query with "no paper".
In record mode the paper-status query (DLE EOT 4) is answered "paper OK" and not recorded.
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time

PAPER_QUERY = b"\x10\x04\x04"
PAPER_OK = b"\x12"
PAPER_OUT = b"\x72"
DROP_AFTER = 16  # bytes read before a "drop" connection is reset


class FakePrinter:
    """See the module docstring. Use as a context manager or start()/stop()."""

    def __init__(self) -> None:
        self.jobs: list[bytes] = []  # complete jobs, in the order they ended
        self.dropped: list[bytes] = []  # what "drop" connections got before the reset
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

    # --- control -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        assert mode in ("record", "refuse", "stall", "drop", "paper_out"), mode
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
                self._record(conn, PAPER_OUT if mode == "paper_out" else PAPER_OK)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _record(self, conn: socket.socket, paper_reply: bytes) -> None:
        conn.settimeout(5)
        data = bytearray()
        while chunk := conn.recv(65536):
            data += chunk
            while data.startswith(PAPER_QUERY):
                del data[: len(PAPER_QUERY)]
                conn.sendall(paper_reply)
        if data:
            self.jobs.append(bytes(data))

    def _drop(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        got = bytearray()
        while len(got) < DROP_AFTER and (chunk := conn.recv(DROP_AFTER - len(got))):
            got += chunk
        self.dropped.append(bytes(got))
        # Linger 0: close with a reset, as a printer that is switched off mid-job would.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
