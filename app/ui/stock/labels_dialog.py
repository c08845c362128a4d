"""Serial labels for a received batch or chosen units: a preview, then a printer or a file.

To a printer, the labels go through the print queue as ESC/POS, one job per chunk of
labels, so a long run starts printing at once and a printer that jams loses one chunk,
not the whole run. To a file: a PDF sheet, a PNG strip or ZPL (app.paperwork.labels.write_labels).
Everything after the preview runs on a worker thread in chunks, with a progress bar and
a Cancel that stops between chunks: the window stays responsive for thousands of labels.
Its parts: the preview (label_preview), where the labels go (label_destination) and the
run on the worker (label_run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
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
from app.paperwork.labels import LabelSource
from app.printing.documents import LABEL_SIZES
from app.stock import queries
from app.stock.records import ItemRecord
from app.ui.ops import Ops
from app.ui.stock.label_destination import LabelDestination
from app.ui.stock.label_preview import PREVIEW_LABELS, LabelPreview, preview_images, preview_note
from app.ui.stock.label_run import LabelRun, cancelled_message
from app.ui.widgets.message_line import MessageLine
from app.ui.workers import BackgroundTask, TaskProgress, TaskRunner
from app.users.roles import Actor

CODE128, GS1_128 = "code128", "gs1-128"


if TYPE_CHECKING:  # labels are drawn (PIL, python-escpos) when the dialog first shows some
    from PIL import Image


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

        default_name = f"labels-{self.source.title.split(' · ')[0].replace(' ', '-')}.pdf"
        self.destination = LabelDestination(
            self._printers, queue=self._queue is not None, default_name=default_name
        )
        # The destination's fields, by the names the dialog has always had.
        self.printer_radio = self.destination.printer_radio
        self.file_radio = self.destination.file_radio
        self.printer_combo = self.destination.printer_combo
        self.format_combo = self.destination.format_combo
        self.path_edit = self.destination.path_edit

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
        left_panel = QWidget()
        left_panel.setFixedWidth(360)  # the preview, not the path, takes the spare width
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(options)
        left.addWidget(self.destination)
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
        self.format_combo.currentIndexChanged.connect(self._check)
        self.path_edit.textChanged.connect(self._check)
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
        return self.destination.to_printer

    @property
    def gs1(self) -> bool:
        return bool(self.symbology_combo.currentData() == GS1_128)

    @property
    def size_name(self) -> str:
        return str(self.size_combo.currentData())

    def printer(self) -> PrinterSettings | None:
        return self.destination.printer()

    def _destination_changed(self) -> None:
        printing = self.to_printer
        self.destination.follow_choice()
        # A roll printer's label is as long as its lines; the size is for label files.
        self.size_combo.setEnabled(not printing)
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

    def update_preview(self) -> None:
        """The first few labels as they will look (and a message if they cannot be made)."""
        printer = self.printer() if self.to_printer else None
        store, actor, source, shop = self._store, self._actor, self.source, self._settings.shop
        items, gs1, size_name = dict(self._items), self.gs1, self.size_name

        def render() -> list[Image.Image]:
            return preview_images(
                store, actor, source, shop, items, gs1=gs1, size_name=size_name, printer=printer
            )

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
        self.preview_note.setText(preview_note(len(images), self.source.count, printer))
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
            problem = self.destination.file_problem(self.source.count)
        if problem and self._preview_ok:
            self.error_line.show_problem(problem)
        elif self._preview_ok and not self.runner.busy and not self.outcome:
            self.error_line.clear()
        self.go_button.setEnabled(not problem and not self.runner.busy)
        return problem

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
        path = self.destination.path()
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
        message = cancelled_message(len(self._sent), self.source.count, printing=self._printing)
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
        for widget in (self.symbology_combo, self.size_combo):
            widget.setEnabled(not running)
        self.destination.set_running(running)
        if running:
            self.go_button.setEnabled(False)
        else:
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
