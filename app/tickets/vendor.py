"""Sending a device to the vendor under an RMA, and taking it back.

The shop's own unit (in stock or defective) goes `at_vendor` and back to `in_stock`
through the ledger; a customer's device stays the customer's: the ticket records the RMA
reference and the dates.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict
from app.stock.ledger import UnitState, move_unit
from app.stock.lifecycle import Move
from app.stock.lookups import get_location
from app.stock.models import Movement, UnitStatus
from app.text import clean_text
from app.tickets.common import changed, get_open_ticket, unit_state
from app.tickets.records import TicketRecord
from app.users.roles import Actor, Permission, require

SHOPS_OWN = frozenset({UnitStatus.IN_STOCK.value, UnitStatus.DEFECTIVE.value})


def send_to_vendor(store: Store, actor: Actor, number: str, rma: str) -> TicketRecord:
    """Records the RMA and the day it left; the shop's own unit goes `at_vendor`."""
    require(actor, Permission.TICKETS)
    rma = clean_text(rma, field="RMA reference", max_length=64)
    with store.write() as session:
        ticket = get_open_ticket(session, number, "send it to the vendor")
        if ticket.vendor_sent_at is not None and ticket.vendor_back_at is None:
            raise Conflict(f"{ticket.number} is at the vendor already (RMA {ticket.rma})")
        if ticket.unit_id is not None:
            unit = unit_state(session, ticket.unit_id)
            if unit.status in SHOPS_OWN:
                move_unit(session, actor, unit, Move.TO_VENDOR, to_location_id=None,
                          document=ticket.number, reason=f"RMA {rma}")  # fmt: skip
        ticket.rma, ticket.vendor_sent_at, ticket.vendor_back_at = rma, utcnow(), None
        return changed(session, ticket)


def _left_from(session: Session, unit: UnitState) -> int | None:
    """The location the unit left from when it went to the vendor."""
    return session.scalar(
        select(Movement.from_location_id)
        .where(Movement.unit_id == unit.id, Movement.kind == Move.TO_VENDOR.value)
        .order_by(Movement.id.desc())
        .limit(1)
    )


def receive_from_vendor(
    store: Store, actor: Actor, number: str, *, location: str | None = None
) -> TicketRecord:
    """The device is back from the vendor; the shop's own unit returns to stock (where it
    left from, unless `location` says otherwise)."""
    require(actor, Permission.TICKETS)
    with store.write() as session:
        ticket = get_open_ticket(session, number, "take it back from the vendor")
        if ticket.vendor_sent_at is None or ticket.vendor_back_at is not None:
            raise Conflict(f"{ticket.number} is not at the vendor")
        if ticket.unit_id is not None:
            unit = unit_state(session, ticket.unit_id)
            if unit.status == UnitStatus.AT_VENDOR:
                to = get_location(session, location).id if location else _left_from(session, unit)
                move_unit(session, actor, unit, Move.FROM_VENDOR, to_location_id=to,
                          document=ticket.number, reason=f"RMA {ticket.rma}")  # fmt: skip
        ticket.vendor_back_at = utcnow()
        return changed(session, ticket)
