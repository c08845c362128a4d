"""Moving in-stock units: transfers between locations and write-offs."""

from __future__ import annotations

from collections.abc import Sequence

from app.db.uow import Store, record
from app.errors import Conflict, InvalidInput
from app.stock import serials as serial_entry
from app.stock.events import UnitsMoved
from app.stock.ledger import move_unit
from app.stock.lifecycle import Move
from app.stock.lookups import DuplicateSerials, get_location, one_unit
from app.stock.models import (
    UnitStatus,
)
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, require, require_approval


def transfer_units(
    store: Store, actor: Actor, serials: Sequence[str], *, to_location: str, sku: str | None = None
) -> list[str]:
    """Moves in-stock units to another location; all of them or none."""
    require(actor, Permission.TRANSFER)
    if not serials:
        raise InvalidInput("no serials given")
    if serial_entry.duplicates(list(serials)):
        raise DuplicateSerials("serials repeated", serial_entry.duplicates(list(serials)))
    with store.write() as session:
        target = get_location(session, to_location)
        moved = []
        for serial in serials:
            unit = one_unit(session, serial, sku)
            if unit.location_id == target.id and unit.status == UnitStatus.IN_STOCK:
                raise Conflict(f"{unit.serial} is already at {target.name}")
            move_unit(session, actor, unit, Move.TRANSFER, to_location_id=target.id)
            moved.append(unit.serial)
        record(session, UnitsMoved(Move.TRANSFER.value, len(moved)))
        return moved


def write_off(
    store: Store,
    actor: Actor,
    serial: str,
    *,
    reason: str,
    sku: str | None = None,
    approver: Actor | None = None,
) -> str:
    """Writes an in-stock unit off (adjusted out). A reason and a manager's approval needed."""
    approved_by = require_approval(actor, approver, Permission.WRITE_OFF)
    reason = clean_text(reason, field="reason", max_length=200)
    with store.write() as session:
        unit = one_unit(session, serial, sku)
        move_unit(session, actor, unit, Move.WRITE_OFF, to_location_id=None, reason=reason)
        audit.record(session, actor, "unit.write_off", unit.serial, reason, approver=approved_by)
        record(session, UnitsMoved(Move.WRITE_OFF.value, 1))
        return unit.serial
