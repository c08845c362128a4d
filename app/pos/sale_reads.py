"""What a sale reads before it writes: the till's location, the cart's items and its units.

Plain Core rows, not ORM objects: the sale changes none of them through the session (its
writes are conditional statements of their own), so identity and change tracking would
buy nothing and cost more than SQLite's answer. Each read is one statement, and each
carries what the sale's checks need, so no check reads again: an item says whether it is
a bundle (its components are read only for a cart holding one), and a unit says whether
the location it stands in is for sale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.orm import Session

from app.db.rows import core
from app.errors import Conflict, NotFound
from app.ids import UnitId
from app.pos.cart import CartLine
from app.stock.ledger import UnitState, unit_state_query
from app.stock.models import ITEM_SALE_COLUMNS, BundleComponent, Item, Location, SerialUnit


@dataclass(frozen=True, slots=True)
class SoldItem:
    """An item as a sale prices and writes it."""

    id: int
    sku: str
    name: str
    price: int
    tax_rate_bp: int
    serialized: bool
    warranty_days: int
    active: bool
    is_bundle: bool = False

    @classmethod
    def of(cls, item: Item) -> SoldItem:
        """A bundle's part, read as a mapped Item (parts are never bundles themselves)."""
        return cls(item.id, item.sku, item.name, item.price, item.tax_rate_bp,
                   item.serialized, item.warranty_days, item.active)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SaleLocation:
    """The till's stock location: the sale's bulk stock comes from it."""

    id: int
    name: str
    sellable: bool
    active: bool


@dataclass(frozen=True, slots=True)
class UnitForSale:
    """A unit as read at the start of the sale, and whether where it stands is for sale."""

    state: UnitState
    sellable_location: bool


_LOCATION = select(Location.id, Location.name, Location.sellable, Location.active).where(
    func.lower(Location.name) == bindparam("name")
)
_ITEMS = select(
    *ITEM_SALE_COLUMNS,
    Item.active,
    exists().where(BundleComponent.bundle_item_id == Item.id),
).where(Item.id.in_(bindparam("ids", expanding=True)))
_UNITS = (
    unit_state_query()
    .add_columns(and_(Location.sellable, Location.active))
    .where(SerialUnit.id.in_(bindparam("ids", expanding=True)))
)


def till_location(session: Session, name: str) -> SaleLocation:
    """The till's location by name (any letter case); refused if gone or deactivated."""
    row = core(session).execute(_LOCATION, {"name": name.strip().lower()}).first()
    if row is None:
        raise NotFound(f"no location named {name.strip()!r}")
    location = SaleLocation(*row)
    if not location.active:
        raise Conflict(f"location {location.name} is deactivated")
    return location


def sold_items(session: Session, lines: Sequence[CartLine]) -> dict[int, SoldItem]:
    """The items of these lines by id; refused if one is gone or deactivated."""
    wanted = {line.item_id for line in lines}
    if not wanted:
        return {}
    rows = core(session).execute(_ITEMS, {"ids": sorted(wanted)})
    items = {row[0]: SoldItem(*row) for row in rows}
    for item_id in wanted - items.keys():
        raise NotFound(f"item {item_id} no longer exists")
    for item in items.values():
        if not item.active:
            raise Conflict(f"{item.sku} is deactivated and cannot be sold")
    return items


def units_for_sale(session: Session, unit_ids: list[int]) -> dict[UnitId, UnitForSale]:
    """The units of the sale as they are now, by id (a unit gone is simply absent)."""
    if not unit_ids:
        return {}
    rows = core(session).execute(_UNITS, {"ids": unit_ids})
    return {row[0]: UnitForSale(UnitState(*row[:8]), bool(row[8])) for row in rows}
