"""What every ticket service shares: finding a ticket by number and reading it back whole."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db import uow
from app.db.counters import next_number
from app.db.types import utcnow
from app.errors import Conflict, InvalidInput, NotFound
from app.stock.ledger import UnitState, load_unit_states
from app.stock.models import Item
from app.tickets.events import TicketChanged
from app.tickets.models import Ticket, TicketLine, TicketNote, TicketStatusChange
from app.tickets.records import (
    NoteRecord,
    StatusChangeRecord,
    TicketLineRecord,
    TicketRecord,
)
from app.tickets.statuses import require_open
from app.users.models import User

PREFIX = "T"
_NUMBER = re.compile(r"^T-(\d{1,12})$", re.IGNORECASE)
TICKET_NUMBER = re.compile(r"^T-\d{6,}$", re.IGNORECASE)  # as printed: what a scan looks like


def today() -> date:
    """The shop's local date: intake day and promised dates go by it."""
    return datetime.now().date()


def normalize_number(text: str) -> str:
    """'t-12' or 'T-000012' -> 'T-000012'; anything else is refused."""
    match = _NUMBER.match(text.strip())
    if match is None:
        raise InvalidInput(f"{text.strip()[:30]!r} is not a ticket number like T-000012")
    return f"{PREFIX}-{int(match.group(1)):06d}"


def next_ticket_number(session: Session) -> str:
    """T-000001, T-000002...: the counters row bumped in the ticket's own transaction."""
    return next_number(session, "ticket", PREFIX)


def get_ticket(session: Session, number: str) -> Ticket:
    wanted = normalize_number(number)
    ticket = session.scalar(select(Ticket).where(Ticket.number == wanted))
    if ticket is None:
        raise NotFound(f"no ticket {wanted}")
    return ticket


def get_open_ticket(session: Session, number: str, doing: str) -> Ticket:
    """The ticket, if it is still open; else Conflict saying it is closed."""
    ticket = get_ticket(session, number)
    require_open(ticket.number, ticket.status, doing)
    return ticket


def changed(session: Session, ticket: Ticket) -> TicketRecord:
    """Ends a change to a ticket: marks it touched, records TicketChanged, returns it."""
    touch(ticket)
    record = ticket_record(session, ticket)
    uow.record(session, TicketChanged(record))
    return record


def claim_status(session: Session, ticket: Ticket, new_status: str) -> None:
    """Moves the ticket's status only if no one else moved it since we read it (the WHERE
    on the old status, rowcount checked: two desks never both collect one ticket)."""
    now = utcnow()
    moved = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == ticket.status)
        .values(status=new_status, touched_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"{ticket.number} was changed at another desk just now; look again")
    session.refresh(ticket)


def touch(ticket: Ticket) -> None:
    ticket.touched_at = utcnow()


def user_name(session: Session, user_id: int | None) -> str | None:
    return session.get_one(User, user_id).name if user_id is not None else None


def unit_state(session: Session, unit_id: int) -> UnitState:
    (state,) = load_unit_states(session, [unit_id])
    return state


def ticket_record(session: Session, ticket: Ticket) -> TicketRecord:
    """The whole ticket as plain data; the passcode only as `has_passcode`."""
    session.flush()
    customer = session.get_one(Customer, ticket.customer_id)
    sku = session.get_one(Item, ticket.item_id).sku if ticket.item_id is not None else None
    names = _names(session)
    lines = tuple(
        TicketLineRecord(
            id=ln.id,
            kind=ln.kind,
            description=ln.description,
            serial=ln.serial,
            qty=ln.qty,
            list_price=ln.list_price,
            unit_price=ln.unit_price,
            tax_rate_bp=ln.tax_rate_bp,
            approved_by=names(ln.approved_by),
            at=ln.at,
            user=names(ln.user_id) or "",
        )
        for ln in session.scalars(
            select(TicketLine)
            .where(TicketLine.ticket_id == ticket.id, TicketLine.removed_at.is_(None))
            .order_by(TicketLine.id)
        )
    )
    changes = tuple(
        StatusChangeRecord(c.at, names(c.user_id) or "", c.from_status, c.to_status, c.note)
        for c in session.scalars(
            select(TicketStatusChange)
            .where(TicketStatusChange.ticket_id == ticket.id)
            .order_by(TicketStatusChange.id)
        )
    )
    notes = tuple(
        NoteRecord(n.at, names(n.user_id) or "", n.text, n.for_customer)
        for n in session.scalars(
            select(TicketNote).where(TicketNote.ticket_id == ticket.id).order_by(TicketNote.id)
        )
    )
    return TicketRecord(
        id=ticket.id,
        number=ticket.number,
        status=ticket.status,
        priority=ticket.priority,
        opened_at=ticket.opened_at,
        opened_on=ticket.opened_on,
        opened_by=names(ticket.opened_by) or "",
        touched_at=ticket.touched_at,
        customer_id=customer.id,
        customer=customer.name,
        customer_phone=customer.phone,
        customer_email=customer.email,
        unit_id=ticket.unit_id,
        sku=sku,
        serial=ticket.serial,
        device=ticket.device,
        problem=ticket.problem,
        condition=tuple(x for x in ticket.condition.split("\n") if x),
        condition_note=ticket.condition_note,
        accessories=ticket.accessories,
        estimate=ticket.estimate,
        promised=ticket.promised,
        technician=names(ticket.technician_id),
        under_warranty=ticket.under_warranty,
        warranty_end=ticket.warranty_end,
        has_passcode=ticket.passcode is not None,
        rma=ticket.rma,
        vendor_sent_at=ticket.vendor_sent_at,
        vendor_back_at=ticket.vendor_back_at,
        replacement_serial=ticket.replacement_serial,
        closed_at=ticket.closed_at,
        sale_number=ticket.sale_number,
        lines=lines,
        changes=changes,
        notes=notes,
    )


def _names(session: Session) -> Callable[[int | None], str | None]:
    """User names by id, each looked up once per record."""
    cache: dict[int, str] = {}

    def name(user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in cache:
            cache[user_id] = session.get_one(User, user_id).name
        return cache[user_id]

    return name
