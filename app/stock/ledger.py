"""Moving stock: the change to a unit or a bulk level plus its ledger row, together.

Every service that changes a unit (transfer, write-off, sale, refund, ticket parts) goes
through `move_unit`, so the status rules and the claim check live in one place; every
change to a bulk quantity goes through `move_bulk`, so no level moves without its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.customers.models import Customer
from app.errors import Conflict
from app.ids import CustomerId, ItemId, LocationId, UnitId
from app.stock.lifecycle import Move, target_status
from app.stock.models import Location, Movement, SerialUnit, StockLevel, UnitStatus
from app.users.roles import Actor


@dataclass(frozen=True)
class UnitState:
    """A unit as read at the start of a move: what the conditional update checks against."""

    id: UnitId
    item_id: ItemId
    serial: str
    status: UnitStatus
    location_id: LocationId | None
    location: str | None
    customer_id: CustomerId | None
    customer: str | None


def unit_state_query() -> Any:  # a Select of UnitState's columns, in order
    return (
        select(
            SerialUnit.id,
            SerialUnit.item_id,
            SerialUnit.serial,
            SerialUnit.status,
            SerialUnit.location_id,
            Location.name,
            SerialUnit.customer_id,
            Customer.name,
        )
        .outerjoin(Location, Location.id == SerialUnit.location_id)
        .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
    )


def load_unit_states(session: Session, unit_ids: list[int]) -> list[UnitState]:
    rows = session.execute(unit_state_query().where(SerialUnit.id.in_(unit_ids))).all()
    by_id = {row[0]: UnitState(*row) for row in rows}
    return [by_id[i] for i in unit_ids if i in by_id]


def move_unit(
    session: Session,
    actor: Actor,
    unit: UnitState,
    move: Move,
    *,
    to_location_id: int | None,
    customer_id: int | None = None,
    document: str | None = None,
    reason: str | None = None,
    warranty: tuple[str | None, date | None, date | None] | None = None,
) -> UnitStatus:
    """Moves one unit and writes its movement; Conflict if it is no longer where we read it.

    The WHERE on status (and location) makes the update a claim: of two tills selling the
    same unit, only one updates a row; the other sees 0 rows and gets a clear message.
    """
    to_status = target_status(move, unit.serial, unit.status, unit.location, unit.customer)
    values: dict[str, object] = {
        "status": to_status.value,
        "location_id": to_location_id,
        "customer_id": customer_id,
    }
    if warranty is not None:
        values["warranty_type"], values["warranty_start"], values["warranty_end"] = warranty
    claimed = session.execute(
        update(SerialUnit)
        .where(SerialUnit.id == unit.id, SerialUnit.status == unit.status)
        .where(_same_location(unit.location_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"{unit.serial} was changed by someone else just now; scan it again")
    session.add(
        _movement(actor, unit, move, to_status.value, to_location_id, customer_id, document, reason)
    )
    return to_status


def _movement(
    actor: Actor,
    unit: UnitState,
    kind: Move,
    to_status: str,
    to_location_id: int | None,
    customer_id: int | None,
    document: str | None,
    reason: str | None = None,
) -> Movement:
    """The ledger row of one unit: from where the unit was read, to where it goes."""
    return Movement(
        user_id=actor.id,
        kind=kind.value,
        item_id=unit.item_id,
        unit_id=unit.id,
        qty=1,
        from_status=unit.status,
        to_status=to_status,
        from_location_id=unit.location_id,
        to_location_id=to_location_id,
        customer_id=customer_id,
        document=document,
        reason=reason,
    )


def _same_location(location_id: int | None) -> ColumnElement[bool]:
    if location_id is None:
        return SerialUnit.location_id.is_(None)
    return SerialUnit.location_id == location_id


def change_bulk(session: Session, item_id: int, location_id: int, delta: int) -> int:
    """Adds `delta` (may be negative) to a bulk level; refuses to go below zero."""
    level = session.get(StockLevel, (item_id, location_id), with_for_update=True)
    if level is None:
        level = StockLevel(item_id=item_id, location_id=location_id, qty=0)
        session.add(level)
    if level.qty + delta < 0:
        raise Conflict(f"only {level.qty} in stock there")
    level.qty += delta
    session.flush()
    return level.qty


def move_bulk(
    session: Session,
    actor: Actor,
    item_id: int,
    qty: int,
    move: Move,
    *,
    from_location_id: int | None = None,
    to_location_id: int | None = None,
    document: str | None = None,
    reason: str | None = None,
    customer_id: int | None = None,
) -> None:
    """Moves `qty` of a bulk item out of one location and/or into another, with its ledger
    row; Conflict (nothing changed) if the source holds less than that."""
    if from_location_id is not None:
        change_bulk(session, item_id, from_location_id, -qty)
    if to_location_id is not None:
        change_bulk(session, item_id, to_location_id, qty)
    session.add(
        Movement(
            user_id=actor.id,
            kind=move.value,
            item_id=item_id,
            qty=qty,
            from_location_id=from_location_id,
            to_location_id=to_location_id,
            customer_id=customer_id,
            document=document,
            reason=reason,
        )
    )


def note_unit(
    session: Session,
    actor: Actor,
    unit: UnitState,
    kind: Move,
    document: str,
    reason: str | None = None,
) -> None:
    """A history row that changes nothing (a unit came in on a repair ticket, or went
    back out): from and to are the unit's current state, so replaying the ledger still
    gives the same state."""
    session.add(
        _movement(
            actor, unit, kind, unit.status, unit.location_id, unit.customer_id, document, reason
        )
    )
