"""Labels: a preview, files whose barcodes scan back, printer jobs in chunks, and a long
run on a worker thread that leaves the window responsive and stops when cancelled."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from device_support import TIMEOUT_MS, quick_queue
from PIL import Image
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import Settings
from app.db.uow import Store
from app.devices.escpos_printers import dummy_output
from app.devices.print_queue import PrintQueue
from app.devices.settings import parse_printers
from app.paperwork.labels import CHUNK, LabelSource
from app.printing import escpos as escpos_printing
from app.stock.receiving import Receiving, generate_serials
from app.stock.records import ReceiveResult
from app.ui.stock.labels_dialog import LabelsDialog
from app.users.roles import Actor
from tests.support.escpos_decode import Barcode, decode
from tests.unit.printing.pdf_sheet_reader import read_pdf

PHONE_GTIN14 = "04006381333931"  # the demo phone's product barcode, as GS1 (01) carries it


def receive(store: Store, actor: Actor, sku: str, count: int) -> ReceiveResult:
    delivery = Receiving(sku=sku, location="Front store")
    return generate_serials(store, actor, delivery, count)


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[PrintQueue]:
    queue = quick_queue(tmp_path)
    queue.start()
    yield queue
    queue.stop()


@pytest.fixture
def printer_name() -> str:
    # Dummy printers keep their bytes by name for the whole process: one name per test.
    return f"Labels-{uuid.uuid4().hex[:8]}"


def open_labels(
    qtbot: QtBot,
    store: Store,
    actor: Actor,
    batch: ReceiveResult,
    queue: PrintQueue | None = None,
    printer_name: str = "Labels",
) -> LabelsDialog:
    assert batch.batch_id is not None
    printers = ({"name": printer_name, "backend": "dummy", "paper_width_mm": 58},)
    if queue is not None:
        queue.set_printers(parse_printers(printers))  # as ShopDevices does after a save
    dialog = LabelsDialog(
        store,
        actor,
        LabelSource.batch(batch.batch_id, batch.qty, batch.sku),
        print_queue=queue,
        settings=Settings(printers=printers),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)  # the items and the preview come from a worker
    return dialog


def to_file(dialog: LabelsDialog, path: Path) -> None:
    dialog.file_radio.setChecked(True)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(path.suffix))
    dialog.path_edit.setText(str(path))


# Rendering a sheet of 120 labels takes about a second alone and several times that when
# the test shares a crowded core; the limit only bounds a run that never ends.
RUN_TIMEOUT_MS = 30_000


def run(qtbot: QtBot, dialog: LabelsDialog) -> None:
    settle(qtbot)  # the preview of the options chosen
    with qtbot.waitSignal(dialog.runner.finished, timeout=RUN_TIMEOUT_MS):
        dialog.go_button.click()


def scan(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [barcode.text for barcode in sorted(found, key=lambda b: b.position.top_left.y)]


def test_the_preview_shows_the_first_labels_and_gs1_needs_a_gtin(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    phones = receive(demo_store, demo_manager, "PH-X200", 5)
    dialog = open_labels(qtbot, demo_store, demo_manager, phones)
    assert dialog.preview.count == 3
    assert dialog.preview_note.text().startswith("The first 3 of 5 labels")
    gs1 = dialog.symbology_combo.model().item(1)  # type: ignore[attr-defined]
    assert gs1.isEnabled()  # the phone has a product barcode

    cameras = receive(demo_store, demo_manager, "CAM-Z5", 2)
    camera_labels = open_labels(qtbot, demo_store, demo_manager, cameras)
    gs1 = camera_labels.symbology_combo.model().item(1)  # type: ignore[attr-defined]
    assert not gs1.isEnabled()  # the camera has none: GS1-128 is not offered
    assert camera_labels.preview_note.text().startswith("All 2 labels")


def test_a_png_strip_scans_back_as_the_batch(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    phones = receive(demo_store, demo_manager, "PH-X200", 4)
    dialog = open_labels(qtbot, demo_store, demo_manager, phones)
    out = tmp_path / "phones.png"
    to_file(dialog, out)
    run(qtbot, dialog)
    assert dialog.outcome.startswith(f"4 labels written to {out}")
    assert scan(Image.open(out)) == phones.serials


def test_gs1_labels_carry_the_gtin_and_the_serial(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    phones = receive(demo_store, demo_manager, "PH-X200", 2)
    dialog = open_labels(qtbot, demo_store, demo_manager, phones)
    dialog.symbology_combo.setCurrentIndex(1)
    # GTIN + serial need 54 mm of bars at two dots a bar: more than a 50 mm label has.
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("80mm"))
    out = tmp_path / "gs1.png"
    to_file(dialog, out)
    run(qtbot, dialog)
    assert scan(Image.open(out)) == [f"01{PHONE_GTIN14}21{s}" for s in phones.serials]


def test_a_pdf_sheet_of_a_big_batch_scans_back_in_order(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    drills = receive(demo_store, demo_manager, "DRL-18V", 120)
    dialog = open_labels(qtbot, demo_store, demo_manager, drills)
    out = tmp_path / "drills.pdf"
    to_file(dialog, out)
    run(qtbot, dialog)
    images = [placed.image for page in read_pdf(out.read_bytes()) for placed in page.images]
    # The PDF keeps a few rows of each barcode; stretched along the bars they scan as printed.
    scanned = [scan(i.resize((i.width, 60), Image.Resampling.NEAREST)) for i in images]
    assert scanned == [[serial] for serial in drills.serials]


def test_a_printer_gets_one_job_per_chunk_and_every_barcode(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, queue: PrintQueue, printer_name: str
) -> None:
    drills = receive(demo_store, demo_manager, "DRL-18V", 2 * CHUNK + 7)
    dialog = open_labels(qtbot, demo_store, demo_manager, drills, queue, printer_name)
    assert dialog.to_printer
    assert dialog.preview_note.text().endswith(f"on {printer_name}'s 58 mm roll")
    run(qtbot, dialog)
    titles = [job.title for job in queue.jobs()]
    assert titles == [
        f"Labels 1–50 of 107 · batch {drills.batch_id} · DRL-18V",
        f"Labels 51–100 of 107 · batch {drills.batch_id} · DRL-18V",
        f"Labels 101–107 of 107 · batch {drills.batch_id} · DRL-18V",
    ]
    qtbot.waitUntil(lambda: len(dummy_output(printer_name)) == 3, timeout=TIMEOUT_MS)
    printed = [e.text for job in dummy_output(printer_name) for e in decode(job)
               if isinstance(e, Barcode)]  # fmt: skip
    assert printed == drills.serials
    assert dialog.outcome == f"107 labels sent to {printer_name} in 3 print jobs."


class Slowly:
    """Stands in for the ESC/POS renderer: each chunk takes a while, like a slow machine."""

    def __init__(self, real: Callable[..., bytes], seconds: float) -> None:
        self.real, self.seconds, self.calls = real, seconds, 0

    def __call__(self, *args: Any, **kwargs: Any) -> bytes:
        self.calls += 1
        time.sleep(self.seconds)
        return self.real(*args, **kwargs)


def test_a_thousand_labels_leave_the_window_responsive_and_cancel_stops_between_chunks(
    qtbot: QtBot,
    demo_store: Store,
    demo_manager: Actor,
    queue: PrintQueue,
    printer_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cameras = receive(demo_store, demo_manager, "CAM-Z5", 1000)
    slow = Slowly(escpos_printing.render_labels, 0.05)  # the dialog imports it when sending
    monkeypatch.setattr(escpos_printing, "render_labels", slow)
    dialog = open_labels(qtbot, demo_store, demo_manager, cameras, queue, printer_name)
    ticks: list[bool] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(dialog.runner.busy))
    timer.start()

    dialog.go_button.click()
    assert dialog.runner.busy and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 2 * CHUNK, timeout=TIMEOUT_MS)
    assert any(ticks), "the GUI thread's timer must tick while the labels are made"
    with qtbot.waitSignal(dialog.runner.finished, timeout=TIMEOUT_MS):
        dialog.cancel_button.click()
    timer.stop()

    sent = len(queue.jobs())
    assert 2 <= sent < 1000 // CHUNK  # stopped between chunks, long before the end
    assert slow.calls in (sent, sent + 1)  # at most the chunk in hand was made, not sent
    assert dialog.outcome.startswith(f"Cancelled: {sent * CHUNK:,} labels in {sent} jobs")
    assert dialog.go_button.isEnabled() and not dialog.cancel_button.isVisible()


def test_a_png_of_too_many_labels_is_refused_before_starting(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    cameras = receive(demo_store, demo_manager, "CAM-Z5", 201)
    dialog = open_labels(qtbot, demo_store, demo_manager, cameras)
    to_file(dialog, tmp_path / "too-many.png")
    assert "201 labels are too many for one PNG" in dialog.error_line.message
    assert not dialog.go_button.isEnabled()
    assert not (tmp_path / "too-many.png").exists()


def test_chosen_units_get_labels_too(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    from app.stock.queries import find_units

    (unit,) = find_units(demo_store, demo_manager, "SN0100")
    dialog = LabelsDialog(demo_store, demo_manager, LabelSource.chosen([unit]), settings=Settings())
    qtbot.addWidget(dialog)
    assert not dialog.printer_radio.isEnabled()  # no printers set up: files only
    out = tmp_path / "one.png"
    to_file(dialog, out)
    run(qtbot, dialog)
    assert scan(Image.open(io.BytesIO(out.read_bytes()))) == ["SN0100"]
