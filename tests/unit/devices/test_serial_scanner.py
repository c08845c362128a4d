"""Serial scanners: codes arrive through the reader thread; unplug and replug are survived."""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial

from app.devices.scanners.serialport import (
    CodeSplitter,
    RejectedScan,
    ScannerState,
    ScannerStatus,
    SerialPortLike,
    SerialScanner,
    list_ports,
    open_serial_port,
)
from app.devices.settings import ScannerSettings

WAIT_S = 5.0


def scanner_settings(port: str = "loop://", **extra: Any) -> ScannerSettings:
    return ScannerSettings(kind="serial", serial_port=port, reconnect_interval_s=0.05, **extra)


class Recorder:
    """Collects what the reader thread reports, and lets a test wait for it."""

    def __init__(self) -> None:
        self.codes: queue.Queue[str] = queue.Queue()
        self.states: queue.Queue[ScannerStatus] = queue.Queue()
        self.rejected: queue.Queue[str] = queue.Queue()

    def code(self) -> str:
        return self.codes.get(timeout=WAIT_S)

    def state(self, wanted: ScannerState) -> ScannerStatus:
        deadline = time.monotonic() + WAIT_S
        while True:
            status = self.states.get(timeout=max(0.01, deadline - time.monotonic()))
            if status.state is wanted:
                return status

    def scanner(self, settings: ScannerSettings, **kwargs: Any) -> SerialScanner:
        return SerialScanner(
            settings,
            on_code=self.codes.put,
            on_state=self.states.put,
            on_rejected=self.rejected.put,
            **kwargs,
        )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@contextlib.contextmanager
def running(scanner: SerialScanner) -> Iterator[SerialScanner]:
    scanner.start()
    try:
        yield scanner
    finally:
        assert scanner.stop(timeout_s=WAIT_S), "the reader thread did not end"


# --- splitting and noise ------------------------------------------------------------------


def split(data: list[bytes], **extra: Any) -> list[str | RejectedScan]:
    splitter = CodeSplitter(scanner_settings(**extra))
    return [result for chunk in data for result in splitter.feed(chunk)]


def test_crlf_cr_and_lf_all_end_a_code() -> None:
    assert split([b"A1234\r\nB1234\rC1234\n"]) == ["A1234", "B1234", "C1234"]


def test_empty_lines_and_line_noise_are_ignored() -> None:
    assert split([b"\r\n\r\n\x00\x00\r\n  \r\nA1234\r\n"]) == ["A1234"]


def test_control_characters_are_stripped_but_gs1_separator_kept() -> None:
    assert split([b"\x00A12\x1134\x13\r\n", b"0104006381333931\x1d10AB\r\n"]) == [
        "A1234",
        "0104006381333931\x1d10AB",
    ]


def test_partial_line_waits_for_its_terminator() -> None:
    splitter = CodeSplitter(scanner_settings())
    assert splitter.feed(b"SN-00") == []
    assert splitter.feed(b"0042") == []
    assert splitter.feed(b"\r\n") == ["SN-000042"]


def test_overlong_line_is_dropped_and_reported_once() -> None:
    results = split([b"9" * 300, b"9" * 300, b"9" * 10 + b"\r\nOK1234\r\n"], max_length=64)
    assert results == [RejectedScan("A scan longer than 64 characters was ignored."), "OK1234"]


def test_short_line_is_reported() -> None:
    results = split([b"ab\r\n"], min_length=3)
    assert len(results) == 1 and isinstance(results[0], RejectedScan)


def test_custom_terminator_and_prefix_suffix() -> None:
    results = split([b"\x02SN42\x03", b"\x02SN43\x03"], terminator="\x03", prefix="\x02")
    assert results == ["SN42", "SN43"]
    assert split([b"\x00]C1SN44#\r\n"], prefix="]C1", suffix="#") == ["SN44"]


def test_latin1_scanner_is_understood() -> None:
    assert split(["Größe-42\r".encode("latin-1")]) == ["Größe-42"]


# --- through the reader thread --------------------------------------------------------------


def test_codes_written_to_loop_port_come_back_through_the_reader(recorder: Recorder) -> None:
    ports: list[Any] = []

    def open_loop(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        port = open_serial_port(settings, timeout)
        ports.append(port)
        return port

    with running(recorder.scanner(scanner_settings("loop://"), open_port=open_loop)) as scanner:
        assert recorder.state(ScannerState.CONNECTED).message.startswith("Scanner ready")
        ports[0].write(b"4006381333931\r\n")
        ports[0].write(b"SN-00")  # a partial code ...
        assert recorder.code() == "4006381333931"
        time.sleep(0.25)  # ... across several read timeouts ...
        ports[0].write(b"0042\r\n")  # ... is completed later
        assert recorder.code() == "SN-000042"
        assert scanner.status.state is ScannerState.CONNECTED
    assert recorder.state(ScannerState.DISCONNECTED).message == "Scanner stopped."


def test_codes_from_a_pty_device(recorder: Recorder) -> None:
    master, slave = os.openpty()
    try:
        with running(recorder.scanner(scanner_settings(os.ttyname(slave)))):
            recorder.state(ScannerState.CONNECTED)
            os.write(master, b"ABC-123\r\nDEF-456\r\n")
            assert [recorder.code(), recorder.code()] == ["ABC-123", "DEF-456"]
    finally:
        os.close(master)
        os.close(slave)


def test_unplug_and_replug_on_the_same_path(recorder: Recorder, tmp_path: Path) -> None:
    link = tmp_path / "ttyScanner"  # like a udev symlink: same name for each new device

    def plug_in() -> tuple[int, int]:
        master, slave = os.openpty()
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(os.ttyname(slave))
        return master, slave

    master, slave = plug_in()
    with running(recorder.scanner(scanner_settings(str(link)))):
        recorder.state(ScannerState.CONNECTED)
        os.write(master, b"FIRST-1\r\n")
        assert recorder.code() == "FIRST-1"

        os.close(master)  # unplug
        os.close(slave)
        link.unlink()
        assert "disconnected" in recorder.state(ScannerState.DISCONNECTED).message

        master, slave = plug_in()  # replug
        try:
            recorder.state(ScannerState.CONNECTED)
            os.write(master, b"SECOND-2\r\n")
            assert recorder.code() == "SECOND-2"
        finally:
            os.close(master)
            os.close(slave)


class FlakyPort:
    """A fake port: serves queued chunks, then fails like an unplugged device."""

    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = list(chunks)
        self.closed = False

    @property
    def in_waiting(self) -> int:
        return len(self._chunks[0]) if self._chunks else 0

    def read(self, size: int = 1) -> bytes:
        if self._chunks:
            return self._chunks.pop(0)
        raise serial.SerialException("read failed: [Errno 5] Input/output error")

    def close(self) -> None:
        self.closed = True


def test_open_failures_are_reported_and_retried(recorder: Recorder) -> None:
    failures = [
        serial.SerialException(errno.EACCES, "could not open port: Permission denied"),
        serial.SerialException(errno.ENOENT, "could not open port: No such file"),
    ]
    ports: list[FlakyPort] = []
    opened = threading.Event()

    def opener(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        if failures:
            raise failures.pop(0)
        port = FlakyPort([b"A1234\r\n"] if not ports else [])
        ports.append(port)
        if len(ports) >= 2:
            opened.set()
        return port

    with running(recorder.scanner(scanner_settings("/dev/ttyFAKE0"), open_port=opener)):
        error = recorder.state(ScannerState.ERROR)
        assert "No permission to open /dev/ttyFAKE0" in error.message
        assert "No scanner on /dev/ttyFAKE0" in recorder.state(ScannerState.DISCONNECTED).message
        recorder.state(ScannerState.CONNECTED)
        assert recorder.code() == "A1234"
        recorder.state(ScannerState.DISCONNECTED)  # the read failure
        assert opened.wait(WAIT_S)  # and it came back by itself
    assert ports[0].closed


def test_same_failure_again_is_reported_once(recorder: Recorder) -> None:
    calls = 0

    def opener(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        nonlocal calls
        calls += 1
        raise serial.SerialException(errno.ENOENT, "could not open port")

    with running(recorder.scanner(scanner_settings("/dev/ttyFAKE1"), open_port=opener)):
        recorder.state(ScannerState.DISCONNECTED)
        time.sleep(0.3)  # several retries at 0.05 s ...
    assert calls >= 3
    reported = [recorder.states.get_nowait() for _ in range(recorder.states.qsize())]
    assert [s.message for s in reported] == ["Scanner stopped."]  # ... no news until stop


def test_rejections_and_failing_callbacks_do_not_stop_the_reader(recorder: Recorder) -> None:
    ports: list[Any] = []

    def open_loop(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        ports.append(open_serial_port(settings, timeout))
        return ports[-1]

    def explode(code: str) -> None:
        recorder.codes.put(code)
        raise RuntimeError("a bug in the GUI")

    scanner = SerialScanner(
        scanner_settings("loop://", max_length=16),
        on_code=explode,
        on_state=recorder.states.put,
        on_rejected=recorder.rejected.put,
        open_port=open_loop,
    )
    with running(scanner):
        recorder.state(ScannerState.CONNECTED)
        ports[0].write(b"X" * 100 + b"\r\nGOOD-1\r\nGOOD-2\r\n")
        assert recorder.rejected.get(timeout=WAIT_S).startswith("A scan longer than 16")
        assert [recorder.code(), recorder.code()] == ["GOOD-1", "GOOD-2"]


def test_stop_is_quick_and_a_serial_scanner_needs_a_port() -> None:
    scanner = SerialScanner(scanner_settings("loop://"), on_code=lambda code: None)
    scanner.start()
    started = time.monotonic()
    assert scanner.stop(timeout_s=WAIT_S)
    assert time.monotonic() - started < 1.0
    with pytest.raises(ValueError):
        SerialScanner(ScannerSettings(), on_code=lambda code: None)


def test_list_ports_gives_plain_tuples() -> None:
    ports = list_ports()
    assert isinstance(ports, list)
    assert all(isinstance(d, str) and isinstance(desc, str) for d, desc in ports)


def test_a_port_that_fails_every_read_is_not_reopened_in_a_tight_loop(
    recorder: Recorder,
) -> None:
    opened = 0

    def opener(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        nonlocal opened
        opened += 1
        return FlakyPort([])

    with running(recorder.scanner(scanner_settings("/dev/ttyFAKE2"), open_port=opener)):
        time.sleep(0.5)
    assert 2 <= opened <= 15  # about one try per reconnect_interval_s (0.05 s)
