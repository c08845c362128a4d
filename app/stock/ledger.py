"""Moving stock: the change to a unit or a bulk level plus its ledger row, together.

Every service that changes a unit (transfer, write-off, sale, refund, ticket parts) goes
through `move_unit`, so the status rules and the claim check live in one place; every
change to a bulk quantity goes through `move_bulk`, so no level moves without its row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.customers.models import Customer
from app.db.engine import WRITE_OPTION
from app.db.prepared import PreparedWrite
from app.db.rows import core, write
from app.db.types import utcnow
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


_UNIT_STATES = unit_state_query().where(SerialUnit.id.in_(bindparam("ids", expanding=True)))


def load_unit_states(session: Session, unit_ids: list[int]) -> list[UnitState]:
    if not unit_ids:
        return []
    rows = core(session).execute(_UNIT_STATES, {"ids": unit_ids}).all()
    by_id = {row[0]: UnitState(*row) for row in rows}
    return [by_id[i] for i in unit_ids if i in by_id]


class UnitMoved(Conflict):
    """A unit was no longer as it was read (another till moved it first)."""

    def __init__(self, unit: UnitState) -> None:
        self.unit = unit
        super().__init__(f"{unit.serial} was changed by someone else just now; scan it again")


Warranty = tuple[str | None, date | None, date | None]


@dataclass(frozen=True)
class UnitMove:
    """One unit to move (see `move_units`); `warranty` (type, start, end) if it changes."""

    unit: UnitState
    move: Move
    to_location_id: int | None
    customer_id: int | None = None
    document: str | None = None
    reason: str | None = None
    warranty: Warranty | None = None


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
    warranty: Warranty | None = None,
) -> UnitStatus:
    """Moves one unit and writes its movement; Conflict if it is no longer where we read it."""
    one = UnitMove(unit, move, to_location_id, customer_id, document, reason, warranty)
    return move_units(session, actor, [one])[0]


# The claim: a row changes only if its unit is still as it was read. Built once and run
# with one parameter set per unit (executemany); the new values are `new_*` parameters.
_units: Table = SerialUnit.__table__  # type: ignore[assignment]
_movements: Table = Movement.__table__  # type: ignore[assignment]
_levels: Table = StockLevel.__table__  # type: ignore[assignment]
_AS_READ = (
    _units.c.id == bindparam("unit_id"),
    _units.c.status == bindparam("read_status"),
    _units.c.location_id.is_not_distinct_from(bindparam("read_location_id")),
)
_UNITS_NOW = select(SerialUnit.id, SerialUnit.status, SerialUnit.location_id).where(
    SerialUnit.id.in_(bindparam("ids", expanding=True))
)
# Prepared (app.db.prepared): a sale runs each once, and SQLAlchemy's own work per execution
# costs more than SQLite's.
_MOVEMENTS = PreparedWrite(insert(_movements))  # rows as dicts (executemany), no ids back
_MOVED = ("status", "location_id", "customer_id")
_WARRANTY = ("warranty_type", "warranty_start", "warranty_end")
_CLAIMS = {
    with_warranty: PreparedWrite(
        update(_units)
        .where(*_AS_READ)
        .values({name: bindparam(f"new_{name}") for name in _MOVED + _WARRANTY * with_warranty})
    )
    for with_warranty in (False, True)
}


def move_units(session: Session, actor: Actor, moves: Sequence[UnitMove]) -> list[UnitStatus]:
    """Moves units and writes their movements: one conditional UPDATE for all of them (one
    per kind of change) and one INSERT of their ledger rows. UnitMoved (a Conflict), naming
    the first unit no longer as read, if any is not: the caller's transaction is then
    rolled back.

    The WHERE on status and location makes each update a claim: of two tills selling the
    same unit, only one updates its row; the other sees fewer rows changed than it asked.
    """
    statuses = [
        target_status(m.move, m.unit.serial, m.unit.status, m.unit.location, m.unit.customer)
        for m in moves
    ]
    for with_warranty in (False, True):
        params = [
            _claim(m, status)
            for m, status in zip(moves, statuses, strict=True)
            if (m.warranty is not None) == with_warranty
        ]
        if params:
            claimed = write(session, _CLAIMS[with_warranty], params)
            if claimed.rowcount != len(params):
                raise UnitMoved(_moved_away(session, moves))
    if moves:
        write(
            session,
            _MOVEMENTS,
            [
                _movement_row(actor, m.unit, m.move, status.value, m.to_location_id,
                              m.customer_id, m.document, m.reason)
                for m, status in zip(moves, statuses, strict=True)
            ],
        )  # fmt: skip
    return statuses


def _claim(m: UnitMove, to_status: UnitStatus) -> dict[str, object]:
    params: dict[str, object] = {
        "unit_id": m.unit.id,
        "read_status": UnitStatus(m.unit.status).value,
        "read_location_id": m.unit.location_id,
        "new_status": to_status.value,
        "new_location_id": m.to_location_id,
        "new_customer_id": m.customer_id,
    }
    if m.warranty is not None:
        for name, value in zip(_WARRANTY, m.warranty, strict=True):
            params[f"new_{name}"] = value
    return params


def _moved_away(session: Session, moves: Sequence[UnitMove]) -> UnitState:
    """The first unit that is no longer as read (asked only when a claim failed). Read on
    a connection of its own: this transaction's own claims would hide which one another
    till took; only what was committed tells."""
    committed = session.get_bind().engine.execution_options(**{WRITE_OPTION: False})
    with committed.connect() as other:
        now = {
            row[0]: (row[1], row[2])
            for row in other.execute(_UNITS_NOW, {"ids": [m.unit.id for m in moves]})
        }
    for m in moves:
        if now.get(m.unit.id) != (m.unit.status, m.unit.location_id):
            return m.unit
    return moves[0].unit


def _movement_row(
    actor: Actor,
    unit: UnitState,
    kind: Move,
    to_status: str,
    to_location_id: int | None,
    customer_id: int | None,
    document: str | None,
    reason: str | None = None,
) -> dict[str, object]:
    """The ledger row of one unit: from where the unit was read, to where it goes."""
    return {
        "at": utcnow(),
        "user_id": actor.id,
        "kind": kind.value,
        "item_id": unit.item_id,
        "unit_id": unit.id,
        "qty": 1,
        "from_status": UnitStatus(unit.status).value,
        "to_status": to_status,
        "from_location_id": unit.location_id,
        "to_location_id": to_location_id,
        "customer_id": customer_id,
        "document": document,
        "reason": reason,
    }


_TAKE_BULK = PreparedWrite(
    update(_levels)
    .where(
        _levels.c.item_id == bindparam("of_item"),
        _levels.c.location_id == bindparam("at_location"),
        _levels.c.qty >= bindparam("take"),
    )
    .values(qty=_levels.c.qty - bindparam("take"))
    .returning(_levels.c.qty)
)


def change_bulk(session: Session, item_id: int, location_id: int, delta: int) -> int:
    """Adds `delta` (may be negative) to a bulk level; refuses to go below zero."""
    if delta < 0 and identity_key(StockLevel, (item_id, location_id)) not in session.identity_map:
        # Taking stock (a sale): one conditional UPDATE, no read first. No row changed:
        # too few there (or no level at all), said below.
        params = {"of_item": item_id, "at_location": location_id, "take": -delta}
        taken = write(session, _TAKE_BULK, params).scalar()
        if taken is not None:
            return int(taken)
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
    write(  # the ledger row now, with no flush (no id needed back)
        session,
        _MOVEMENTS,
        [
            {
                "at": utcnow(),
                "user_id": actor.id,
                "kind": move.value,
                "item_id": item_id,
                "qty": qty,
                "from_location_id": from_location_id,
                "to_location_id": to_location_id,
                "customer_id": customer_id,
                "document": document,
                "reason": reason,
            }
        ],
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
    row = _movement_row(
        actor, unit, kind, unit.status, unit.location_id, unit.customer_id, document, reason
    )
    session.add(Movement(**row))
