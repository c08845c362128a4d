"""Print jobs panel: the queue's jobs with their state, live, and Retry / Cancel by hand."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from device_support import TIMEOUT_MS, quick_queue
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.devices.print_jobs import JobState, RetryPolicy
from app.devices.print_queue import PrintQueue
from app.devices.settings import PrinterSettings
from app.ui.bridge import DeviceBridge
from app.ui.print_jobs_panel import PrintJobsPanel
from tests.unit.devices.fake_printer_server import FakePrinter

SLOW_RETRY = RetryPolicy(base_s=30.0, max_s=30.0, max_attempts=3, jitter=0.0)


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:  # 127.0.0.1 only
        yield fake


def network(fake: FakePrinter) -> PrinterSettings:
    return PrinterSettings(
        name="Counter", backend="network", host="127.0.0.1", port=fake.port, timeout_s=1.0
    )


class Till:
    """A started queue, its bridge, and the panel over them."""

    def __init__(self, qtbot: QtBot, queue: PrintQueue) -> None:
        self.queue = queue
        self.bridge = DeviceBridge()
        self.bridge.watch_print_queue(queue)
        self.panel = PrintJobsPanel(queue, self.bridge)
        qtbot.addWidget(self.panel)
        self.panel.resize(900, 300)
        self.panel.show()
        queue.start()

    def state(self, row: int) -> str:
        return str(self.panel.model.index(row, 2).data())

    def close(self) -> None:
        self.bridge.detach()
        self.queue.stop()


@pytest.fixture
def till(qtbot: QtBot, tmp_path: Path, printer: FakePrinter) -> Iterator[Till]:
    queue = quick_queue(tmp_path)
    queue.set_printers([network(printer)])
    till = Till(qtbot, queue)
    yield till
    till.close()


def test_a_printed_job_shows_its_way_through_the_queue(qtbot: QtBot, till: Till) -> None:
    seen: list[str] = []
    threads: set[int | None] = set()

    def changed() -> None:
        seen.append(till.state(0))
        threads.add(threading.get_ident())

    till.panel.model.dataChanged.connect(changed)
    till.queue.submit("Counter", "Receipt S-000101", b"\x1b@hello\n")
    qtbot.waitUntil(lambda: till.state(0) == "Printed", timeout=TIMEOUT_MS)
    model = till.panel.model
    assert [model.index(0, c).data() for c in (0, 1, 3, 4)] == [
        "Receipt S-000101",
        "Counter",
        "1",
        "",
    ]
    assert seen[-1] == "Printed" and "Printing" in seen
    assert threads == {threading.main_thread().ident}  # the queue's threads never touch it
    assert till.panel.summary_label.text() == "All printed"


def test_a_failed_job_is_retried_by_hand(qtbot: QtBot, till: Till, printer: FakePrinter) -> None:
    printer.mode = "refuse"
    job_id = till.queue.submit("Counter", "Receipt S-000102", b"\x1b@again\n")
    qtbot.waitUntil(lambda: till.state(0) == "Failed", timeout=TIMEOUT_MS)
    model = till.panel.model
    assert model.index(0, 3).data() == "2"
    assert "not reachable" in model.index(0, 4).data()
    assert till.panel.summary_label.text() == "1 failed"

    till.panel.select_job(job_id)
    assert till.panel.retry_button.isEnabled()
    assert not till.panel.cancel_button.isEnabled()  # nothing left to cancel
    printer.mode = "record"
    qtbot.mouseClick(till.panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: till.state(0) == "Printed", timeout=TIMEOUT_MS)
    assert printer.wait_for_jobs(1) == [b"\x1b@again\n"]
    assert not till.panel.retry_button.isEnabled()


def test_a_job_waiting_to_retry_is_cancelled_by_hand(
    qtbot: QtBot, tmp_path: Path, printer: FakePrinter
) -> None:
    printer.mode = "refuse"
    queue = quick_queue(tmp_path, SLOW_RETRY)
    queue.set_printers([network(printer)])
    till = Till(qtbot, queue)
    try:
        job_id = queue.submit("Counter", "Intake tag T-0007", b"\x1b@tag\n")
        qtbot.waitUntil(lambda: till.state(0).startswith("Will retry in"), timeout=TIMEOUT_MS)
        till.panel.select_job(job_id)
        assert till.panel.cancel_button.isEnabled()
        qtbot.mouseClick(till.panel.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: till.state(0) == "Cancelled", timeout=TIMEOUT_MS)
        job = queue.job(job_id)
        assert job is not None and job.state is JobState.CANCELLED
        assert till.panel.retry_button.isEnabled()  # a cancelled job can still be sent
    finally:
        till.close()


def test_the_panel_lists_jobs_from_before_it_opened_and_drops_pruned_ones(
    qtbot: QtBot, tmp_path: Path, printer: FakePrinter
) -> None:
    queue = PrintQueue(tmp_path / "spool", [network(printer)], keep_finished=1, fsync=False)
    queue.start()
    first = queue.submit("Counter", "Receipt 1", b"1")
    assert (done := queue.wait(first, 5)) is not None and done.state is JobState.DONE
    queue.stop()
    till = Till(qtbot, PrintQueue(tmp_path / "spool", [network(printer)], keep_finished=1))
    try:
        assert [j.title for j in till.panel.model.jobs()] == ["Receipt 1"]
        till.queue.submit("Counter", "Receipt 2", b"2")
        qtbot.waitUntil(
            lambda: [j.title for j in till.panel.model.jobs()] == ["Receipt 2"],
            timeout=TIMEOUT_MS,
        )
    finally:
        till.close()
