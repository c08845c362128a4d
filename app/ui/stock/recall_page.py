"""Recall look-up: an item plus a serial range, a list, a batch, a supplier or a received
date range -> every matching unit with where it is or who bought it; exported as CSV or
printed as a list (a PDF the shop prints or mails)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt, Signal
from PySide6.QtGui import QFont, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import InvalidInput, UserError
from app.events import Change
from app.pos.recall import RecallQuery, RecallRow, recall_units
from app.pos.recall_export import recall_lines, write_recall_csv
from app.stock import queries
from app.stock.records import ItemRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat, status_title
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine, sentence
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission


def recall_columns(fmt: ShopFormat) -> list[Column[RecallRow]]:
    return [
        Column("serial", "Serial", lambda r: r.serial, width=110),
        Column("status", "Status", lambda r: status_title(r.status), width=80),
        Column("location", "Location", lambda r: r.location or "", width=100),
        Column("customer", "Customer", lambda r: r.customer or "", width=120),
        Column("phone", "Phone", lambda r: r.phone or "", width=105),
        Column("email", "E-mail", lambda r: r.email or "", width=150),
        Column("sale_date", "Sold", lambda r: fmt.day(r.sale_date), width=95),
        Column("receipt", "Receipt", lambda r: r.receipt or "", width=90),
        Column("ticket", "Repair part in", lambda r: r.ticket or "", width=100),
        Column("received", "Received", lambda r: fmt.local_day(r.received_at), width=95),
        Column("batch", "Batch", lambda r: str(r.batch_id or ""), width=55, shown=False),
        Column("supplier", "Supplier", lambda r: r.supplier or "", width=100, shown=False),
    ]


def _day(text: str, what: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{what} {text!r} is not a date like 2026-03-31") from None


def write_list_pdf(path: Path, lines: list[str]) -> None:
    """The recall list on A4, monospaced so the columns line up."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15))
    writer.setResolution(300)
    document = QTextDocument()
    font = QFont("DejaVu Sans Mono")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(8)
    document.setDefaultFont(font)
    document.setPlainText("\n".join(lines))
    document.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
    document.print_(writer)


class RecallPage(QWidget):
    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RecallPage")
        self._store = store
        self._actor: Actor | None = None
        self.rows: list[RecallRow] = []
        self.query: RecallQuery | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)

        self.item_box = QComboBox()
        self.item_box.setMinimumWidth(240)
        self.range_edit = QLineEdit()
        self.range_edit.setPlaceholderText("PX000100...PX000250")
        self.serials_edit = QLineEdit()
        self.serials_edit.setPlaceholderText("Serials, separated by commas")
        self.batch_edit = QLineEdit()
        self.batch_edit.setPlaceholderText("Batch number")
        self.supplier_edit = QLineEdit()
        self.from_edit = QLineEdit()
        self.from_edit.setPlaceholderText("2026-01-01")
        self.to_edit = QLineEdit()
        self.to_edit.setPlaceholderText("2026-03-31")
        self.find_button = QPushButton("Find units   Enter")
        self.find_button.setObjectName("PrimaryButton")
        self.csv_button = QPushButton("Export CSV…")
        self.print_button = QPushButton("Print list (PDF)…")

        box = QGroupBox("Which units")
        grid = QHBoxLayout(box)
        left, right = QFormLayout(), QFormLayout()
        left.addRow("&Item", self.item_box)
        left.addRow("Serial &range", self.range_edit)
        left.addRow("Serial &list", self.serials_edit)
        right.addRow("&Batch", self.batch_edit)
        right.addRow("&Supplier", self.supplier_edit)
        dates = QHBoxLayout()
        dates.addWidget(self.from_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.to_edit)
        right.addRow("Received", dates)
        grid.addLayout(left, 1)
        grid.addLayout(right, 1)

        self.model: RecordTableModel[RecallRow] = RecordTableModel(recall_columns(fmt), self)
        self.table = ShopTable(empty_text="Choose the item and what to match, then Find units")
        self.table.setObjectName("RecallTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)
        self._chooser = ColumnChooser(self.table)
        self.count_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

        self.find_button.clicked.connect(self.look_up)
        for edit in (
            self.range_edit,
            self.serials_edit,
            self.batch_edit,
            self.supplier_edit,
            self.from_edit,
            self.to_edit,
        ):
            edit.returnPressed.connect(self.look_up)
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self.print_button.clicked.connect(lambda: self.print_list())
        self.follow = FollowChanges(self, store, (Change.ITEMS,), self._load_items)
        self._update_buttons()

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        may = actor is not None and actor.can(Permission.RECALL)
        self.find_button.setEnabled(may)
        if actor is None:
            self.rows = []
            self.model.set_records([])
        self._update_buttons()
        self._load_items()

    def refresh(self) -> None:
        self._load_items()
        if self.query is not None:
            self.look_up()

    def focus_search(self) -> None:
        self.range_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def add_serial(self, code: str) -> None:
        """A scanned serial joins the serial list (a recall of a handful of units)."""
        listed = [s.strip() for s in self.serials_edit.text().split(",") if s.strip()]
        if code not in listed:
            listed.append(code)
        self.serials_edit.setText(", ".join(listed))

    def _load_items(self) -> None:
        if self._actor is None:
            self.item_box.clear()
            return
        store, actor = self._store, self._actor
        self._ops.latest(
            lambda: queries.list_items(store, actor, include_inactive=True),
            success=self._show_items,
            name="items",
        )

    def _show_items(self, items: list[ItemRecord]) -> None:
        chosen = self.item_box.currentData()
        self.item_box.clear()
        for item in items:
            if item.serialized:
                self.item_box.addItem(f"{item.sku} — {item.name}", item.sku)
        if chosen:
            self.item_box.setCurrentIndex(max(self.item_box.findData(chosen), 0))

    def recall_query(self) -> RecallQuery:
        sku = self.item_box.currentData()
        if not sku:
            raise InvalidInput("choose the item first")
        batch = self.batch_edit.text().strip()
        if batch and not batch.isdigit():
            raise InvalidInput(f"batch {batch!r} is not a number")
        serials = tuple(s.strip() for s in self.serials_edit.text().split(",") if s.strip())
        return RecallQuery(
            sku=sku,
            serial_range=self.range_edit.text().strip() or None,
            serials=serials,
            batch_id=int(batch) if batch else None,
            supplier=self.supplier_edit.text().strip() or None,
            received_from=_day(self.from_edit.text(), "received from"),
            received_to=_day(self.to_edit.text(), "received to"),
        )

    def look_up(self) -> None:
        if self._actor is None:
            return
        try:
            query = self.recall_query()
        except UserError as exc:
            self.message.show_problem(sentence(exc.message))
            return
        store, actor = self._store, self._actor
        self.message.show_info("Looking…")
        self._ops.latest(
            lambda: recall_units(store, actor, query),
            success=lambda rows: self._found(query, rows),
            name="recall",
        )

    def _found(self, query: RecallQuery, rows: list[RecallRow]) -> None:
        self.query, self.rows = query, rows
        self.model.set_records(rows)
        sold = sum(1 for r in rows if r.customer)
        self.count_label.setText(
            f"{len(rows):,} unit{'s' if len(rows) != 1 else ''}, {sold:,} with a customer"
        )
        self.table.set_empty_text("No unit of the item matches")
        self.message.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        may_export = self._actor is not None and self._actor.can(Permission.EXPORT)
        self.csv_button.setEnabled(bool(self.rows) and may_export)
        self.print_button.setEnabled(bool(self.rows))

    def _title(self) -> str:
        q = self.query
        if q is None:
            return "Recall"
        parts = [
            q.serial_range or "",
            ", ".join(q.serials[:3]),
            f"batch {q.batch_id}" if q.batch_id else "",
            q.supplier or "",
        ]
        what = "; ".join(p for p in parts if p)
        return f"Recall {q.sku}" + (f" — {what}" if what else "")

    def _ask_path(self, title: str, suffix: str, kinds: str) -> Path | None:
        sku = self.query.sku if self.query is not None else "recall"
        chosen, _f = QFileDialog.getSaveFileName(self, title, f"recall-{sku}{suffix}", kinds)
        return Path(chosen) if chosen else None

    def export_csv(self, path: Path | None = None) -> None:
        if not self.rows:
            return
        path = path or self._ask_path("Export recall", ".csv", "CSV (*.csv)")
        if path is None:
            return
        rows, target = list(self.rows), path
        self._ops.run(
            lambda: write_recall_csv(target, rows),
            success=lambda n: self.message.show_done(f"{n:,} units written to {target}"),
            name="csv",
        )

    def print_list(self, path: Path | None = None) -> None:
        if not self.rows:
            return
        path = path or self._ask_path("Recall list", ".pdf", "PDF (*.pdf)")
        if path is None:
            return
        lines = recall_lines(self._title(), self.rows)
        try:
            write_list_pdf(path, lines)  # Qt paints on the GUI thread; a list is a few pages
        except OSError as exc:
            self.message.show_problem(f"Could not write {path}: {exc}")
            return
        self.message.show_done(f"Recall list saved to {path}")
