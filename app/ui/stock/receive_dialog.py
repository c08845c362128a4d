"""Receive stock: an item, where it goes, how many, at what cost, and — for serialized
items — the serial of every unit, entered one of four ways with a live preview.

The dialog shows the exact serial list before anything is saved and refuses to start while
what is typed cannot be read or does not match the quantity. It decides nothing itself:
the receiving service (one transaction) checks everything again and its refusals are
shown as they come — serials already on file listed one by one. Receiving runs on a
worker thread, so a delivery of thousands of units never freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final
from uuid import uuid4

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.errors import UserError
from app.events import Change
from app.money import parse_money
from app.paperwork.labels import LabelSource
from app.stock import queries, serials
from app.stock.lookups import DuplicateSerials, existing_keys
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.records import ItemRecord, LocationRecord, ReceiveResult
from app.stock.serial_schemes import SerialScheme, generate
from app.stock.serials import SerialEntry
from app.ui.changes import hub_of
from app.ui.formatting import ShopFormat
from app.ui.models.columns import AnyIndex
from app.ui.ops import Ops
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.serial_input import GENERATE, ParsedSerials, SerialInput
from app.ui.widgets.message_line import MessageLine
from app.ui.workers import BackgroundTask, TaskProgress, TaskRunner
from app.users.roles import Actor

PREVIEW_LIMIT: Final = 1_000  # generated serials worked out ahead; the rest follow the scheme
CHECK_DELAY_MS: Final = 250
RECEIVED_CHANGES: Final = frozenset({Change.UNITS, Change.ITEMS})
CLASH_COLOUR: Final = QColor("#b3261e")
MAX_QUANTITY: Final = 1_000_000


def generated_preview(store: Store, item: ItemRecord, count: int) -> tuple[list[str], str]:
    """The serials the item's scheme gives next (skipping taken ones), and a note.

    The service generates them again inside its transaction; another till receiving the
    same item meanwhile can move them on, which the result then shows.
    """
    scheme = SerialScheme(item.serial_prefix, item.serial_digits, item.serial_random)
    if scheme.random:
        return [], f"{count:,} random serials like {scheme.pattern}, drawn when you press Receive"
    shown = min(count, PREVIEW_LIMIT)
    with store.read() as session:
        made, _next = generate(
            scheme,
            shown,
            next_number=item.serial_next,
            taken=lambda keys: existing_keys(session, item.id, keys),
        )
    more = f" — the first {shown:,} shown" if shown < count else ""
    return made, f"From the scheme {scheme.pattern}, next number {item.serial_next:,}{more}"


class SerialListModel(QAbstractListModel):
    """A list of serials for a list view: only the rows on screen are ever drawn. Serials
    the store refused (already on file) are shown in red."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serials: list[str] = []
        self._clashing: frozenset[str] = frozenset()

    def set_serials(self, values: Sequence[str]) -> None:
        self.beginResetModel()
        self._serials = list(values)
        self._clashing = frozenset()
        self.endResetModel()

    def mark_clashing(self, values: Sequence[str]) -> None:
        self._clashing = frozenset(serials.serial_key(v) for v in values)
        if self._serials:
            self.dataChanged.emit(self.index(0), self.index(len(self._serials) - 1))

    def serials(self) -> list[str]:
        return list(self._serials)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._serials)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        serial = self._serials[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return serial
        if role == Qt.ItemDataRole.ForegroundRole and self._clashing:
            return CLASH_COLOUR if serials.serial_key(serial) in self._clashing else None
        return None


def _count_text(values: Sequence[str], total: int) -> str:
    if not total:
        return "No serials yet"
    noun = "serial" if total == 1 else "serials"
    ends = f": {values[0]}" + (f" … {values[-1]}" if len(values) > 1 else "") if values else ""
    return f"{total:,} {noun}{ends}"


class ReceiveForm(QWidget):
    """Item, location, quantity, cost and supplier warranty; `changed` on every edit."""

    changed = Signal()

    def __init__(self, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fmt = fmt
        self._items: list[ItemRecord] = []
        self.item_combo = QComboBox()
        self.item_combo.setObjectName("ItemCombo")
        self.item_combo.setMinimumContentsLength(30)
        self.location_combo = QComboBox()
        self.location_combo.setObjectName("LocationCombo")
        self.qty_spin = QSpinBox()
        self.qty_spin.setObjectName("QtySpin")
        self.qty_spin.setRange(1, MAX_QUANTITY)
        self.qty_spin.setGroupSeparatorShown(True)
        # Until someone types a quantity, the serials scanned or pasted are the quantity.
        self.qty_set = False
        self.cost_edit = QLineEdit()
        self.cost_edit.setObjectName("CostEdit")
        self.warranty_spin = QSpinBox()
        self.warranty_spin.setRange(0, 36_500)
        self.warranty_spin.setSuffix(" days")
        self.warranty_spin.setSpecialValueText("none")
        self.cost_line = MessageLine(collapse=True)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Item", self.item_combo)
        form.addRow("&Location", self.location_combo)
        form.addRow("&Quantity", self.qty_spin)
        form.addRow("&Cost per unit", self.cost_edit)
        form.addRow("", self.cost_line)
        form.addRow("Supplier &warranty", self.warranty_spin)

        self.item_combo.currentIndexChanged.connect(self._item_changed)
        self.location_combo.currentIndexChanged.connect(self.changed)
        self.qty_spin.valueChanged.connect(self._qty_typed)
        self.cost_edit.textChanged.connect(self.changed)
        self.warranty_spin.valueChanged.connect(self.changed)

    def _qty_typed(self) -> None:
        self.qty_set = True
        self.changed.emit()

    def show_count(self, count: int) -> None:
        """The quantity follows the serials entered while nobody has typed one."""
        if not self.qty_set and count > 0:
            self.qty_spin.blockSignals(True)
            self.qty_spin.setValue(min(count, MAX_QUANTITY))
            self.qty_spin.blockSignals(False)

    def signature(self) -> tuple[object, ...]:
        """What a submission of this form receives (the dialog's idempotency key)."""
        return (self.sku, self.location, self.cost_edit.text().strip(), self.quantity,
                self.warranty_spin.value())  # fmt: skip

    def set_choices(
        self, items: list[ItemRecord], locations: list[LocationRecord], *, sku: str = ""
    ) -> None:
        current = sku or self.sku
        self._items = items
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for item in items:
            kind = "serialized" if item.serialized else "bulk"
            self.item_combo.addItem(f"{item.sku} — {item.name}  ·  {kind}", item.sku)
        index = self.item_combo.findData(current)
        self.item_combo.setCurrentIndex(max(index, 0))
        self.item_combo.blockSignals(False)
        where = self.location_combo.currentText()
        self.location_combo.clear()
        for location in locations:
            self.location_combo.addItem(location.name, location.name)
        self.location_combo.setCurrentIndex(max(self.location_combo.findText(where), 0))
        self._item_changed()

    @property
    def item(self) -> ItemRecord | None:
        index = self.item_combo.currentIndex()
        return self._items[index] if 0 <= index < len(self._items) else None

    @property
    def sku(self) -> str:
        return str(self.item_combo.currentData() or "")

    @property
    def location(self) -> str:
        return str(self.location_combo.currentData() or "")

    @property
    def quantity(self) -> int:
        return self.qty_spin.value()

    def cost(self) -> int | None:
        """The cost typed (minor units), None for the item's own; InvalidInput if unreadable."""
        text = self.cost_edit.text().strip()
        return parse_money(text, field="cost") if text else None

    def _item_changed(self) -> None:
        item = self.item
        if item is not None:
            self.cost_edit.setPlaceholderText(f"the item's cost, {self._fmt.money(item.cost)}")
        self.changed.emit()


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
        # (what was submitted, its token): the same submission again is the same receipt.
        self._submission: tuple[tuple[object, ...], str] | None = None
        self._scans_checked: set[str] = set()  # scanned serials being looked up on file
        # Scans in the order they came, each with its answer once known (None: asking):
        # added to the list in that order, whichever look-up answers first.
        self._scan_order: list[list[Any]] = []
        self._scan_note = ""  # why the last scan was not added
        self.last_result: ReceiveResult | None = None
        self.labels_dialog: LabelsDialog | None = None
        self.discard_box: QMessageBox | None = None
        self.runner = TaskRunner(self)
        self.runner.finished.connect(self._work_finished)

        self.form = ReceiveForm(fmt)
        self.serial_input = SerialInput()
        self.preview_model = SerialListModel(self)
        self.preview = QListView()
        self.preview.setObjectName("SerialPreview")
        self.preview.setModel(self.preview_model)
        self.preview.setUniformItemSizes(True)  # a long list lays out at once
        self.count_label = QLabel()
        self.count_label.setObjectName("PreviewCount")
        self.count_label.setWordWrap(True)
        self.duplicates_box = QGroupBox("Serials that clash — nothing was saved")
        self.duplicates_box.setObjectName("DuplicatesBox")
        self.duplicates_list = QListWidget()
        self.duplicates_list.setObjectName("DuplicatesList")
        # Serials side by side, wrapping: a clash of twenty shows at a glance.
        self.duplicates_list.setFlow(QListView.Flow.LeftToRight)
        self.duplicates_list.setWrapping(True)
        self.duplicates_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.duplicates_list.setSpacing(4)
        self.duplicates_list.setMaximumHeight(110)
        QVBoxLayout(self.duplicates_box).addWidget(self.duplicates_list)
        self.duplicates_box.hide()
        self.done_frame, self.done_label, self.labels_button = self._done_banner()
        self.error_line = MessageLine()
        self._ops = Ops(self._store, self, show_problem=self.error_line.show_problem)
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

    # --- building ---------------------------------------------------------------------------

    def _done_banner(self) -> tuple[QFrame, QLabel, QPushButton]:
        frame = QFrame()
        frame.setObjectName("DoneBanner")
        label = QLabel()
        label.setObjectName("DoneText")
        label.setWordWrap(True)
        button = QPushButton("Print labels…")
        button.setObjectName("PrimaryButton")
        row = QHBoxLayout(frame)
        row.addWidget(label, 1)
        row.addWidget(button)
        frame.hide()
        return frame, label, button

    def _layout(self) -> None:
        self.serials_box = QGroupBox("Serials")
        serials_layout = QHBoxLayout(self.serials_box)
        serials_layout.addWidget(self.serial_input, 3)
        preview = QVBoxLayout()
        preview.addWidget(QLabel("Preview"))
        preview.addWidget(self.preview, 1)
        preview.addWidget(self.count_label)
        serials_layout.addLayout(preview, 2)

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
        elif self._scan_note:
            self.error_line.show_problem(self._scan_note)
            self.serial_input.error_line.show_problem(self._scan_note)
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
        return self._entries_problem(entries, form.quantity)

    def _entries_problem(self, entries: list[SerialEntry], quantity: int) -> str:
        line = self.serial_input.error_line
        try:
            serials.check_count(entries, quantity)
        except UserError as exc:
            problem = f"{exc.message} (the quantity is {quantity:,})"
            line.show_problem(problem)
            return problem
        repeated = serials.duplicates(entries) or serials.duplicate_asset_tags(entries)
        if repeated:
            problem = f"Repeated in the input: {', '.join(repeated[:10])}"
            if len(repeated) > 10:
                problem += f" and {len(repeated) - 10:,} more"
            line.show_problem(problem)
            return problem
        line.clear()
        return ""

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
        self.preview_model.set_serials(values)
        self.count_label.setText(_count_text(values, total))

    # --- receiving --------------------------------------------------------------------------

    def receive(self) -> None:
        """Hand the delivery to the receiving service on a worker thread."""
        if self.runner.busy or self.recheck():
            return
        item = self.form.item
        if item is None:
            return
        task = BackgroundTask(self._receiving_work(item), name="receiving")
        task.signals.succeeded.connect(self._received)
        task.signals.failed.connect(self._failed)
        self._set_busy(True)
        self.runner.start(task)

    def _receiving_work(
        self, item: ItemRecord
    ) -> Callable[[TaskProgress], ReceiveResult | DuplicateSerials]:
        store, actor, quantity = self._store, self._actor, self.form.quantity
        delivery = Receiving(
            sku=item.sku,
            location=self.form.location,
            cost=self.form.cost(),
            supplier_warranty_days=self.form.warranty_spin.value(),
            expect=quantity,
        )
        parsed = self._parsed
        token = self._token(parsed)

        def work(progress: TaskProgress) -> ReceiveResult | DuplicateSerials:
            progress.step(0, 0, "Receiving…")
            try:
                if not item.serialized:
                    return receive_quantity(store, actor, delivery, quantity, submission=token)
                if parsed.method == GENERATE:
                    return generate_serials(store, actor, delivery, quantity, submission=token)
                return receive_serials(
                    store, actor, delivery, parsed.entries, method=parsed.method, submission=token
                )
            except DuplicateSerials as exc:
                return exc  # its list of serials is shown whole, not only its message

        return work

    def _token(self, parsed: ParsedSerials) -> str:
        """This submission's token: the one of the last submission if nothing changed since
        (a second press of Receive is the same receipt), else a new one."""
        what = (*self.form.signature(), parsed.method, tuple(parsed.entries))
        if self._submission is None or self._submission[0] != what:
            self._submission = (what, uuid4().hex)
        return self._submission[1]

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
        self.duplicates_list.clear()
        self.duplicates_list.addItems(error.serials)
        self.duplicates_box.setTitle(
            f"{len(error.serials):,} serial{'s' if len(error.serials) != 1 else ''} "
            "clash — nothing was saved"
        )
        self.duplicates_box.show()
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
        item, code = self.form.item, code.strip()
        if self.runner.busy or item is None or not code:
            return
        if not item.serialized:
            self._bulk_scan(item, code)
            return
        key = serials.serial_key(code)
        self._scan_note = ""
        listed = self._parsed.entries if self._parsed.method != GENERATE else []
        if key in self._scans_checked or any(serials.serial_key(e.serial) == key for e in listed):
            self._refuse_scan(f"{code} is already in the list: not added again")
            return
        self._scans_checked.add(key)
        store = self._store

        def on_file() -> bool:
            with store.read() as session:
                return bool(existing_keys(session, item.id, [key]))

        scan: list[Any] = [code, key, item.sku, None]
        self._scan_order.append(scan)

        def answered(taken: bool | str) -> None:
            scan[3] = taken
            self._add_answered_scans()

        self._ops.run(
            on_file,
            success=answered,
            failure=lambda error: answered(error.message),
            name=f"scan {key}",
        )

    def _add_answered_scans(self) -> None:
        """Scans whose look-up has answered, from the oldest: added, or refused if on file."""
        added = False
        while self._scan_order and self._scan_order[0][3] is not None:
            code, key, sku, taken = self._scan_order.pop(0)
            self._scans_checked.discard(key)
            if isinstance(taken, str):  # the look-up was refused (the store is busy, say)
                self._refuse_scan(f"{code} was not added: {taken}")
            elif taken:
                self._refuse_scan(f"{code} is already on file for {sku}: not added")
            else:
                self.serial_input.add_scanned(code)
                added = True
        if added:
            self.serial_input.parse_now()  # counted and checked at once, not after a pause

    def _refuse_scan(self, message: str) -> None:
        """A scan that is not added: a sound and a red line, at once (it stays until the
        next scan, whatever else is checked meanwhile)."""
        QApplication.beep()
        self._scan_note = message
        self.serial_input.error_line.show_problem(message)
        self.error_line.show_problem(message)

    def _bulk_scan(self, item: ItemRecord, code: str) -> None:
        """A bulk item counts by its barcode; any other scan is said, never dropped."""
        if code.casefold() in {item.sku.casefold(), (item.barcode or "").casefold()}:
            form = self.form
            counted = form.quantity + 1 if form.qty_set else 1
            form.qty_set = True
            form.qty_spin.setValue(counted)
            self.error_line.show_info(f"{item.sku}: quantity {form.quantity:,}")
            return
        QApplication.beep()
        self.error_line.show_problem(
            f"scanned {code}: {item.sku} is not serialized — scan its barcode to count, or"
            " type the quantity"
        )

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
        count = len(self._parsed.entries)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Receive stock",
            f"Throw away the {count:,} serial{'s' if count != 1 else ''} entered? Nothing"
            " has been received.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.discard_box = box

        def answered(button: int) -> None:
            self.discard_box = None
            if button == QMessageBox.StandardButton.Discard.value:
                self.serial_input.clear_input()
                self._parsed = ParsedSerials(self._parsed.method)
                QDialog.reject(self)

        box.finished.connect(answered)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            event.ignore()
            return
        super().closeEvent(event)
