"""Serialize and unserialize an item's current stock (past transactions are not rewritten)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.uow import Store, record
from app.errors import Conflict
from app.stock.events import ItemsChanged, UnitsMoved
from app.stock.ledger import load_unit_states, move_bulk, move_unit
from app.stock.lifecycle import Move
from app.stock.lookups import get_item, get_location, refuse_serializing_bundle
from app.stock.models import (
    Location,
    Movement,
    SerialUnit,
    StockLevel,
    UnitStatus,
)
from app.stock.receiving import Receiving, generate_for, insert_units
from app.stock.records import ConversionResult
from app.stock.serials import SerialEntry
from app.users import audit
from app.users.roles import Actor, Permission, require

CONVERSION_WARNING = "past transactions are not rewritten; only current stock was converted"


def serialize_item(store: Store, actor: Actor, sku: str) -> ConversionResult:
    """Turns a bulk item serialized: each unit on hand gets a serial from its scheme."""
    require(actor, Permission.CONVERT)
    with store.write() as session:
        item = get_item(session, sku, lock=True)
        if item.serialized:
            raise Conflict(f"{item.sku} is already serialized")
        refuse_serializing_bundle(session, item)
        levels = session.scalars(
            select(StockLevel).where(StockLevel.item_id == item.id, StockLevel.qty > 0)
        ).all()
        item.serialized = True
        made: list[str] = []
        by_location: dict[str, int] = {}
        for level in levels:
            location = session.get_one(Location, level.location_id)
            serials = generate_for(session, item, level.qty)
            entries = [SerialEntry(s) for s in serials]
            rcv = Receiving(sku=item.sku, location=location.name)
            insert_units(
                session, actor, item, location, rcv, entries, "serialize", kind=Move.SERIALIZE
            )
            # Not move_bulk: this row has always carried the quantity leaving the books as a
            # negative number (the units' own rows bring it back), and the ledger is kept as is.
            session.add(
                Movement(
                    user_id=actor.id,
                    kind=Move.SERIALIZE.value,
                    item_id=item.id,
                    qty=-level.qty,
                    from_location_id=location.id,
                    reason="bulk quantity serialized",
                )
            )
            by_location[location.name] = level.qty
            made.extend(serials)
            level.qty = 0
        audit.record(session, actor, "item.serialize", item.sku, f"{len(made)} units")
        record(session, UnitsMoved("serialize", len(made)), ItemsChanged(item.sku))
        return ConversionResult(item.sku, True, by_location, made, CONVERSION_WARNING)


def unserialize_item(store: Store, actor: Actor, sku: str) -> ConversionResult:
    """Turns a serialized item bulk: in-stock units collapse to a quantity per location."""
    require(actor, Permission.CONVERT)
    with store.write() as session:
        item = get_item(session, sku, lock=True)
        if not item.serialized:
            raise Conflict(f"{item.sku} is not serialized")
        elsewhere = session.scalar(
            select(func.count())
            .select_from(SerialUnit)
            .where(
                SerialUnit.item_id == item.id,
                SerialUnit.status.in_([UnitStatus.DEFECTIVE.value, UnitStatus.AT_VENDOR.value]),
            )
        )
        if elsewhere:
            raise Conflict(
                f"{item.sku} has {elsewhere} units defective or at the vendor; settle them first"
            )
        ids = list(
            session.scalars(
                select(SerialUnit.id)
                .where(
                    SerialUnit.item_id == item.id, SerialUnit.status == UnitStatus.IN_STOCK.value
                )
                .order_by(SerialUnit.id)
            )
        )
        by_location: dict[str, int] = {}
        for unit in load_unit_states(session, ids):
            move_unit(
                session, actor, unit, Move.UNSERIALIZE, to_location_id=None, reason="unserialized"
            )
            assert unit.location_id is not None and unit.location is not None
            by_location[unit.location] = by_location.get(unit.location, 0) + 1
        for location_name, qty in by_location.items():
            move_bulk(
                session,
                actor,
                item.id,
                qty,
                Move.UNSERIALIZE,
                to_location_id=get_location(session, location_name, active=False).id,
                reason="serialized units collapsed to a quantity",
            )
        item.serialized = False
        audit.record(session, actor, "item.unserialize", item.sku, f"{len(ids)} units")
        record(session, UnitsMoved("unserialize", len(ids)), ItemsChanged(item.sku))
        return ConversionResult(item.sku, False, by_location, [], CONVERSION_WARNING)
