"""Receiving against the supplier's list: import the list (a CSV file or a paste), then
scan the delivered units one by one. Each scan ticks its serial; a stray or a second scan
is flagged the moment it is scanned; Confirm receives the ticked ones and lists the
missing ones, once the person has said so."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import InvalidInput, UserError
from app.events import Change
from app.money import parse_money
from app.stock import queries
from app.stock.expected import (
    ExpectedConfirmed,
    ExpectedDeliveryRecord,
    TickResult,
    TickVerdict,
    confirm_expected,
    import_expected,
    open_deliveries,
    tick_expected,
    unticked_serials,
)
from app.stock.receiving import Receiving
from app.stock.records import ItemRecord, LocationRecord
from app.stock.serial_csv import parse_csv
from app.stock.serials import SerialEntry, parse_list
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.widgets.message_line import MessageLine, sentence
from app.ui.widgets.scan_list import ScanList, ScanShown
from app.users.roles import Actor

SHOWN_SCANS = 500  # the scan list keeps the latest ones: its cost never grows with the delivery
MARKS = {
    TickVerdict.TICKED: ("✓", "#1e7d3a"),
    TickVerdict.NOT_ON_LIST: ("✗ not on the list", "#b3261e"),
    TickVerdict.ALREADY_TICKED: ("⚠ scanned twice", "#a15c00"),
}


def read_supplier_list(text: str) -> list[SerialEntry]:
    """A CSV whose first row is a header (serial, asset tag, cost columns), else serials
    one per line or cell, as a paste. A header is never read as a serial."""
    first = text.lstrip("\ufeff \r\n").split("\n", 1)[0]
    cells = [
        re.sub(r"[\s\-_]+", "", c.strip().strip('"').lower()) for c in re.split("[,;\t]", first)
    ]
    if any(c.startswith("serial") or c in ("assettag", "cost") for c in cells):
        return parse_csv(text)
    return parse_list(text)


class ExpectedDeliveryDialog(QDialog):
    """Two steps on one dialog: the list, then the scanning. Scans come from the window's
    scanner (handle_scan) or the scan field."""

    def __init__(
        self, store: Store, actor: Actor, *, sku: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ExpectedDeliveryDialog")
        self.setWindowTitle("SerialPOS — Receive against the supplier's list")
        self._store = store
        self._actor = actor
        self._sku = sku
        self.delivery: ExpectedDeliveryRecord | None = None
        self.confirmed: ExpectedConfirmed | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        self.scanning = ScanList(
            self._ops,
            self.message,
            placeholder="Scan or type a serial, then Enter",
            keep=SHOWN_SCANS,
            check=self._check_scan,
            shown=self._ticked,
            refusal=self._refusal,
        )

        self.steps = QStackedWidget()
        self.steps.addWidget(self._build_list_step())
        self.steps.addWidget(self._build_scan_step())
        title = QLabel("Receive against the supplier's list")
        title.setObjectName("DialogTitle")
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self.reject)
        self.next_button = QPushButton("Import list")
        self.next_button.setObjectName("PrimaryButton")
        self.next_button.clicked.connect(self.next_step)
        # Enter belongs to the scan field once scanning: no button takes it by default.
        for button in (self.cancel_button, self.next_button, self.load_button, self.resume_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self.resize(760, 600)
        self._ops.run(self._choices, success=self._show_choices, name="choices")

    # ------------------------------------------------------------------ step 1: the list

    def _build_list_step(self) -> QWidget:
        page = QWidget()
        self.item_box = QComboBox()
        self.item_box.setMinimumWidth(300)
        self.location_box = QComboBox()
        self.supplier_edit = QLineEdit()
        self.supplier_edit.setPlaceholderText("Who delivers (for recalls by supplier)")
        self.cost_edit = QLineEdit()
        self.cost_edit.setPlaceholderText("Per unit; empty: the item's cost")
        self.warranty_spin = QSpinBox()
        self.warranty_spin.setRange(0, 3650)
        self.warranty_spin.setValue(365)
        self.warranty_spin.setSuffix(" days")
        self.list_edit = QPlainTextEdit()
        self.list_edit.setPlaceholderText(
            "Paste the supplier's serials (one a line, or a spreadsheet column), or load "
            "their CSV file"
        )
        self.load_button = QPushButton("Load CSV file…")
        self.load_button.clicked.connect(self.load_file)
        self.open_box = QComboBox()
        self.open_box.setMinimumWidth(300)
        self.resume_button = QPushButton("Go on scanning")
        self.resume_button.clicked.connect(self.resume)
        resume_row = QHBoxLayout()
        resume_row.addWidget(QLabel("Or go on with a list imported earlier"))
        resume_row.addWidget(self.open_box, 1)
        resume_row.addWidget(self.resume_button)
        self.resume_row = QWidget()
        self.resume_row.setLayout(resume_row)
        resume_row.setContentsMargins(0, 0, 0, 0)
        self.resume_row.setVisible(False)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Item", self.item_box)
        form.addRow("&Location", self.location_box)
        form.addRow("&Supplier", self.supplier_edit)
        form.addRow("C&ost", self.cost_edit)
        form.addRow("Supplier &warranty", self.warranty_spin)
        top = QHBoxLayout()
        top.addWidget(QLabel("The supplier's list"))
        top.addStretch(1)
        top.addWidget(self.load_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.resume_row)
        layout.addLayout(form)
        layout.addLayout(top)
        layout.addWidget(self.list_edit, 1)
        return page

    def _choices(
        self,
    ) -> tuple[list[ItemRecord], list[LocationRecord], list[ExpectedDeliveryRecord]]:
        store, actor = self._store, self._actor
        items = [i for i in queries.list_items(store, actor) if i.serialized]
        return items, queries.list_locations(store, actor), open_deliveries(store, actor)

    def _show_choices(
        self, found: tuple[list[ItemRecord], list[LocationRecord], list[ExpectedDeliveryRecord]]
    ) -> None:
        items, locations, waiting = found
        for d in waiting:
            text = f"#{d.id} {d.sku} to {d.location}: {d.ticked:,} of {d.listed:,} ticked"
            self.open_box.addItem(text + (f" ({d.supplier})" if d.supplier else ""), d)
        self.resume_row.setVisible(bool(waiting))
        for item in items:
            self.item_box.addItem(f"{item.sku} — {item.name}", item.sku)
        for loc in locations:
            self.location_box.addItem(loc.name, loc.name)
        if self._sku:
            self.item_box.setCurrentIndex(max(self.item_box.findData(self._sku), 0))

    def load_file(self, path: str | None = None) -> None:
        """Reads a CSV or text file into the list box (the person sees what was read)."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, "The supplier's list", "", "Lists (*.csv *.txt);;All files (*)"
            )
            if not path:
                return
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            self.message.show_problem(f"Could not read {path}: {exc}")
            return
        self.list_edit.setPlainText(text)
        self.message.show_info(f"Read {Path(path).name}")

    def _receiving(self) -> Receiving:
        sku = self.item_box.currentData()
        location = self.location_box.currentData()
        if not sku or not location:
            raise InvalidInput("choose the item and the location first")
        cost_text = self.cost_edit.text().strip()
        return Receiving(
            sku=sku,
            location=location,
            cost=parse_money(cost_text, field="cost") if cost_text else None,
            supplier_warranty_days=self.warranty_spin.value(),
            supplier=self.supplier_edit.text().strip() or None,
        )

    def resume(self) -> None:
        """Scanning again against a list imported earlier (the dialog was closed)."""
        delivery = self.open_box.currentData()
        if isinstance(delivery, ExpectedDeliveryRecord):
            self._imported(delivery)

    def import_list(self) -> None:
        try:
            rcv = self._receiving()
            entries = read_supplier_list(self.list_edit.toPlainText())
        except UserError as exc:
            self.message.show_problem(sentence(exc.message))
            return
        store, actor = self._store, self._actor
        self.message.show_info(f"Saving a list of {len(entries):,} serials…")
        self._ops.run(
            lambda: import_expected(store, actor, rcv, entries),
            success=self._imported,
            failure=lambda e: self.message.show_problem(f"Not imported: {e.message}"),
            name="import",
        )

    def _imported(self, delivery: ExpectedDeliveryRecord) -> None:
        self.delivery = delivery
        self.steps.setCurrentIndex(1)
        self.next_button.setText("Confirm receipt…")
        self.cancel_button.setText("Close (the list is kept)")
        self._show_progress(delivery)
        self.message.show_info("Scan the delivered units one by one.")
        self.scanning.field.setFocus()

    # ------------------------------------------------------------------ step 2: scanning

    def _build_scan_step(self) -> QWidget:
        page = QWidget()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("TallyLine")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scanning.field)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.scanning.last)
        layout.addWidget(QLabel("Scanned (latest first)"))
        layout.addWidget(self.scanning.scans, 1)
        return page

    def handle_scan(self, code: str) -> None:
        """A scanned serial: ticked on the list, one worker call a scan, in scan order."""
        self.scanning.take(code)

    def _refusal(self) -> str | None:
        if self.delivery is None or self.confirmed is not None:
            return "Import the supplier's list first, then scan."
        return None

    def _check_scan(self, code: str) -> Callable[[], TickResult] | None:
        if self.delivery is None:  # the list went away while scans waited
            return None
        delivery_id, store, actor = self.delivery.id, self._store, self._actor
        return lambda: tick_expected(store, actor, delivery_id, code)

    def _ticked(self, result: TickResult) -> ScanShown:
        self.delivery = result.delivery
        ticked = result.verdict is TickVerdict.TICKED
        mark, colour = MARKS[result.verdict]
        self.scanning.last.setProperty("kind", "done" if ticked else "problem")
        if ticked:
            self.message.clear()
        else:
            self.message.show_problem(sentence(result.message))
        self._show_progress(result.delivery)
        text = f"{mark}  {result.serial}" if ticked else f"{result.serial}   {mark}"
        return ScanShown(text, colour, result.verdict.value, result.message)

    def _show_progress(self, d: ExpectedDeliveryRecord) -> None:
        self.progress_label.setText(
            f"{d.sku} to {d.location}: {d.ticked:,} of {d.listed:,} ticked, "
            f"{d.missing:,} still missing"
        )

    # ------------------------------------------------------------------ confirming

    def next_step(self) -> None:
        if self.delivery is None:
            self.import_list()
        elif self.confirmed is None:
            self.ask_confirm()
        else:
            self.accept()

    def ask_confirm(self) -> None:
        if self.delivery is None or self.scanning.busy:
            self.message.show_info("Scans still being checked…")
            return
        store, actor, delivery_id = self._store, self._actor, self.delivery.id
        self._ops.run(
            lambda: unticked_serials(store, actor, delivery_id),
            success=self._confirm_with_missing,
            name="missing",
        )

    def _confirm_with_missing(self, missing: list[str]) -> None:
        assert self.delivery is not None
        d = self.delivery
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10:,} more" if len(missing) > 10 else ""
        )
        units = f"{d.ticked:,} ticked unit{'s' if d.ticked != 1 else ''}"
        text = f"Receive {units} of {d.sku} into {d.location}?"
        if missing:
            text += (
                f"\n\n{len(missing):,} on the list were not scanned and are not received: {shown}"
            )
        if not asking.confirm(self, "Confirm receipt", text, action="Receive"):
            return
        store, actor, delivery_id = self._store, self._actor, d.id
        self._ops.run(
            lambda: confirm_expected(store, actor, delivery_id),
            success=self._received,
            failure=lambda e: self.message.show_problem(f"Not received: {e.message}"),
            changes={Change.UNITS},
            name="confirm",
        )

    def _received(self, done: ExpectedConfirmed) -> None:
        self.confirmed = done
        self.scanning.field.setEnabled(False)
        missing = done.missing
        self.message.show_done(f"Received {done.received.qty:,} units of {done.delivery.sku}.")
        text = f"Received {done.received.qty:,} (batch {done.received.batch_id})."
        if missing:
            text += f" Missing from the delivery ({len(missing):,}): " + ", ".join(missing[:20])
            if len(missing) > 20:
                text += f" and {len(missing) - 20:,} more"
        self.scanning.last.setText(text)
        self.scanning.last.setStyleSheet("")
        self.next_button.setText("Done")
        self.cancel_button.setVisible(False)
