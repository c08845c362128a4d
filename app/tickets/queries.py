"""The read side of tickets: the paged list, one ticket whole, a unit's tickets.

The list pages by keyset on the ticket id (newest first, `WHERE id < :after LIMIT n`), each
filter served by an index (status, technician, promised date, customer, serial), so the
first page and a filter change stay quick with 100,000 tickets on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import InvalidInput
from app.stock.serials import serial_key
from app.tickets.common import TICKET_NUMBER, get_ticket, normalize_number, ticket_record, today
from app.tickets.models import Ticket
from app.tickets.records import TicketPage, TicketRecord, TicketSummary
from app.tickets.statuses import OPEN, TicketStatus
from app.users.models import User
from app.users.roles import Actor, Permission, require

PAGE = 50
MAX_PAGE = 500
OPEN_VALUES = tuple(s.value for s in OPEN)


@dataclass(frozen=True)
class TicketFilter:
    """What the list shows. No status: the open tickets (`closed_too` adds the rest)."""

    status: TicketStatus | None = None
    closed_too: bool = False
    technician_id: int | None = None
    overdue: bool = False
    search: str = ""  # a ticket number, the start of a customer's name, or a serial


_SUMMARY = (
    select(
        Ticket.id,
        Ticket.number,
        Ticket.status,
        Ticket.priority,
        Ticket.opened_at,
        Ticket.touched_at,
        Ticket.promised,
        Customer.name,
        Ticket.device,
        Ticket.serial,
        User.name,
        Ticket.under_warranty,
    )
    .join(Customer, Customer.id == Ticket.customer_id)
    .outerjoin(User, User.id == Ticket.technician_id)
)


def _summaries(rows: Any, on: date, stale_days: int) -> tuple[TicketSummary, ...]:
    stale_before = datetime.combine(on - timedelta(days=stale_days), datetime.min.time())
    out = []
    for r in rows:
        is_open = r[2] in OPEN_VALUES
        out.append(
            TicketSummary(
                id=r[0],
                number=r[1],
                status=r[2],
                priority=r[3],
                opened_at=r[4],
                touched_at=r[5],
                promised=r[6],
                overdue=is_open and r[6] is not None and r[6] < on,
                stale=is_open and r[5] < stale_before,
                customer=r[7],
                device=r[8],
                serial=r[9],
                technician=r[10],
                under_warranty=r[11],
            )
        )
    return tuple(out)


def _search(query: Any, text: str) -> Any:
    needle = text.strip()
    if not needle:
        return query
    if len(needle) > 120:
        raise InvalidInput("search for at most 120 characters")
    if TICKET_NUMBER.match(needle):
        return query.where(Ticket.number == normalize_number(needle))
    key = serial_key(needle)
    pattern = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    customers = select(Customer.id).where(func.lower(Customer.name).like(pattern, escape="\\"))
    return query.where(or_(Ticket.serial_key == key, Ticket.customer_id.in_(customers)))


def _filtered(f: TicketFilter, on: date) -> Any:
    query: Any = _SUMMARY
    if f.status is not None:
        query = query.where(Ticket.status == f.status.value)
    elif not f.closed_too:
        query = query.where(Ticket.status.in_(OPEN_VALUES))
    if f.technician_id is not None:
        query = query.where(Ticket.technician_id == f.technician_id)
    if f.overdue:
        query = query.where(Ticket.promised < on, Ticket.status.in_(OPEN_VALUES))
    return _search(query, f.search)


def list_tickets(
    store: Store,
    actor: Actor,
    f: TicketFilter = TicketFilter(),
    *,
    after: int | None = None,
    limit: int = PAGE,
    on: date | None = None,
    stale_days: int = 7,
) -> TicketPage:
    """One page of tickets, newest first; `after` is the previous page's `next_after`."""
    require(actor, Permission.TICKETS)
    limit = max(1, min(limit, MAX_PAGE))
    day = on or today()
    query = _filtered(f, day)
    if after is not None:
        query = query.where(Ticket.id < after)
    with store.read() as session:
        rows = session.execute(query.order_by(Ticket.id.desc()).limit(limit + 1)).all()
    tickets = _summaries(rows[:limit], day, stale_days)
    return TicketPage(tickets, tickets[-1].id if len(rows) > limit else None)


def ticket_detail(store: Store, actor: Actor, number: str) -> TicketRecord:
    """One ticket whole: intake, warranty, lines with totals, status steps, notes."""
    require(actor, Permission.TICKETS)
    with store.read() as session:
        return ticket_record(session, get_ticket(session, number))


def unit_ticket_summaries(
    session: Session, unit_id: int | None, serial: str, on: date, stale_days: int = 7
) -> tuple[TicketSummary, ...]:
    """A device's tickets, newest first: by unit for ours, by serial for a foreign one."""
    if unit_id is not None:
        where = Ticket.unit_id == unit_id
    else:
        where = (Ticket.serial_key == serial_key(serial)) & Ticket.unit_id.is_(None)
    rows = session.execute(_SUMMARY.where(where).order_by(Ticket.id.desc()).limit(MAX_PAGE))
    return _summaries(rows.all(), on, stale_days)


def unit_tickets(
    store: Store, actor: Actor, serial: str, *, unit_id: int | None = None
) -> tuple[TicketSummary, ...]:
    """Every ticket of a device (ours by unit id, else by its serial), newest first."""
    require(actor, Permission.TICKETS)
    with store.read() as session:
        return unit_ticket_summaries(session, unit_id, serial, today())


def open_ticket_of(store: Store, actor: Actor, unit_id: int) -> str | None:
    """The number of the unit's open ticket, if it has one (a scan in the Tickets view)."""
    require(actor, Permission.TICKETS)
    with store.read() as session:
        return session.scalar(
            select(Ticket.number)
            .where(Ticket.unit_id == unit_id, Ticket.status.in_(OPEN_VALUES))
            .order_by(Ticket.id.desc())
            .limit(1)
        )
