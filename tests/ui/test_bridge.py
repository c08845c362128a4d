"""DeviceBridge: events from device threads arrive as signals in the GUI thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Slot
from pytestqt.qtbot import QtBot

from app.devices.print_jobs import JobEvent, JobState, RetryPolicy
from app.devices.print_queue import PrintQueue
from app.devices.scanners.serialport import SerialPortLike, SerialScanner, open_serial_port
from app.devices.settings import PrinterSettings, ScannerSettings
from app.ui.bridge import DeviceBridge

TIMEOUT_MS = 5000


class View(QObject):
    """Stands in for a widget: records what it got and on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[tuple[str, int]] = []
        self.jobs: list[tuple[JobEvent, int]] = []

    @Slot(str)
    def on_code(self, code: str) -> None:
        self.codes.append((code, threading.get_ident()))

    @Slot(object)
    def on_job(self, event: JobEvent) -> None:
        self.jobs.append((event, threading.get_ident()))


def test_scanned_code_arrives_in_the_gui_thread(qtbot: QtBot) -> None:
    bridge = DeviceBridge()
    view = View()
    bridge.codeScanned.connect(view.on_code)
    ports: list[Any] = []

    def open_loop(settings: ScannerSettings, timeout: float) -> SerialPortLike:
        ports.append(open_serial_port(settings, timeout))
        return ports[-1]

    scanner = SerialScanner(
        ScannerSettings(kind="serial", serial_port="loop://"),
        on_code=bridge.on_code,
        on_state=bridge.on_scanner_state,
        on_rejected=bridge.on_scan_rejected,
        open_port=open_loop,
    )
    try:
        with qtbot.waitSignal(bridge.scannerStateChanged, timeout=TIMEOUT_MS) as connected:
            scanner.start()
        assert connected.args == ["connected", "Scanner ready on loop://."]

        with qtbot.waitSignal(bridge.codeScanned, timeout=TIMEOUT_MS) as scanned:
            ports[0].write(b"SN-000123\r\n")
        assert scanned.args == ["SN-000123"]
        qtbot.waitUntil(lambda: bool(view.codes), timeout=TIMEOUT_MS)
        assert view.codes == [("SN-000123", threading.main_thread().ident)]

        with qtbot.waitSignal(bridge.scanRejected, timeout=TIMEOUT_MS) as rejected:
            ports[0].write(b"x\r\n")
        assert "too short" in rejected.args[0]
    finally:
        assert scanner.stop()


def test_print_job_changes_arrive_in_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    bridge = DeviceBridge()
    view = View()
    bridge.printJobChanged.connect(view.on_job)
    queue = PrintQueue(
        tmp_path / "spool",
        [PrinterSettings(name="Demo", backend="dummy")],
        retry=RetryPolicy(base_s=0.05, max_s=0.05, jitter=0.0),
    )
    bridge.watch_print_queue(queue)
    queue.start()
    try:

        def printed(event: JobEvent) -> bool:
            return event.job.state is JobState.DONE

        with qtbot.waitSignal(bridge.printJobChanged, timeout=TIMEOUT_MS, check_params_cb=printed):
            job_id = queue.submit("Demo", "Receipt 1", b"\x1b@hello")
        qtbot.waitUntil(lambda: len(view.jobs) == 3, timeout=TIMEOUT_MS)
        states = [event.job.state for event, _ in view.jobs]
        assert states == [JobState.QUEUED, JobState.PRINTING, JobState.DONE]
        assert {event.job.id for event, _ in view.jobs} == {job_id}
        assert {thread for _, thread in view.jobs} == {threading.main_thread().ident}

        bridge.detach()  # no more events after detach
        queue.submit("Demo", "Receipt 2", b"\x1b@again")
        qtbot.wait(200)
        assert len(view.jobs) == 3
    finally:
        assert queue.stop()


def test_events_after_the_bridge_is_destroyed_are_dropped_quietly() -> None:
    bridge = DeviceBridge()
    shiboken6.delete(bridge)
    bridge.on_code("SN-1")  # a device thread reporting after the window closed: no error


def test_bridge_starts_and_stops_a_serial_scanner(qtbot: QtBot) -> None:
    bridge = DeviceBridge()
    with qtbot.waitSignal(bridge.scannerStateChanged, timeout=TIMEOUT_MS) as connected:
        scanner = bridge.start_serial_scanner(ScannerSettings(kind="serial", serial_port="loop://"))
    assert connected.args[0] == "connected"
    with qtbot.waitSignal(bridge.scannerStateChanged, timeout=TIMEOUT_MS) as stopped:
        bridge.detach()
    assert stopped.args == ["disconnected", "Scanner stopped."]
    assert scanner.status.message == "Scanner stopped."
