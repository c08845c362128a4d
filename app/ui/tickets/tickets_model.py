"""The open tickets list: a table model paging through `list_tickets` by key.

Rows arrive a page at a time as the view scrolls (canFetchMore / fetchMore), so a store
with 100,000 tickets costs what one with a hundred does. Every page is read on a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.db.uow import Store
from app.errors import UserError
from app.tickets import queries
from app.tickets.queries import TicketFilter
from app.tickets.records import TicketPage, TicketSummary
from app.tickets.statuses import TicketStatus
from app.ui.formatting import ShopFormat
from app.ui.models.columns import RIGHT, AnyIndex, Column, column_data
from app.ui.models.headed import HeadedTableModel
from app.ui.ops import Ops
from app.users.roles import Actor

_FIRST_PAGE = "first tickets page"
_NEXT_PAGE = "next tickets page"
DEFAULT_PAGE = 100
TICKET_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE = QColor("#b3261e")
OVERDUE_BACK = QColor("#fde7e4")
STALE = QColor("#a15c00")


def age_days(ticket: TicketSummary, today: date | None = None) -> int:
    opened = ticket.opened_at.replace(tzinfo=UTC).astimezone().date()
    return ((today or datetime.now().date()) - opened).days


def _age(ticket: TicketSummary) -> str:
    days = age_days(ticket)
    return "today" if days <= 0 else f"{days} d"


def _untouched(ticket: TicketSummary) -> str:
    if not ticket.stale:
        return ""
    touched = ticket.touched_at.replace(tzinfo=UTC).astimezone().date()
    return f"{(datetime.now().date() - touched).days} days"


def ticket_columns(fmt: ShopFormat) -> list[Column[TicketSummary]]:
    return [
        Column("number", "Ticket", lambda t: t.number, width=82),
        Column("status", "Status", lambda t: TicketStatus(t.status).label, width=135),
        Column("age", "Age", _age, align=RIGHT, width=48),
        Column(
            "promised",
            "Promised",
            lambda t: fmt.day(t.promised) + (" overdue" if t.overdue else ""),
            width=165,
        ),
        Column(
            "customer",
            "Customer",
            lambda t: t.customer,
            stretch=True,
            width=200,
            tooltip=lambda t: t.customer,
        ),
        Column(
            "device",
            "Device",
            lambda t: t.device,
            width=150,
            tooltip=lambda t: f"{t.device} — S/N {t.serial}",
        ),
        Column("serial", "Serial", lambda t: t.serial, shown=False, width=110),
        Column("technician", "Technician", lambda t: t.technician or "—", width=85),
        Column("warranty", "Warranty", lambda t: "warranty" if t.under_warranty else "", width=70),
        Column("stale", "Untouched", _untouched, width=85),
        Column("priority", "Priority", lambda t: t.priority, shown=False, width=70),
    ]


class TicketsTableModel(HeadedTableModel):
    """Tickets matching a filter, newest first, fetched page by page."""

    failed = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        *,
        stale_days: int = 7,
        page_size: int = DEFAULT_PAGE,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._actor: Actor | None = None
        self._stale_days = stale_days
        self._page_size = max(1, min(page_size, queries.MAX_PAGE))
        self._filter = TicketFilter()
        self._tickets: list[TicketSummary] = []
        self._next_after: int | None = None
        self._fetching = False
        self._ops = Ops(store, self, show_problem=self.failed.emit)
        self.columns = ticket_columns(fmt)
        self.headings = self.headings_of(self.columns)

    @property
    def ticket_filter(self) -> TicketFilter:
        return self._filter

    def set_filter(self, ticket_filter: TicketFilter) -> None:
        self._filter = ticket_filter
        self.refresh()

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.refresh()

    def ticket(self, row: int) -> TicketSummary:
        return self._tickets[row]

    @property
    def has_more(self) -> bool:
        return self._next_after is not None

    def refresh(self) -> None:
        """From the first page again (a filter change, a change notice)."""
        self._fetching = False
        self._ops.forget(_NEXT_PAGE)
        if self._actor is None:
            self._ops.forget(_FIRST_PAGE)
            self._show_first_page(None)
            return
        wanted = min(max(self._page_size, len(self._tickets)), queries.MAX_PAGE)
        self._ask(_FIRST_PAGE, None, wanted, self._show_first_page)

    def _ask(
        self, name: str, after: int | None, limit: int, then: Callable[[TicketPage | None], None]
    ) -> None:
        assert self._actor is not None
        store, actor, f, stale = self._store, self._actor, self._filter, self._stale_days

        def page() -> TicketPage:
            return queries.list_tickets(store, actor, f, after=after, limit=limit, stale_days=stale)

        def refused(error: UserError) -> None:
            self.failed.emit(error.message)
            then(None)

        self._ops.latest(page, success=then, failure=refused, name=name)

    def _show_first_page(self, page: TicketPage | None) -> None:
        self.beginResetModel()
        self._tickets = list(page.tickets) if page else []
        self._next_after = page.next_after if page else None
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._next_after is not None and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._next_after is None or self._actor is None or self._fetching:
            return
        self._fetching = True
        self._ask(_NEXT_PAGE, self._next_after, self._page_size, self._append_page)

    def _append_page(self, page: TicketPage | None) -> None:
        self._fetching = False
        if page is None or not page.tickets:
            self._next_after = None
            return
        first = len(self._tickets)
        self.beginInsertRows(QModelIndex(), first, first + len(page.tickets) - 1)
        self._tickets.extend(page.tickets)
        self._next_after = page.next_after
        self.endInsertRows()
        self.loaded.emit()

    def row_total(self) -> int:
        return len(self._tickets)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._tickets):
            return None
        ticket = self._tickets[index.row()]
        if role == TICKET_ROLE:
            return ticket
        key = self.columns[index.column()].key
        if key == "promised" and ticket.overdue:
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE
            if role == Qt.ItemDataRole.BackgroundRole:
                return OVERDUE_BACK
        if key == "stale" and role == Qt.ItemDataRole.ForegroundRole:
            return STALE
        return column_data(self.columns[index.column()], ticket, role)
