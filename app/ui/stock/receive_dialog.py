"""Receive stock: an item, where it goes, how many, at what cost, and — for serialized
items — the serial of every unit, entered one of four ways with a live preview.

The dialog shows the exact serial list before anything is saved and refuses to start while
what is typed cannot be read or does not match the quantity. It decides nothing itself:
the receiving service (one transaction) checks everything again and its refusals are
shown as they come — serials already on file listed one by one. Receiving runs on a
worker thread, so a delivery of thousands of units never freezes the window. Its parts:
the form (receive_form), the serials box, preview and outcome (receive_parts), scanning
(receive_scans) and the service call (receive_work).
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.errors import UserError
from app.events import Change
from app.paperwork.labels import LabelSource
from app.stock import queries, serials
from app.stock.lookups import DuplicateSerials
from app.stock.records import ItemRecord, LocationRecord, ReceiveResult
from app.stock.serial_schemes import SerialScheme
from app.ui.changes import hub_of
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.receive_form import ReceiveForm
from app.ui.stock.receive_parts import (
    ClashBox,
    SerialsBox,
    ask_to_discard,
    done_banner,
    entries_problem,
    generated_preview,
)
from app.ui.stock.receive_scans import ReceiveScans
from app.ui.stock.receive_work import Submissions, receiving_work
from app.ui.stock.serial_input import GENERATE, ParsedSerials
from app.ui.widgets.message_line import MessageLine
from app.ui.workers import BackgroundTask, TaskRunner
from app.users.roles import Actor

CHECK_DELAY_MS: Final = 250
RECEIVED_CHANGES: Final = frozenset({Change.UNITS, Change.ITEMS})


class ReceiveDialog(QDialog):
    """Receive a delivery into a location; then offer its labels.

    Signals:
        received(ReceiveResult): stock was received (views showing stock refresh).
    """

    received = Signal(object)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        fmt: ShopFormat,
        *,
        print_queue: PrintQueue | None = None,
        sku: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiveDialog")
        self.setWindowTitle("Receive stock")
        self._store = store
        self._actor = actor
        self._print_queue = print_queue
        self._parsed = ParsedSerials(GENERATE)
        self._problem = ""
        self._submissions = Submissions()  # the same submission again is the same receipt
        self.last_result: ReceiveResult | None = None
        self.labels_dialog: LabelsDialog | None = None
        self.discard_box: QMessageBox | None = None
        self.runner = TaskRunner(self)
        self.runner.finished.connect(self._work_finished)

        self.form = ReceiveForm(fmt)
        self.serials_box = SerialsBox()
        self.serial_input = self.serials_box.serial_input
        self.preview_model = self.serials_box.preview_model
        self.count_label = self.serials_box.count_label
        self.duplicates_box = ClashBox()
        self.duplicates_list = self.duplicates_box.serials_list
        self.done_frame, self.done_label, self.labels_button = done_banner()
        self.error_line = MessageLine()
        self._ops = Ops(self._store, self, show_problem=self.error_line.show_problem)
        self.scans = ReceiveScans(
            store,
            self._ops,
            self.form,
            self.serial_input,
            self.error_line,
            listed=lambda: self._parsed.entries if self._parsed.method != GENERATE else [],
        )
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.receive_button = QPushButton("Receive")
        self.receive_button.setObjectName("PrimaryButton")
        self.receive_button.setDefault(False)
        self.receive_button.setAutoDefault(False)
        self._layout()

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.recheck)
        self.form.changed.connect(self._form_changed)
        self.serial_input.parsed.connect(self._parsed_changed)
        self.receive_button.clicked.connect(self.receive)
        self.close_button.clicked.connect(self.reject)
        self.labels_button.clicked.connect(self.print_labels)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.receive)

        self.load_choices(sku)
        self.serial_input.parse_now()
        self.resize(840, 700)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.error_line, 1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.receive_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(self.form)
        layout.addWidget(self.serials_box, 1)
        layout.addWidget(self.duplicates_box)
        layout.addWidget(self.done_frame)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)

    def load_choices(self, sku: str = "") -> None:
        """Items and locations from the store (an item's next serial number changes),
        read on a worker."""
        store, actor = self._store, self._actor

        def choices() -> tuple[list[ItemRecord], list[LocationRecord]]:
            return queries.list_items(store, actor), queries.list_locations(store, actor)

        def show(found: tuple[list[ItemRecord], list[LocationRecord]]) -> None:
            self.form.set_choices(*found, sku=sku)

        self._ops.latest(choices, success=show, name="choices")

    # --- checking as the person types -------------------------------------------------------

    def _form_changed(self) -> None:
        item = self.form.item
        self.serials_box.setVisible(item is not None and item.serialized)
        self._check_timer.start()  # a generated preview asks the store: not on every step

    def _parsed_changed(self, parsed: object) -> None:
        if isinstance(parsed, ParsedSerials):
            self._parsed = parsed
            if parsed.entries:
                self.done_frame.hide()  # the next delivery is being entered
        self.duplicates_box.hide()  # the input changed: the clash shown is no longer news
        self.recheck()

    def recheck(self) -> str:
        """Work out the preview and what stops receiving now ("" if nothing)."""
        self._check_timer.stop()
        self._problem = self._find_problem()
        if self._problem and not self.done_frame.isVisible():
            self.error_line.show_problem(self._problem)
        elif self.scans.note:
            self.error_line.show_problem(self.scans.note)
            self.serial_input.error_line.show_problem(self.scans.note)
        else:
            # Just received: the emptied input is the next delivery's, not a problem yet.
            self.error_line.clear()
            if self.done_frame.isVisible():
                self.serial_input.error_line.clear()
        self.receive_button.setEnabled(not self._problem and not self.runner.busy)
        return self._problem

    def _find_problem(self) -> str:
        form, item = self.form, self.form.item
        if item is None:
            return "There are no items to receive: add one first."
        if not form.location:
            return "There are no locations: add one first."
        try:
            form.cost()
            form.cost_line.clear()
        except UserError as exc:
            form.cost_line.show_problem(exc.message)
            return exc.message
        if not item.serialized:
            self.preview_model.set_serials([])
            return ""
        self.serial_input.set_scheme_text(self._scheme_text(item))
        if form.quantity > serials.MAX_SERIALS:
            return f"At most {serials.MAX_SERIALS:,} serials can be received at once."
        if self._parsed.method == GENERATE:
            return self._preview_generated(item)
        entries = self._parsed.entries
        form.show_count(len(entries))
        self._show_preview([e.serial for e in entries], len(entries))
        if self._parsed.error:
            return self._parsed.error
        problem = entries_problem(entries, form.quantity)
        if problem:
            self.serial_input.error_line.show_problem(problem)
        else:
            self.serial_input.error_line.clear()
        return problem

    def _preview_generated(self, item: ItemRecord) -> str:
        """Asks the store for the next serials on a worker; the preview (or the reason
        there is none) follows when they come. The service generates them again anyway."""
        store, quantity = self._store, self.form.quantity
        self._ops.latest(
            lambda: (generated_preview(store, item, quantity), quantity),
            success=self._show_generated,
            failure=self._no_preview,
            name="preview",
        )
        return ""

    def _show_generated(self, answer: tuple[tuple[list[str], str], int]) -> None:
        (made, note), quantity = answer
        self.serial_input.set_scheme_text(note)
        self._show_preview(made, quantity)
        self.serial_input.error_line.clear()

    def _no_preview(self, error: UserError) -> None:
        self._show_preview([], 0)
        self.serial_input.error_line.show_problem(error.message)
        self._problem = error.message
        self.error_line.show_problem(error.message)
        self.receive_button.setEnabled(False)

    def _scheme_text(self, item: ItemRecord) -> str:
        scheme = SerialScheme(item.serial_prefix, item.serial_digits, item.serial_random)
        return f"Serials from the scheme {scheme.pattern}"

    def _show_preview(self, values: list[str], total: int) -> None:
        self.serials_box.show_preview(values, total)

    # --- receiving --------------------------------------------------------------------------

    def receive(self) -> None:
        """Hand the delivery to the receiving service on a worker thread."""
        if self.runner.busy or self.recheck():
            return
        item = self.form.item
        if item is None:
            return
        parsed, quantity = self._parsed, self.form.quantity
        delivery = self.form.delivery(item)
        token = self._submissions.token(
            (*self.form.signature(), parsed.method, tuple(parsed.entries))
        )
        work = receiving_work(self._store, self._actor, item, delivery, quantity, parsed, token)
        task = BackgroundTask(work, name="receiving")
        task.signals.succeeded.connect(self._received)
        task.signals.failed.connect(self._failed)
        self._set_busy(True)
        self.runner.start(task)

    def _received(self, outcome: object) -> None:
        if isinstance(outcome, DuplicateSerials):
            self._show_duplicates(outcome)
            return
        if not isinstance(outcome, ReceiveResult):
            return
        self.last_result = outcome
        self.form.qty_set = False  # the next delivery's scans are its quantity again
        # Receiving runs as a BackgroundTask (it reports progress), not an op: tell the
        # views here, as an op would.
        hub_of(self._store).announce(RECEIVED_CHANGES)
        noun = "unit" if outcome.qty == 1 else "units"
        batch = f" (batch {outcome.batch_id})" if outcome.batch_id is not None else ""
        self.done_label.setText(
            f"Received {outcome.qty:,} {noun} of {outcome.sku} into {outcome.location}{batch}."
        )
        self.labels_button.setVisible(outcome.batch_id is not None)
        self.done_frame.show()
        self.serial_input.clear_input()
        self.serial_input.parse_now()  # nothing entered now: nothing to ask about at Esc
        self.load_choices(outcome.sku)  # the item's next serial number has moved on
        self.received.emit(outcome)
        if outcome.batch_id is not None:
            self.labels_button.setFocus()

    def _show_duplicates(self, error: DuplicateSerials) -> None:
        self.duplicates_box.show_clash(error)
        self.preview_model.mark_clashing(error.serials)
        self.error_line.show_problem(error.message)

    def _failed(self, message: str) -> None:
        self.error_line.show_problem(message)

    def _work_finished(self) -> None:
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.form, self.serial_input, self.close_button):
            widget.setEnabled(not busy)
        self.receive_button.setEnabled(not busy and not self._problem)
        if busy:
            self._hide_outcome()

    def _hide_outcome(self) -> None:
        self.duplicates_box.hide()
        self.done_frame.hide()

    def handle_scan(self, code: str) -> None:
        """A scanner's code while the dialog is open: one more serial on the List tab.

        Keyboard-wedge bursts never reach the focused field (app/ui/wedge_filter.py); the
        window hands them here while this dialog is the active window.
        """
        if not self.runner.busy:
            self.scans.handle(code)

    # --- labels and closing -----------------------------------------------------------------

    def print_labels(self) -> None:
        """Labels for the batch just received."""
        result = self.last_result
        if result is None or result.batch_id is None:
            return
        dialog = LabelsDialog(
            self._store,
            self._actor,
            LabelSource.batch(result.batch_id, result.qty, result.sku),
            print_queue=self._print_queue,
            parent=self,
        )
        self.labels_dialog = dialog
        dialog.open()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter receives from any field that does not take it (the serial list does).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.receive()
            return
        super().keyPressEvent(event)

    def has_unsaved_serials(self) -> bool:
        return self._parsed.method != GENERATE and bool(self._parsed.entries)

    def reject(self) -> None:
        if self.runner.busy:
            # One transaction: it finishes (or changes nothing) in a moment; wait for it.
            self.error_line.show_info("Receiving… the dialog closes when it is done.")
            return
        if self.has_unsaved_serials():
            self._ask_to_discard()
            return
        super().reject()

    def close_for_lock(self) -> None:
        """The till locks: the dialog goes without asking (no one is there to answer)."""
        if self.discard_box is not None:
            self.discard_box.done(QMessageBox.StandardButton.Cancel.value)
        if self.runner.busy:
            self.reject()  # it closes itself when the receipt is saved
            return
        QDialog.reject(self)

    def _ask_to_discard(self) -> None:
        def answered(discard: bool) -> None:
            self.discard_box = None
            if discard:
                self.serial_input.clear_input()
                self._parsed = ParsedSerials(self._parsed.method)
                QDialog.reject(self)

        self.discard_box = ask_to_discard(self, len(self._parsed.entries), answered)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            event.ignore()
            return
        super().closeEvent(event)
