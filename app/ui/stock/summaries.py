"""Stock by location and stock valuation: short lists, one row per item (and location)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.db.uow import Store
from app.stock import queries
from app.stock.records import StockRow, ValuationRow
from app.ui.formatting import ShopFormat
from app.ui.models.columns import RIGHT, Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor

R = TypeVar("R")


class SummaryPanel(QWidget, Generic[R]):
    """A table filled by one query, with a total line under it; refreshed on demand."""

    problem = Signal(str)

    def __init__(
        self,
        store: Store,
        columns: list[Column[R]],
        *,
        empty_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._actor: Actor | None = None
        self._ops = Ops(store, self, show_problem=self.problem.emit)
        self.model: RecordTableModel[R] = RecordTableModel(columns, self)
        self.table = ShopTable(empty_text=empty_text)
        self.table.setModel(self.model)
        apply_column_defaults(self.table, columns)
        self._chooser = ColumnChooser(self.table)
        self.total_label = QLabel()
        self.total_label.setObjectName("TotalLine")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        if actor is None:
            self.model.set_records([])
            self.total_label.clear()

    def refresh(self) -> None:
        if self._actor is None:
            return
        store, actor = self._store, self._actor
        self._ops.latest(lambda: self.load(store, actor), success=self._show, name="summary")

    def _show(self, rows: list[R]) -> None:
        if self._actor is None:
            return  # locked while the figures were on their way
        self.model.set_records(rows)
        self.total_label.setText(self.total_text(rows))

    def load(self, store: Store, actor: Actor) -> list[R]:
        raise NotImplementedError

    def total_text(self, rows: list[R]) -> str:
        raise NotImplementedError


def _tracking(row: StockRow) -> str:
    return "Serialized" if row.serialized else "Bulk"


class StockByLocationPanel(SummaryPanel[StockRow]):
    """On-hand quantity per item and location (in-stock units plus bulk levels)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        columns: list[Column[StockRow]] = [
            Column("sku", "SKU", lambda r: r.sku, width=120),
            Column("item", "Item", lambda r: r.name, width=260, stretch=True),
            Column("location", "Location", lambda r: r.location, width=180),
            Column("tracking", "Tracking", _tracking, width=110),
            Column("qty", "On hand", lambda r: f"{r.qty:,}", align=RIGHT, width=100),
        ]
        super().__init__(store, columns, empty_text="No stock on hand", parent=parent)

    def load(self, store: Store, actor: Actor) -> list[StockRow]:
        return queries.stock_by_location(store, actor)

    def total_text(self, rows: list[StockRow]) -> str:
        locations = len({r.location for r in rows})
        items = len({r.sku for r in rows})
        qty = sum(r.qty for r in rows)
        return f"{qty:,} on hand — {items:,} items at {locations:,} locations"


class ValuationPanel(SummaryPanel[ValuationRow]):
    """Stock value by specific cost: each unit at its own cost, bulk at the item's cost."""

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        money: Callable[[int], str] = fmt.money
        columns: list[Column[ValuationRow]] = [
            Column("sku", "SKU", lambda r: r.sku, width=120),
            Column("item", "Item", lambda r: r.name, width=300, stretch=True),
            Column("qty", "On hand", lambda r: f"{r.qty:,}", align=RIGHT, width=100),
            Column("value", "Value", lambda r: money(r.value), align=RIGHT, width=140),
        ]
        self._money = money
        super().__init__(store, columns, empty_text="No stock to value", parent=parent)

    def load(self, store: Store, actor: Actor) -> list[ValuationRow]:
        return queries.valuation(store, actor)

    def total_text(self, rows: list[ValuationRow]) -> str:
        total = sum(r.value for r in rows)
        return f"Total stock value {self._money(total)} — {sum(r.qty for r in rows):,} on hand"
