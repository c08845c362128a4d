"""Finding items, locations and units by what people type or scan, inside a transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session

from app.db.rows import core
from app.errors import Conflict, NotFound
from app.ids import LocationId
from app.stock import serials as serial_entry
from app.stock.ledger import UnitState, unit_state_query
from app.stock.models import (
    BundleComponent,
    Item,
    Location,
    SerialUnit,
)
from app.stock.records import ItemRecord, LocationRecord
from app.stock.serials import serial_key

# SQLite allows 32k bound parameters, PostgreSQL 65k: stay well inside both.
_CHUNK = 900


_MAX_SHOWN = 20


class DuplicateSerials(Conflict):
    """Serials that already exist or repeat in the input; all of them in `.serials`."""

    def __init__(self, what: str, serials: list[str]) -> None:
        self.serials = serials
        shown = ", ".join(serials[:_MAX_SHOWN])
        more = f" and {len(serials) - _MAX_SHOWN} more" if len(serials) > _MAX_SHOWN else ""
        super().__init__(f"{what}: {shown}{more}; nothing was saved")


def item_record(item: Item) -> ItemRecord:
    return ItemRecord(**{f.name: getattr(item, f.name) for f in fields(ItemRecord)})


def location_record(location: Location) -> LocationRecord:
    return LocationRecord(
        LocationId(location.id), location.name, location.sellable, location.active
    )


def get_item(session: Session, sku: str, *, active: bool = True, lock: bool = False) -> Item:
    """The item by SKU (case ignored). `lock`: hold its row until commit, so two writers
    (PostgreSQL tills) receiving or converting the same item take turns."""
    exact = select(Item).where(Item.sku == sku.strip())
    loose = select(Item).where(func.lower(Item.sku) == sku.strip().lower())
    if lock:
        exact, loose = exact.with_for_update(), loose.with_for_update()
    item = session.scalar(exact)
    if item is None:
        item = session.scalar(loose)
    if item is None:
        raise NotFound(f"no item with SKU {sku.strip()!r}")
    if active and not item.active:
        raise Conflict(f"item {item.sku} is deactivated")
    return item


_LOCATION_BY_NAME = select(Location).where(func.lower(Location.name) == bindparam("name"))


def get_location(session: Session, name: str, *, active: bool = True) -> Location:
    location = session.scalar(_LOCATION_BY_NAME, {"name": name.strip().lower()})
    if location is None:
        raise NotFound(f"no location named {name.strip()!r}")
    if active and not location.active:
        raise Conflict(f"location {location.name} is deactivated")
    return location


def chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# Built once: a delivery of 100,000 serials asks it 112 times.
_KEYS_TAKEN = select(SerialUnit.serial_key).where(
    SerialUnit.item_id == bindparam("item_id"),
    SerialUnit.serial_key.in_(bindparam("keys", expanding=True)),
)


def existing_keys(session: Session, item_id: int, keys: Sequence[str]) -> set[str]:
    """Which of these serial keys the item already has (checked in batches)."""
    found: set[str] = set()
    connection = core(session)
    for chunk in chunks(keys):
        found.update(connection.execute(_KEYS_TAKEN, {"item_id": item_id, "keys": chunk}).scalars())
    return found


def find_unit_states(session: Session, serial: str, sku: str | None) -> list[UnitState]:
    """Units with this serial (any item, or the given SKU's)."""
    params = {"key": serial_key(serial)}
    if sku:
        item_id = get_item(session, sku, active=False).id
        rows = session.execute(_STATES_BY_KEY_AND_ITEM, {**params, "item_id": item_id})
    else:
        rows = session.execute(_STATES_BY_KEY, params)
    return [UnitState(*row) for row in rows.all()]


# Built once: the scan path would otherwise spend more time building SQL than running it.
_STATES_BY_KEY = unit_state_query().where(SerialUnit.serial_key == bindparam("key"))


_STATES_BY_KEY_AND_ITEM = _STATES_BY_KEY.where(SerialUnit.item_id == bindparam("item_id"))


def one_unit(session: Session, serial: str, sku: str | None) -> UnitState:
    """The single unit a serial names; asks for the SKU when several items share it."""
    cleaned = serial_entry.clean_serial(serial)
    units = find_unit_states(session, cleaned, sku)
    if not units:
        where = f" for {sku}" if sku else ""
        raise NotFound(f"no unit with serial {cleaned}{where}")
    if len(units) > 1:
        skus = session.scalars(select(Item.sku).where(Item.id.in_([u.item_id for u in units])))
        raise Conflict(
            f"serial {cleaned} exists under several items ({', '.join(sorted(skus))}); give the SKU"
        )
    return units[0]


def is_bundle(session: Session, item_id: int) -> bool:
    """Whether the item is sold as a kit of components (app.stock.bundles)."""
    return bool(session.scalar(select(exists().where(BundleComponent.bundle_item_id == item_id))))


def refuse_serializing_bundle(session: Session, item: Item) -> None:
    if is_bundle(session, item.id):
        raise Conflict(f"{item.sku} is a bundle: its components carry the serials")
