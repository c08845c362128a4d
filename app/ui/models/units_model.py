"""The serial inventory list: a table model that pages through `list_units` by key.

Rows arrive one page at a time as the view scrolls (canFetchMore / fetchMore), so a store
with a million units costs what a store with a hundred does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.db.uow import Store
from app.errors import UserError
from app.stock import queries
from app.stock.queries import UnitFilter
from app.stock.records import UnitPage, UnitRecord
from app.ui.formatting import ShopFormat, status_title
from app.ui.models.columns import RIGHT, AnyIndex, Column, column_data
from app.ui.ops import Ops
from app.users.roles import Actor

# The two queries of the list: a new first page supersedes both (the rows start again).
_FIRST_PAGE = "first page"
_NEXT_PAGE = "next page"

DEFAULT_PAGE = 200
UNIT_ROLE = Qt.ItemDataRole.UserRole + 1  # data(index, UNIT_ROLE) -> the row's UnitRecord

# Text colour per status: the eye finds sold or defective units without reading.
_STATUS_COLOURS = {
    "in_stock": "#1e7d3a",
    "sold": "#2457a6",
    "defective": "#b3261e",
    "adjusted_out": "#6b7280",
    "used": "#6b7280",
    "at_vendor": "#a15c00",
}


def _where(unit: UnitRecord) -> str:
    """Location for units the shop holds, customer for units it sold."""
    if unit.customer:
        return unit.customer
    return unit.location or ""


def _warranty_type(unit: UnitRecord) -> str:
    return (unit.warranty_type or "").replace("_", " ").capitalize()


def unit_columns(fmt: ShopFormat) -> list[Column[UnitRecord]]:
    """The inventory columns of PRODUCT.md, plus a few the column chooser can show."""
    return [
        Column(
            "item",
            "Item",
            lambda u: u.item_name,
            width=165,
            tooltip=lambda u: f"{u.sku} — {u.item_name}",
        ),
        Column("sku", "SKU", lambda u: u.sku, shown=False),
        Column("serial", "Serial", lambda u: u.serial, width=110),
        Column("asset_tag", "Asset tag", lambda u: u.asset_tag or "", width=75),
        Column("status", "Status", lambda u: status_title(u.status), width=85),
        Column("where", "Location / customer", _where, width=140),
        Column(
            "cost",
            "Cost",
            lambda u: "" if u.cost is None else fmt.money(u.cost),
            align=RIGHT,
            width=80,
        ),
        Column("warranty_type", "Warranty", _warranty_type, width=75),
        Column("warranty_start", "Warranty start", lambda u: fmt.day(u.warranty_start), width=100),
        Column("warranty_end", "Warranty end", lambda u: fmt.day(u.warranty_end), width=95),
        Column(
            "supplier_warranty_end",
            "Supplier warranty end",
            lambda u: fmt.day(u.supplier_warranty_end),
            shown=False,
            width=150,
        ),
        Column(
            "received",
            "Received",
            lambda u: fmt.local_day(u.received_at),
            width=105,
            tooltip=lambda u: f"Received {fmt.moment(u.received_at)}",
        ),
        Column(
            "batch",
            "Batch",
            lambda u: "" if u.batch_id is None else str(u.batch_id),
            shown=False,
            align=RIGHT,
            width=60,
        ),
    ]


class UnitsTableModel(QAbstractTableModel):
    """Serial units matching a filter, in serial order, fetched page by page."""

    failed = Signal(str)  # a query refused (a UserError): the message to show
    loaded = Signal()  # rows were reset or appended

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        *,
        actor: Actor | None = None,
        page_size: int = DEFAULT_PAGE,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        if not 1 <= page_size <= queries.MAX_PAGE:
            raise ValueError(f"page size must be between 1 and {queries.MAX_PAGE}")
        self._store = store
        self._actor = actor
        self._page_size = page_size
        self._filter = UnitFilter()
        self._units: list[UnitRecord] = []
        self._next_after: tuple[str, int] | None = None
        self._fetching = False  # a next page is on its way
        self._ops = Ops(store, self, show_problem=self.failed.emit)
        self.columns = unit_columns(fmt)
        self.refresh()

    # ------------------------------------------------------------ what is shown

    @property
    def unit_filter(self) -> UnitFilter:
        return self._filter

    def set_filter(self, unit_filter: UnitFilter) -> None:
        """Shows the units matching `unit_filter`, from the first page."""
        self._filter = unit_filter
        self.refresh()

    def set_actor(self, actor: Actor | None) -> None:
        """None (the till is locked) empties the list: nothing shows behind the lock."""
        self._actor = actor
        self.refresh()

    def refresh(self) -> None:
        """Starts again from the first page (after a filter change or new stock); the
        page is read on a worker and replaces the rows when it arrives."""
        self._fetching = False
        self._ops.forget(_NEXT_PAGE)  # a page of the old list must not extend the new one
        if self._actor is None:
            self._ops.forget(_FIRST_PAGE)
            self._show_first_page(None)
            return
        self._ask(_FIRST_PAGE, None, max(self._page_size, 1), self._show_first_page)

    def reload(self) -> None:
        """The rows shown, read again (a change notice): as many as are loaded, and rows
        whose units are unchanged in order keep their selection (a sale's status updates
        in place)."""
        if self._actor is None:
            return
        wanted = min(max(self._page_size, len(self._units)), queries.MAX_PAGE)
        self._ask(_FIRST_PAGE, None, wanted, self._show_reloaded)

    def unit(self, row: int) -> UnitRecord:
        return self._units[row]

    @property
    def has_more(self) -> bool:
        """More units match than are loaded (the view loads them as it scrolls)."""
        return self._next_after is not None

    def _ask(
        self,
        name: str,
        after: tuple[str, int] | None,
        limit: int,
        then: Callable[[UnitPage | None], None],
    ) -> None:
        assert self._actor is not None
        store, actor, unit_filter = self._store, self._actor, self._filter

        def page() -> UnitPage:
            return queries.list_units(store, actor, unit_filter, limit=limit, after=after)

        def refused(error: UserError) -> None:
            self.failed.emit(error.message)
            then(None)

        self._ops.latest(page, success=then, failure=refused, name=name)

    def _show_first_page(self, page: UnitPage | None) -> None:
        self.beginResetModel()
        self._units = list(page.units) if page else []
        self._next_after = page.next_after if page else None
        self.endResetModel()
        self.loaded.emit()

    def _show_reloaded(self, page: UnitPage | None) -> None:
        if page is None:
            return
        keys = [(u.serial, u.sku) for u in page.units]
        if keys != [(u.serial, u.sku) for u in self._units[: len(keys)]] or len(keys) < len(
            self._units
        ):
            self._show_first_page(page)
            return
        self._units[: len(keys)] = page.units
        self._next_after = page.next_after
        if keys:
            last = self.index(len(keys) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        self.loaded.emit()

    # ------------------------------------------------------------ paging

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next_after is not None and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next_after is None or self._actor is None:
            return
        if self._fetching:
            return  # the view asks again as it scrolls; one page at a time
        self._fetching = True
        self._ask(_NEXT_PAGE, self._next_after, self._page_size, self._append_page)

    def _append_page(self, page: UnitPage | None) -> None:
        self._fetching = False
        if page is None or not page.units:
            self._next_after = None  # stop asking: a refused page will not succeed on scroll
            return
        first = len(self._units)
        self.beginInsertRows(QModelIndex(), first, first + len(page.units) - 1)
        self._units.extend(page.units)
        self._next_after = page.next_after
        self.endInsertRows()
        self.loaded.emit()

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._units)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.columns[section].align
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._units):
            return None
        unit = self._units[index.row()]
        if role == UNIT_ROLE:
            return unit
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "status":
            colour = _STATUS_COLOURS.get(unit.status)
            return QColor(colour) if colour else None
        return column_data(column, unit, role)
