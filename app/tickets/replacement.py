"""Warranty replacement: the customer's unit comes back defective and a new unit of the
same item goes out carrying the REMAINING warranty (same end date), both through the
ledger with the ticket's number, so both units' histories show the swap."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.stock.ledger import UnitState, load_unit_states, move_unit
from app.stock.lifecycle import Move, describe_state
from app.stock.lookups import get_location
from app.stock.models import Item, Location, SerialUnit, UnitStatus
from app.stock.serials import serial_key
from app.tickets.common import changed, get_open_ticket, unit_state
from app.tickets.records import TicketRecord
from app.users.roles import Actor, Permission, require


def _new_unit(session: Session, item_id: int, serial: str | None, location: Location) -> UnitState:
    query = select(SerialUnit.id).where(SerialUnit.item_id == item_id)
    if serial is not None:
        unit_id = session.scalar(query.where(SerialUnit.serial_key == serial_key(serial)))
        if unit_id is None:
            raise NotFound(f"no unit {serial.strip()!r} of the same item")
    else:
        unit_id = session.scalar(
            query.where(
                SerialUnit.status == UnitStatus.IN_STOCK.value,
                SerialUnit.location_id == location.id,
            )
            .order_by(SerialUnit.serial_key)
            .limit(1)
        )
        if unit_id is None:
            raise Conflict(f"no unit of the same item in stock at {location.name}")
    (unit,) = load_unit_states(session, [unit_id])
    if unit.status != UnitStatus.IN_STOCK:
        state = describe_state(unit.status, unit.location, unit.customer)
        raise Conflict(f"{unit.serial} {state}: cannot issue it as a replacement")
    return unit


def replace_under_warranty(
    store: Store,
    actor: Actor,
    number: str,
    *,
    location: str,
    serial: str | None = None,
) -> TicketRecord:
    """Swaps the customer's unit: theirs `sold -> defective` (kept at `location`), a new
    in-stock unit (`serial`, else the first at `location`) `in_stock -> sold` to them with
    the old unit's warranty end. The ticket records both serials."""
    require(actor, Permission.TICKETS)
    with store.write() as session:
        ticket = get_open_ticket(session, number, "replace the unit")
        if ticket.unit_id is None or ticket.item_id is None:
            raise InvalidInput(f"{ticket.number} is a device we did not sell: no replacement")
        if not ticket.under_warranty:
            raise Conflict(f"{ticket.number} is not under warranty: no replacement")
        if ticket.replacement_serial is not None:
            raise Conflict(f"{ticket.number} was replaced already by {ticket.replacement_serial}")
        where = get_location(session, location)
        old = unit_state(session, ticket.unit_id)
        old_row = session.get_one(SerialUnit, old.id)
        kept = (old_row.warranty_type or "standard", old_row.warranty_start, old_row.warranty_end)
        new = _new_unit(session, ticket.item_id, serial, where)
        if new.id == old.id:
            raise InvalidInput(f"{new.serial} is the unit being replaced")
        item = session.get_one(Item, ticket.item_id).name
        move_unit(session, actor, old, Move.WARRANTY_RETURN, to_location_id=where.id,
                  document=ticket.number, reason=f"replaced by {new.serial}",
                  warranty=(None, None, None))  # fmt: skip
        move_unit(session, actor, new, Move.WARRANTY_ISSUE, to_location_id=None,
                  customer_id=ticket.customer_id, document=ticket.number,
                  reason=f"replaces {old.serial} ({item})", warranty=kept)  # fmt: skip
        ticket.replacement_unit_id, ticket.replacement_serial = new.id, new.serial
        return changed(session, ticket)
