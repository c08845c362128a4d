"""Items: add, edit, deactivate. SKUs and barcodes are unique; `serialized` flips only
without stock on hand (the conversion procedures convert stock explicitly).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.uow import Store, record
from app.errors import Conflict, InvalidInput
from app.stock.events import ItemsChanged
from app.stock.lookups import get_item, item_record, refuse_serializing_bundle
from app.stock.models import (
    Item,
    SerialUnit,
    StockLevel,
    UnitStatus,
)
from app.stock.records import ItemRecord
from app.stock.serial_charsets import DEFAULT_CHARSET, check_scheme, parse_charset
from app.stock.serial_schemes import RANDOM_ALPHABET, SerialScheme
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, require

# Statuses in which a unit is still the shop's stock (it blocks flipping `serialized`).
ON_HAND = (UnitStatus.IN_STOCK.value, UnitStatus.DEFECTIVE.value, UnitStatus.AT_VENDOR.value)


def _on_hand(session: Session, item_id: int) -> int:
    units = session.scalar(
        select(func.count())
        .select_from(SerialUnit)
        .where(SerialUnit.item_id == item_id, SerialUnit.status.in_(ON_HAND))
    )
    bulk = session.scalar(select(func.sum(StockLevel.qty)).where(StockLevel.item_id == item_id))
    return int(units or 0) + int(bulk or 0)


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
    serial_next: int | None = None  # a sequential scheme's next number
    serial_charset: str | None = None  # what its serials may contain (serial_charsets)


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
    if f.serial_next is not None and not 1 <= f.serial_next < 2**62:
        raise InvalidInput("the next serial number must be a whole number from 1")
    charset = parse_charset(f.serial_charset).value if f.serial_charset is not None else None
    return replace(f, name=name, barcode=barcode, serial_charset=charset)


def _check_scheme(item: Item) -> None:
    """The item's scheme as it will be saved (new values over current ones) must work, and
    make serials its charset allows."""
    scheme = SerialScheme(
        prefix=item.serial_prefix, digits=item.serial_digits, random=item.serial_random
    )
    check_scheme(
        item.serial_charset or DEFAULT_CHARSET,
        scheme.prefix,
        random_symbols=RANDOM_ALPHABET if scheme.random else None,
    )


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
        record(session, ItemsChanged(item.sku))
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
        "serial_charset": DEFAULT_CHARSET.value,
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
            if values.serialized:
                refuse_serializing_bundle(session, item)
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
        record(session, ItemsChanged(item.sku))
        return item_record(item)


def deactivate_item(store: Store, actor: Actor, sku: str) -> ItemRecord:
    """Hides an item from sale and receiving; refused while it has stock on hand."""
    require(actor, Permission.EDIT_ITEMS)
    with store.write() as session:
        item = get_item(session, sku, active=False)
        _deactivate(session, item)
        audit.record(session, actor, "item.deactivate", item.sku)
        record(session, ItemsChanged(item.sku))
        return item_record(item)


def _deactivate(session: Session, item: Item) -> None:
    on_hand = _on_hand(session, item.id)
    if on_hand:
        raise Conflict(f"{item.sku} still has {on_hand} on hand; move or write it off first")
    item.active = False
