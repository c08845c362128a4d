"""Serial labels for a received batch or chosen units: a preview, then a printer or a file.

To a printer, the labels go through the print queue as ESC/POS, one job per chunk of
labels, so a long run starts printing at once and a printer that jams loses one chunk,
not the whole run. To a file: a PDF sheet, a PNG strip or ZPL (app.paperwork.labels.write_labels).
Everything after the preview runs on a worker thread in chunks, with a progress bar and
a Cancel that stops between chunks: the window stays responsive for thousands of labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings, load_settings
from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.devices.settings import PrinterSettings
from app.effects.printers import usable_printers
from app.errors import UserError
from app.paperwork import labels as label_files
from app.paperwork.labels import CHUNK, LabelSource
from app.printing.documents import LABEL_SIZES, Label
from app.stock import queries
from app.stock.records import ItemRecord, UnitRecord
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine
from app.ui.workers import BackgroundTask, TaskProgress, TaskRunner
from app.users.roles import Actor

PREVIEW_LABELS: Final = 3
FILE_FORMATS: Final = (
    (".pdf", "PDF label sheet (A4)"),
    (".png", f"PNG strip (up to {label_files.MAX_PNG_LABELS} labels)"),
    (".zpl", "ZPL for Zebra-type label printers"),
)
CODE128, GS1_128 = "code128", "gs1-128"


if TYPE_CHECKING:  # labels are drawn (PIL, python-escpos) when the dialog first shows some
    from PIL import Image


def pixmap_of(image: Image.Image) -> QPixmap:
    """A Pillow image on screen (labels are greyscale)."""
    grey = image.convert("L")
    data = grey.tobytes()
    qimage = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())  # copy: `data` is freed when this returns


class LabelPreview(QScrollArea):
    """Labels one under another, each on a white card, scaled down to the width there is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LabelPreview")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._pixmaps: list[QPixmap] = []
        self._cards: list[QLabel] = []
        inner = QWidget()
        inner.setObjectName("LabelPreviewArea")
        self._column = QVBoxLayout(inner)
        self._column.setContentsMargins(10, 10, 10, 10)
        self._column.setSpacing(10)
        self._column.addStretch(1)
        self.setWidget(inner)

    @property
    def count(self) -> int:
        return len(self._cards)

    def set_images(self, images: Sequence[Image.Image]) -> None:
        self.clear_images()
        for image in images:
            card = QLabel()
            card.setObjectName("LabelCard")
            card.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._column.insertWidget(self._column.count() - 1, card)
            self._cards.append(card)
            self._pixmaps.append(pixmap_of(image))
        self._rescale()

    def clear_images(self) -> None:
        for card in self._cards:
            # Out of the layout now: deleteLater() waits for the event loop to come round.
            self._column.removeWidget(card)
            card.hide()
            card.deleteLater()
        self._cards, self._pixmaps = [], []

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        # The room left once the vertical scroll bar shows (it comes with the second
        # label): a card wider than that is cut at the right ("$499.(" for $499.00).
        bar = 0 if self.verticalScrollBar().isVisible() else self.style().pixelMetric(
            QStyle.PixelMetric.PM_ScrollBarExtent, None, self
        )
        room = max(self.viewport().width() - bar - 2 * 10 - 4, 60)
        for card, pixmap in zip(self._cards, self._pixmaps, strict=True):
            if pixmap.width() > room:
                pixmap = pixmap.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
            card.setPixmap(pixmap)


@dataclass(frozen=True)
class LabelRun:
    """Everything the worker needs, fixed when Print is pressed."""

    store: Store
    actor: Actor
    settings: Settings
    source: LabelSource
    items: dict[str, ItemRecord]
    gs1: bool
    size_name: str

    def labels(self, units: list[UnitRecord]) -> list[Label]:
        return label_files.labels_for(self.settings.shop, units, self.items, gs1=self.gs1)

    def to_printer(
        self, queue: PrintQueue, printer: PrinterSettings, progress: TaskProgress, sent: list[str]
    ) -> str:
        """One print job per chunk; `sent` collects the job ids (read after a cancel)."""
        total, done = self.source.count, 0
        progress.step(0, total, f"Sending to {printer.name}…")
        from app.printing.escpos import render_labels

        for units in self.source.pages(self.store, self.actor, CHUNK):
            payload = render_labels(
                self.labels(units), width_mm=printer.paper_width_mm, profile=printer.profile
            )
            progress.check()  # rendered but not queued yet: a cancel now sends nothing more
            first, done = done + 1, done + len(units)
            title = f"Labels {first}–{done} of {total} · {self.source.title}"
            sent.append(queue.submit(printer.name, title, payload, kind="labels"))
            progress.step(done, total, f"{done:,} of {total:,} labels sent to {printer.name}")
        jobs = len(sent)
        return (
            f"{done:,} labels sent to {printer.name} in {jobs} print job{'s' if jobs != 1 else ''}."
        )

    def to_file(self, path: Path, progress: TaskProgress) -> str:
        total = self.source.count
        labels: list[Label] = []
        progress.step(0, total, "Preparing labels…")
        for units in self.source.pages(self.store, self.actor, CHUNK):
            labels += self.labels(units)
            progress.step(len(labels), total, f"{len(labels):,} of {total:,} labels prepared")
        progress.step(0, 0, f"Writing {path.name}…")
        size = label_files.write_labels(labels, path, label_files.label_size(self.size_name))
        return f"{len(labels):,} labels written to {path} ({size / 1024:,.0f} kB)."


class LabelsDialog(QDialog):
    """Preview and print (or save) serial labels."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        source: LabelSource,
        *,
        print_queue: PrintQueue | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("LabelsDialog")
        self.setWindowTitle(f"Serial labels — {source.title}")
        self._store = store
        self._actor = actor
        self.source = source
        self._queue = print_queue
        self._settings, settings_problem = self._read_settings(settings)
        self._printers, printers_problem = usable_printers(self._settings)
        self._items: dict[str, ItemRecord] = {}
        self._sent: list[str] = []
        self._printing = False  # the destination of the run going on (or last run)
        self._preview_ok = False
        self.outcome = ""
        self.outcome_failed = False
        self.runner = TaskRunner(self)
        self.runner.finished.connect(self._finished)
        self._build()
        self._ops = Ops(store, self, show_problem=self.error_line.show_problem)
        problem = settings_problem or printers_problem
        if problem:
            self.error_line.show_problem(problem)
        self._load_items()  # then the preview
        self.resize(760, 600)

    @staticmethod
    def _read_settings(settings: Settings | None) -> tuple[Settings, str]:
        if settings is not None:
            return settings, ""
        try:
            return load_settings(), ""
        except UserError as exc:
            return Settings(), exc.message

    # --- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel(f"{self.source.count:,} labels — {self.source.title}")
        self.heading.setObjectName("DialogHeading")
        self.symbology_combo = QComboBox()
        self.symbology_combo.setObjectName("SymbologyCombo")
        self.symbology_combo.addItem("Code 128 (the serial)", CODE128)
        self.symbology_combo.addItem("GS1-128 (GTIN + serial)", GS1_128)
        self.size_combo = QComboBox()
        self.size_combo.setObjectName("LabelSizeCombo")
        for name, size in LABEL_SIZES.items():
            self.size_combo.addItem(f"{size.width_mm:g} × {size.height_mm:g} mm", name)
        self.size_combo.setCurrentIndex(max(self.size_combo.findData(self._settings.label_size), 0))

        self.printer_radio = QRadioButton("Printer")
        self.file_radio = QRadioButton("File")
        self._destination = QButtonGroup(self)
        self._destination.addButton(self.printer_radio)
        self._destination.addButton(self.file_radio)
        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("PrinterCombo")
        for printer in self._printers:
            self.printer_combo.addItem(
                f"{printer.name} ({printer.paper_width_mm} mm)", printer.name
            )
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("FormatCombo")
        for suffix, text in FILE_FORMATS:
            self.format_combo.addItem(text, suffix)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("LabelPathEdit")
        default_name = f"labels-{self.source.title.split(' · ')[0].replace(' ', '-')}.pdf"
        self.path_edit.setText(str(Path.home() / default_name))
        self.browse_button = QPushButton("Browse…")

        can_print = bool(self._printers) and self._queue is not None
        self.printer_radio.setEnabled(can_print)
        if not can_print:
            why = "No printers set up: add one in Settings" if self._queue else "No print queue"
            self.printer_radio.setToolTip(why)
            self.printer_combo.setToolTip(why)
        (self.printer_radio if can_print else self.file_radio).setChecked(True)

        self.preview = LabelPreview()
        self.preview.setMinimumWidth(320)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("FormNote")

        self.progress = QProgressBar()
        self.progress.setObjectName("LabelsProgress")
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("FormNote")
        self.error_line = MessageLine()
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.hide()
        self.go_button = QPushButton()
        self.go_button.setObjectName("PrimaryButton")
        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        options = QFormLayout()
        options.addRow("Barcode", self.symbology_combo)
        options.addRow("Label size", self.size_combo)
        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_radio)
        printer_row.addWidget(self.printer_combo, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_radio)
        file_row.addWidget(self.format_combo, 1)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        destination = QGroupBox("Send to")
        destination_layout = QVBoxLayout(destination)
        destination_layout.addLayout(printer_row)
        destination_layout.addLayout(file_row)
        destination_layout.addLayout(path_row)
        left_panel = QWidget()
        left_panel.setFixedWidth(360)  # the preview, not the path, takes the spare width
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(options)
        left.addWidget(destination)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Preview"))
        right.addWidget(self.preview, 1)
        right.addWidget(self.preview_note)
        middle = QHBoxLayout()
        middle.setSpacing(18)
        middle.addWidget(left_panel)
        middle.addLayout(right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_line, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.go_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addLayout(middle, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.symbology_combo.currentIndexChanged.connect(self.update_preview)
        self.size_combo.currentIndexChanged.connect(self.update_preview)
        self.printer_radio.toggled.connect(self._destination_changed)
        self.printer_radio.toggled.connect(self.update_preview)
        self.printer_combo.currentIndexChanged.connect(self._printer_changed)
        self.printer_combo.currentIndexChanged.connect(self.update_preview)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._check)
        self.browse_button.clicked.connect(self._browse)
        self.close_button.clicked.connect(self.reject)
        self.cancel_button.clicked.connect(self.cancel)
        self.go_button.clicked.connect(self.start)
        self._destination_changed()
        self._printer_changed()

    def _load_items(self) -> None:
        """The items (for names and GTINs) and the SKUs labelled, read on a worker."""
        store, actor, source = self._store, self._actor, self.source

        def items_and_skus() -> tuple[list[ItemRecord], set[str]]:
            items = queries.list_items(store, actor, include_inactive=True)
            skus = {u.sku for u in source.units} or {
                u.sku for u in source.first(store, actor, PREVIEW_LABELS)
            }
            return items, skus

        self._ops.run(items_and_skus, success=self._items_loaded, name="items")

    def _items_loaded(self, found: tuple[list[ItemRecord], set[str]]) -> None:
        items, skus = found
        self._items = {item.sku: item for item in items}
        has_gtin = bool(skus) and all(self._items[s].barcode for s in skus if s in self._items)
        # GS1-128 carries the item's GTIN: only offered when every item here has one.
        gs1_item = self.symbology_combo.model().item(1)  # type: ignore[attr-defined]
        gs1_item.setEnabled(has_gtin)
        gs1_item.setToolTip("" if has_gtin else "Needs a product barcode (GTIN) on the item")
        self.update_preview()

    # --- choices ----------------------------------------------------------------------------

    @property
    def to_printer(self) -> bool:
        return self.printer_radio.isChecked()

    @property
    def gs1(self) -> bool:
        return bool(self.symbology_combo.currentData() == GS1_128)

    @property
    def size_name(self) -> str:
        return str(self.size_combo.currentData())

    def printer(self) -> PrinterSettings | None:
        name = self.printer_combo.currentData()
        return next((p for p in self._printers if p.name == name), None)

    def _destination_changed(self) -> None:
        printing = self.to_printer
        self.printer_combo.setEnabled(printing)
        # A roll printer's label is as long as its lines; the size is for label files.
        self.size_combo.setEnabled(not printing)
        for widget in (self.format_combo, self.path_edit, self.browse_button):
            widget.setEnabled(not printing)
        self.go_button.setText("Print" if printing else "Save file")
        if printing:
            self._printer_changed()
        self._check()

    def _printer_changed(self) -> None:
        printer = self.printer()
        if printer is not None and self.to_printer:
            name = label_files.size_name_of(*printer.label_size_mm())
            if name is not None:
                self.size_combo.setCurrentIndex(self.size_combo.findData(name))
        self._check()

    def _format_changed(self) -> None:
        suffix = str(self.format_combo.currentData())
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(suffix)))
        self._check()

    def _browse(self) -> None:
        suffix = str(self.format_combo.currentData())
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save labels", self.path_edit.text(), f"Labels (*{suffix})"
        )
        if path:
            self.path_edit.setText(path)

    def update_preview(self) -> None:
        """The first few labels as they will look (and a message if they cannot be made)."""
        printer = self.printer() if self.to_printer else None
        store, actor, source, shop = self._store, self._actor, self.source, self._settings.shop
        items, gs1, size_name = dict(self._items), self.gs1, self.size_name

        def render() -> list[Image.Image]:
            # The units are read and the labels drawn on the worker (barcodes take a while).
            from app.printing import raster

            try:
                units = source.first(store, actor, PREVIEW_LABELS)
                labels = label_files.labels_for(shop, units, items, gs1=gs1)
                size = label_files.label_size(size_name)
                return [
                    label_files.roll_label_image(label, printer.paper_width_mm, printer.profile)
                    if printer is not None
                    else raster.label_image(label, size)
                    for label in labels
                ]
            except (ValueError, KeyError) as exc:
                raise UserError(str(exc)) from None

        def show(images: list[Image.Image]) -> None:
            self._show_preview(images, printer)

        self._ops.latest(render, success=show, failure=self._no_preview, name="preview")

    def _no_preview(self, error: UserError) -> None:
        self.preview.clear_images()
        self.preview_note.setText("")
        self.error_line.show_problem(error.message)
        self._preview_ok = False
        self._check()

    def _show_preview(self, images: list[Image.Image], printer: PrinterSettings | None) -> None:
        self._preview_ok = True
        self.preview.set_images(images)
        shown = len(images)
        which = (
            f"The first {shown} of {self.source.count:,}"
            if shown < self.source.count
            else f"All {shown}"
        )
        where = (
            f"on {printer.name}'s {printer.paper_width_mm} mm roll" if printer else "in the file"
        )
        self.preview_note.setText(f"{which} labels, as they come out {where}")
        self.error_line.clear()
        self._check()

    def _check(self) -> str:
        """What stops printing now ("" if nothing); the Print button follows it."""
        problem = ""
        if not self._preview_ok:
            problem = self.error_line.message or "The labels cannot be made."
        elif self.to_printer and self.printer() is None:
            problem = "Choose a printer."
        elif not self.to_printer:
            problem = self._file_problem()
        if problem and self._preview_ok:
            self.error_line.show_problem(problem)
        elif self._preview_ok and not self.runner.busy and not self.outcome:
            self.error_line.clear()
        self.go_button.setEnabled(not problem and not self.runner.busy)
        return problem

    def _file_problem(self) -> str:
        text = self.path_edit.text().strip()
        suffix = str(self.format_combo.currentData())
        if not text:
            return "Choose where to save the file."
        if Path(text).suffix.lower() != suffix:
            return f"The file name must end in {suffix}."
        if suffix == ".png" and self.source.count > label_files.MAX_PNG_LABELS:
            return f"{self.source.count:,} labels are too many for one PNG; choose the PDF sheet"
        return ""

    # --- running ----------------------------------------------------------------------------

    def start(self) -> None:
        """Print or save every label on a worker thread."""
        if self.runner.busy or self._check():
            return
        run = LabelRun(
            self._store,
            self._actor,
            self._settings,
            self.source,
            self._items,
            self.gs1,
            self.size_name,
        )
        self._sent = []
        sent = self._sent
        queue, printer = self._queue, self.printer()
        path = Path(self.path_edit.text().strip()).expanduser()
        self._printing = printing = self.to_printer and queue is not None and printer is not None

        def work(progress: TaskProgress) -> str:
            if printing and queue is not None and printer is not None:
                return run.to_printer(queue, printer, progress, sent)
            return run.to_file(path, progress)

        task = BackgroundTask(work, name="labels")
        task.signals.progress.connect(self._progress)
        task.signals.succeeded.connect(self._succeeded)
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(self._cancelled)
        self._set_outcome("", failed=False)
        self._set_running(True)
        self.runner.start(task)

    def cancel(self) -> None:
        """Stop after the chunk being made now."""
        if self.runner.busy:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Stopping after this chunk…")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        if total:
            self.progress.setValue(done)
        self.progress_label.setText(text)

    def _succeeded(self, message: object) -> None:
        self._set_outcome(str(message), failed=False)

    def _failed(self, message: str) -> None:
        self._set_outcome(message, failed=True)

    def _cancelled(self) -> None:
        jobs = len(self._sent)
        if self._printing and jobs:
            labels = min(jobs * CHUNK, self.source.count)
            message = (
                f"Cancelled: {labels:,} labels in {jobs} job{'s' if jobs != 1 else ''} "
                "already sent will print (Print jobs can cancel them)."
            )
        else:
            message = "Cancelled: nothing was printed or saved."
        self._set_outcome(message, failed=False)

    def _set_outcome(self, message: str, *, failed: bool) -> None:
        self.outcome, self.outcome_failed = message, failed
        self.progress_label.setText("")
        self._show_outcome()

    def _show_outcome(self) -> None:
        if not self.outcome:
            return
        if self.outcome_failed:
            self.error_line.show_problem(self.outcome)
        else:
            self.error_line.show_info(self.outcome)

    def _finished(self) -> None:
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, max(self.source.count, 1))
            self.progress.setValue(0)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        choices: tuple[QWidget, ...] = (self.symbology_combo, self.size_combo, self.file_radio)
        for widget in choices:
            widget.setEnabled(not running)
        if running:
            fields = (self.printer_radio, self.printer_combo, self.format_combo, self.path_edit)
            for field in (*fields, self.browse_button, self.go_button):
                field.setEnabled(False)
        else:
            self.printer_radio.setEnabled(bool(self._printers) and self._queue is not None)
            self._destination_changed()
            self._show_outcome()  # _destination_changed() cleared the line

    def reject(self) -> None:
        if self.runner.busy:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            self.cancel()
            self.runner.wait()
        super().closeEvent(event)
