"""Collection: the customer takes the device back.

At the till the POS asks for a ready ticket's charges (`ticket_charges`), puts them in the
cart, and `app.pos.checkout.complete_sale` calls `collect_in_sale` inside the sale's own
transaction, so the sale and the collection are committed together or not at all. A ticket
that costs nothing is collected without a sale. Collecting claims the ticket's `ready`
status with a conditional update: a ticket is never collected twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db import uow
from app.db.uow import Store
from app.errors import Conflict
from app.money import format_plain
from app.tickets.common import get_ticket
from app.tickets.events import TicketCollected
from app.tickets.models import Ticket, TicketLine
from app.tickets.records import ChargeLine, TicketCharges, TicketRecord
from app.tickets.statuses import TicketStatus
from app.tickets.workflow import step
from app.users.roles import Actor, Permission, require


def _ready(session: Session, number: str) -> Ticket:
    ticket = get_ticket(session, number)
    if ticket.status != TicketStatus.READY:
        now = TicketStatus(ticket.status).label
        raise Conflict(f"{ticket.number} is {now}: only a ready ticket can be collected")
    return ticket


def _charges(session: Session, ticket: Ticket) -> TicketCharges:
    lines = tuple(
        ChargeLine(
            ln.id,
            ln.description + (f" S/N {ln.serial}" if ln.serial else ""),
            ln.unit_price,
            ln.qty,
            ln.tax_rate_bp,
        )
        for ln in session.scalars(
            select(TicketLine)
            .where(TicketLine.ticket_id == ticket.id, TicketLine.removed_at.is_(None))
            .order_by(TicketLine.id)
        )
    )
    customer = session.get_one(Customer, ticket.customer_id)
    return TicketCharges(ticket.number, customer.id, customer.name, lines)


def charges_of(session: Session, number: str) -> TicketCharges:
    """A ready ticket's charges, read inside the caller's transaction (the till's sale)."""
    return _charges(session, _ready(session, number))


def ticket_charges(store: Store, actor: Actor, number: str) -> TicketCharges:
    """What collecting a ready ticket costs, line by line (a scan of T-000012 at the till)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        return charges_of(session, number)


def _collect(
    session: Session, actor: Actor, ticket: Ticket, sale_number: str | None
) -> TicketRecord:
    ticket.sale_number = sale_number
    note = f"paid on {sale_number}" if sale_number else "no charge"
    record = step(session, actor, ticket, TicketStatus.COLLECTED, note)
    uow.record(session, TicketCollected(record, sale_number))
    return record


def collect_in_sale(
    session: Session,
    actor: Actor,
    number: str,
    sale_number: str,
    charged: Sequence[ChargeLine],
) -> TicketRecord:
    """Closes the ticket as collected inside the till's sale transaction. `charged` is what
    the cart held: if the ticket changed since it was scanned, the sale is refused."""
    require(actor, Permission.SELL)
    ticket = _ready(session, number)
    if tuple(charged) != _charges(session, ticket).lines:
        raise Conflict(f"{ticket.number} changed since it was scanned: scan it again")
    return _collect(session, actor, ticket, sale_number)


def collect_without_charge(store: Store, actor: Actor, number: str) -> TicketRecord:
    """Hands a ready ticket back with no sale: only when it comes to nothing."""
    require(actor, Permission.SELL)
    with store.write() as session:
        ticket = _ready(session, number)
        total = _charges(session, ticket).total
        if total:
            raise Conflict(
                f"{ticket.number} comes to {format_plain(total)}: take payment at the till"
            )
        return _collect(session, actor, ticket, None)
