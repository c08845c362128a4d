"""Stock services: items, locations, receiving, transfers, write-offs, conversions.

Each public function is one transaction: it takes the acting user, checks the permission,
validates everything, then writes the change and its ledger rows together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, insert, literal, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.money import format_plain
from app.stock import serials as serial_entry
from app.stock.ledger import UnitState, load_unit_states, move_unit, unit_state_query
from app.stock.lifecycle import Move
from app.stock.models import (
    Item,
    Location,
    Movement,
    ReceivingBatch,
    SerialUnit,
    StockLevel,
    UnitStatus,
)
from app.stock.records import ConversionResult, ItemRecord, LocationRecord, ReceiveResult
from app.stock.serials import SerialEntry, SerialScheme, serial_key
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, require, require_approval

# SQLite allows 32k bound parameters, PostgreSQL 65k: stay well inside both.
_CHUNK = 900
_MAX_SHOWN = 20
MAX_QTY = 1_000_000
# Statuses in which a unit is still the shop's stock (it blocks flipping `serialized`).
ON_HAND = (UnitStatus.IN_STOCK.value, UnitStatus.DEFECTIVE.value, UnitStatus.AT_VENDOR.value)


class DuplicateSerials(Conflict):
    """Serials that already exist or repeat in the input; all of them in `.serials`."""

    def __init__(self, what: str, serials: list[str]) -> None:
        self.serials = serials
        shown = ", ".join(serials[:_MAX_SHOWN])
        more = f" and {len(serials) - _MAX_SHOWN} more" if len(serials) > _MAX_SHOWN else ""
        super().__init__(f"{what}: {shown}{more}; nothing was saved")


# ---------------------------------------------------------------- records and look-ups


def item_record(item: Item) -> ItemRecord:
    return ItemRecord(**{f.name: getattr(item, f.name) for f in fields(ItemRecord)})


def location_record(location: Location) -> LocationRecord:
    return LocationRecord(location.id, location.name, location.sellable, location.active)


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


def get_location(session: Session, name: str, *, active: bool = True) -> Location:
    wanted = name.strip().lower()
    location = session.scalar(select(Location).where(func.lower(Location.name) == wanted))
    if location is None:
        raise NotFound(f"no location named {name.strip()!r}")
    if active and not location.active:
        raise Conflict(f"location {location.name} is deactivated")
    return location


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def existing_keys(session: Session, item_id: int, keys: Sequence[str]) -> set[str]:
    """Which of these serial keys the item already has (checked in batches)."""
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(
            session.scalars(
                select(SerialUnit.serial_key).where(
                    SerialUnit.item_id == item_id, SerialUnit.serial_key.in_(chunk)
                )
            )
        )
    return found


def _on_hand(session: Session, item_id: int) -> int:
    units = session.scalar(
        select(func.count())
        .select_from(SerialUnit)
        .where(SerialUnit.item_id == item_id, SerialUnit.status.in_(ON_HAND))
    )
    bulk = session.scalar(select(func.sum(StockLevel.qty)).where(StockLevel.item_id == item_id))
    return int(units or 0) + int(bulk or 0)


# ---------------------------------------------------------------- items


@dataclass(frozen=True)
class ItemFields:
    """What a user sets on an item; None means 'leave as it is' when editing."""

    name: str | None = None
    price: int | None = None
    cost: int | None = None
    barcode: str | None = None
    tax_rate_bp: int | None = None
    serialized: bool | None = None
    warranty_days: int | None = None
    serial_prefix: str | None = None
    serial_digits: int | None = None
    serial_random: bool | None = None
    active: bool | None = None  # False: deactivate (refused while stock is on hand)


NO_BARCODE = ""  # ItemFields(barcode="") clears the barcode; None leaves it as it is


def _clean_fields(f: ItemFields) -> ItemFields:
    name = clean_text(f.name, field="item name", max_length=200) if f.name is not None else None
    barcode = f.barcode
    if barcode is not None:
        barcode = clean_text(barcode, field="barcode", max_length=32, required=False)
        if barcode and not barcode.isalnum():
            raise InvalidInput(f"barcode {barcode!r} may hold only letters and digits")
    for label, value in (("price", f.price), ("cost", f.cost)):
        if value is not None and value < 0:
            raise InvalidInput(f"{label} cannot be negative")
    if f.tax_rate_bp is not None and not 0 <= f.tax_rate_bp <= 10_000:
        raise InvalidInput("tax rate must be between 0 and 100 %")
    if f.warranty_days is not None and not 0 <= f.warranty_days <= 36_500:
        raise InvalidInput("warranty days must be between 0 and 36500")
    return replace(f, name=name, barcode=barcode)


def _check_scheme(item: Item) -> None:
    """The item's scheme as it will be saved (new values over current ones) must work."""
    SerialScheme(prefix=item.serial_prefix, digits=item.serial_digits, random=item.serial_random)


def barcode_key(barcode: str) -> str:
    """GTINs compare without their leading zeros (EAN-13 4006381333931 is GTIN-14
    04006381333931); other barcodes compare as typed, case ignored."""
    return barcode.lstrip("0") if barcode.isdigit() else barcode.lower()


def _check_barcode_free(session: Session, barcode: str | None, item_id: int | None) -> None:
    if not barcode:
        return
    key = barcode_key(barcode)
    others = session.execute(
        select(Item.sku, Item.barcode).where(Item.barcode.is_not(None), Item.id != item_id)
    )
    for sku, other in others:
        if other and barcode_key(other) == key:
            raise Conflict(f"barcode {barcode} already belongs to item {sku}")


def create_item(store: Store, actor: Actor, *, sku: str, values: ItemFields) -> ItemRecord:
    """Adds an item. SKUs are unique (ignoring letter case)."""
    require(actor, Permission.EDIT_ITEMS)
    sku = clean_text(sku, field="SKU", max_length=64)
    if any(ch.isspace() for ch in sku):
        raise InvalidInput(f"SKU {sku!r} may not contain spaces")
    if values.name is None or values.price is None:
        raise InvalidInput("an item needs a name and a price")
    values = _clean_fields(values)
    with store.write() as session:
        if session.scalar(select(Item.id).where(func.lower(Item.sku) == sku.lower())):
            raise Conflict(f"an item with SKU {sku} already exists")
        _check_barcode_free(session, values.barcode, None)
        item = Item(sku=sku, serial_next=1, active=True)
        _apply(item, values, defaults=True)
        _check_scheme(item)
        session.add(item)
        session.flush()
        audit.record(session, actor, "item.create", sku, item.name)
        return item_record(item)


def _apply(item: Item, values: ItemFields, *, defaults: bool = False) -> list[str]:
    changed = []
    base = {
        "cost": 0,
        "tax_rate_bp": 0,
        "serialized": False,
        "warranty_days": 0,
        "serial_prefix": "",
        "serial_digits": 6,
        "serial_random": False,
    }
    for f in fields(ItemFields):
        value = getattr(values, f.name)
        if f.name == "active":
            continue  # deactivating has its own rule: see _deactivate
        if value is None and defaults:
            value = base.get(f.name)
        if f.name == "barcode" and value == NO_BARCODE:
            value = None if item.barcode is not None else value
            if value is None:
                item.barcode = None
                changed.append("barcode cleared")
            continue
        if value is not None and getattr(item, f.name) != value:
            setattr(item, f.name, value)
            changed.append(f"{f.name}={value}")
    return changed


def edit_item(store: Store, actor: Actor, sku: str, values: ItemFields) -> ItemRecord:
    """Changes an item. The serialized flag cannot flip while stock is on hand."""
    require(actor, Permission.EDIT_ITEMS)
    values = _clean_fields(values)
    with store.write() as session:
        item = get_item(session, sku, active=False)
        if values.serialized is not None and values.serialized != item.serialized:
            on_hand = _on_hand(session, item.id)
            if on_hand:
                proc = "serialize" if values.serialized else "unserialize"
                raise Conflict(
                    f"{item.sku} has {on_hand} on hand: use the {proc} procedure to convert "
                    "its stock instead of changing the flag"
                )
        _check_barcode_free(session, values.barcode, item.id)
        changed = _apply(item, values)
        _check_scheme(item)
        if values.active is False and item.active:
            _deactivate(session, item)
            changed.append("deactivated")
        elif values.active is True and not item.active:
            item.active = True
            changed.append("reactivated")
        if changed:
            audit.record(session, actor, "item.edit", item.sku, ", ".join(changed))
        return item_record(item)


def deactivate_item(store: Store, actor: Actor, sku: str) -> ItemRecord:
    """Hides an item from sale and receiving; refused while it has stock on hand."""
    require(actor, Permission.EDIT_ITEMS)
    with store.write() as session:
        item = get_item(session, sku, active=False)
        _deactivate(session, item)
        audit.record(session, actor, "item.deactivate", item.sku)
        return item_record(item)


def _deactivate(session: Session, item: Item) -> None:
    on_hand = _on_hand(session, item.id)
    if on_hand:
        raise Conflict(f"{item.sku} still has {on_hand} on hand; move or write it off first")
    item.active = False


# ---------------------------------------------------------------- locations


def create_location(
    store: Store, actor: Actor, *, name: str, sellable: bool = True
) -> LocationRecord:
    """Adds a stock location (a shop floor, a back room, a van)."""
    require(actor, Permission.EDIT_LOCATIONS)
    name = clean_text(name, field="location name", max_length=64)
    with store.write() as session:
        if session.scalar(select(Location.id).where(func.lower(Location.name) == name.lower())):
            raise Conflict(f"location {name!r} already exists")
        location = Location(name=name, sellable=sellable, active=True)
        session.add(location)
        session.flush()
        audit.record(session, actor, "location.create", name)
        return location_record(location)


def edit_location(
    store: Store,
    actor: Actor,
    name: str,
    *,
    new_name: str | None = None,
    sellable: bool | None = None,
) -> LocationRecord:
    """Renames a location or changes whether its stock may be sold."""
    require(actor, Permission.EDIT_LOCATIONS)
    with store.write() as session:
        location = get_location(session, name, active=False)
        if new_name is not None:
            new_name = clean_text(new_name, field="location name", max_length=64)
            clash = session.scalar(
                select(Location.id).where(
                    func.lower(Location.name) == new_name.lower(), Location.id != location.id
                )
            )
            if clash:
                raise Conflict(f"location {new_name!r} already exists")
            location.name = new_name
        if sellable is not None:
            location.sellable = sellable
        audit.record(session, actor, "location.edit", location.name)
        return location_record(location)


def deactivate_location(store: Store, actor: Actor, name: str) -> LocationRecord:
    """Retires a location; refused while any stock is there."""
    require(actor, Permission.EDIT_LOCATIONS)
    with store.write() as session:
        location = get_location(session, name, active=False)
        units = session.scalar(
            select(func.count())
            .select_from(SerialUnit)
            .where(SerialUnit.location_id == location.id)
        )
        bulk = session.scalar(
            select(func.sum(StockLevel.qty)).where(StockLevel.location_id == location.id)
        )
        if units or bulk:
            raise Conflict(f"{location.name} still holds stock; transfer it first")
        location.active = False
        audit.record(session, actor, "location.deactivate", location.name)
        return location_record(location)


# ---------------------------------------------------------------- receiving


@dataclass(frozen=True)
class Receiving:
    """What arrives: where, at what cost, with how many days of supplier warranty."""

    sku: str
    location: str
    cost: int | None = None  # per unit; None: the item's cost (or each CSV row's cost)
    supplier_warranty_days: int = 0
    expect: int | None = None  # the count the input must have
    supplier: str | None = None  # who delivered it (for recalls by supplier)


def _check_receiving(rcv: Receiving) -> None:
    if rcv.cost is not None and rcv.cost < 0:
        raise InvalidInput("cost cannot be negative")
    if not 0 <= rcv.supplier_warranty_days <= 36_500:
        raise InvalidInput("supplier warranty days must be between 0 and 36500")
    if rcv.expect is not None and not 1 <= rcv.expect <= serial_entry.MAX_SERIALS:
        raise InvalidInput(f"expected count must be between 1 and {serial_entry.MAX_SERIALS}")
    if rcv.supplier is not None:
        clean_text(rcv.supplier, field="supplier", max_length=120, required=False)


def _check_entries(entries: Sequence[SerialEntry], expect: int | None) -> None:
    if not entries:
        raise InvalidInput("no serials given")
    if len(entries) > serial_entry.MAX_SERIALS:
        raise InvalidInput(
            f"{len(entries)} serials at once is over the limit of {serial_entry.MAX_SERIALS}"
        )
    if expect is not None:
        serial_entry.check_count(entries, expect)
    repeated = serial_entry.duplicates(entries)
    if repeated:
        raise DuplicateSerials("serials repeated in the input", repeated)
    tags = serial_entry.duplicate_asset_tags(entries)
    if tags:
        raise DuplicateSerials("asset tags repeated in the input", tags)


def receive_serials(
    store: Store, actor: Actor, rcv: Receiving, entries: Sequence[SerialEntry], *, method: str
) -> ReceiveResult:
    """Receives serialized units from an entered list (list, range or CSV), all or nothing."""
    with store.write() as session:
        return receive_serials_in(session, actor, rcv, entries, method=method)


def receive_serials_in(
    session: Session, actor: Actor, rcv: Receiving, entries: Sequence[SerialEntry], *, method: str
) -> ReceiveResult:
    """receive_serials inside the caller's transaction (an expected delivery's confirmation
    marks its list received in the same transaction)."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    _check_entries(entries, rcv.expect)
    item, location = _receiving_targets(session, rcv)
    keys = [serial_key(e.serial) for e in entries]
    clash = existing_keys(session, item.id, keys)
    if clash:
        taken = [e.serial for e, k in zip(entries, keys, strict=True) if k in clash]
        raise DuplicateSerials(f"{item.sku} already has serials", taken)
    batch_id = _insert_units(session, actor, item, location, rcv, entries, method)
    return ReceiveResult(
        batch_id, item.sku, location.name, len(entries), [e.serial for e in entries]
    )


def generate_serials(store: Store, actor: Actor, rcv: Receiving, count: int) -> ReceiveResult:
    """Receives `count` units with serials made from the item's scheme (never colliding)."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    if rcv.expect is not None and rcv.expect != count:
        raise InvalidInput(f"expected {rcv.expect} serials, got {count}")
    with store.write() as session:
        item, location = _receiving_targets(session, rcv)
        made = _generate_for(session, item, count)
        entries = [SerialEntry(s) for s in made]
        batch_id = _insert_units(session, actor, item, location, rcv, entries, "generate")
        return ReceiveResult(batch_id, item.sku, location.name, count, made)


def _generate_for(session: Session, item: Item, count: int) -> list[str]:
    scheme = SerialScheme(
        prefix=item.serial_prefix, digits=item.serial_digits, random=item.serial_random
    )
    made, next_number = serial_entry.generate(
        scheme,
        count,
        next_number=item.serial_next,
        taken=lambda keys: existing_keys(session, item.id, keys),
    )
    item.serial_next = next_number
    return made


def _receiving_targets(session: Session, rcv: Receiving) -> tuple[Item, Location]:
    item = get_item(session, rcv.sku, lock=True)
    if not item.serialized:
        raise Conflict(f"{item.sku} is not serialized: receive a quantity instead")
    return item, get_location(session, rcv.location)


def _insert_units(
    session: Session,
    actor: Actor,
    item: Item,
    location: Location,
    rcv: Receiving,
    entries: Sequence[SerialEntry],
    method: str,
    *,
    kind: Move = Move.RECEIVE,
) -> int:
    now = utcnow()
    supplier_end = _supplier_warranty_end(now, rcv.supplier_warranty_days)
    batch = ReceivingBatch(
        at=now,
        user_id=actor.id,
        item_id=item.id,
        location_id=location.id,
        qty=len(entries),
        method=method,
        supplier_warranty_days=rcv.supplier_warranty_days,
        supplier=(rcv.supplier or "").strip() or None,  # checked in _check_receiving
    )
    session.add(batch)
    session.flush()
    default_cost = rcv.cost if rcv.cost is not None else item.cost
    rows = [
        {
            "item_id": item.id,
            "serial": e.serial,
            "serial_key": serial_key(e.serial),
            "asset_tag": e.asset_tag,
            "status": UnitStatus.IN_STOCK.value,
            "location_id": location.id,
            "cost": e.cost if e.cost is not None and rcv.cost is None else default_cost,
            "received_at": now,
            "batch_id": batch.id,
            "supplier_warranty_end": supplier_end,
        }
        for e in entries
    ]
    session.execute(insert(SerialUnit), rows)
    # The ledger rows come straight from the units just written: one statement, same tx.
    session.execute(
        insert(Movement).from_select(
            [
                "at",
                "user_id",
                "kind",
                "item_id",
                "unit_id",
                "qty",
                "to_status",
                "to_location_id",
                "document",
            ],
            select(
                literal(now),
                literal(actor.id),
                literal(kind.value),
                SerialUnit.item_id,
                SerialUnit.id,
                literal(1),
                SerialUnit.status,
                SerialUnit.location_id,
                literal(f"batch:{batch.id}"),
            )
            .where(SerialUnit.batch_id == batch.id)
            .order_by(SerialUnit.id),
        )
    )
    return batch.id


def _supplier_warranty_end(now: datetime, days: int) -> date | None:
    return (now.date() + timedelta(days=days)) if days else None


def receive_quantity(store: Store, actor: Actor, rcv: Receiving, qty: int) -> ReceiveResult:
    """Receives a bulk (non-serialized) quantity at a location."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    if not 1 <= qty <= MAX_QTY:
        raise InvalidInput(f"quantity must be between 1 and {MAX_QTY}")
    if rcv.expect is not None and rcv.expect != qty:
        raise InvalidInput(f"expected {rcv.expect}, got {qty}")
    with store.write() as session:
        item = get_item(session, rcv.sku)
        if item.serialized:
            raise Conflict(f"{item.sku} is serialized: enter the serial of each unit")
        location = get_location(session, rcv.location)
        change_bulk(session, item.id, location.id, qty)
        session.add(
            Movement(
                user_id=actor.id,
                kind=Move.RECEIVE.value,
                item_id=item.id,
                qty=qty,
                to_location_id=location.id,
                reason=f"cost {format_plain(rcv.cost)}" if rcv.cost is not None else None,
            )
        )
        return ReceiveResult(None, item.sku, location.name, qty)


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


# ---------------------------------------------------------------- finding units


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


# ---------------------------------------------------------------- transfers and write-offs


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
        return unit.serial


# ---------------------------------------------------------------- serialize / unserialize

CONVERSION_WARNING = "past transactions are not rewritten; only current stock was converted"


def serialize_item(store: Store, actor: Actor, sku: str) -> ConversionResult:
    """Turns a bulk item serialized: each unit on hand gets a serial from its scheme."""
    require(actor, Permission.CONVERT)
    with store.write() as session:
        item = get_item(session, sku, lock=True)
        if item.serialized:
            raise Conflict(f"{item.sku} is already serialized")
        levels = session.scalars(
            select(StockLevel).where(StockLevel.item_id == item.id, StockLevel.qty > 0)
        ).all()
        item.serialized = True
        made: list[str] = []
        by_location: dict[str, int] = {}
        for level in levels:
            location = session.get_one(Location, level.location_id)
            serials = _generate_for(session, item, level.qty)
            entries = [SerialEntry(s) for s in serials]
            rcv = Receiving(sku=item.sku, location=location.name)
            _insert_units(
                session, actor, item, location, rcv, entries, "serialize", kind=Move.SERIALIZE
            )
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
            change_bulk(session, item.id, unit.location_id, 1)
            by_location[unit.location] = by_location.get(unit.location, 0) + 1
        for location_name, qty in by_location.items():
            session.add(
                Movement(
                    user_id=actor.id,
                    kind=Move.UNSERIALIZE.value,
                    item_id=item.id,
                    qty=qty,
                    to_location_id=get_location(session, location_name, active=False).id,
                    reason="serialized units collapsed to a quantity",
                )
            )
        item.serialized = False
        audit.record(session, actor, "item.unserialize", item.sku, f"{len(ids)} units")
        return ConversionResult(item.sku, False, by_location, [], CONVERSION_WARNING)
