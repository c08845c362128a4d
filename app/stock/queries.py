"""The read side of stock: unit look-up, paged lists, history, stock levels, valuation.

Lists page by key (serial, id), never by OFFSET, so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import InvalidInput
from app.stock.contains import WINDOW, contains, in_window, uses_window, window_holds
from app.stock.lifecycle import describe_state
from app.stock.lookups import get_item, get_location, item_record, location_record, one_unit
from app.stock.models import Item, Location, Movement, SerialUnit, StockLevel, UnitStatus
from app.stock.records import (
    HistoryEntry,
    ItemRecord,
    LocationRecord,
    StockRow,
    UnitPage,
    UnitRecord,
    ValuationRow,
)
from app.stock.serials import serial_key
from app.stock.unit_rows import compact_unit
from app.users.models import User
from app.users.roles import Actor, Permission, require

MAX_PAGE = 1_000


def unit_select(*, costs: bool = True) -> Select:  # type: ignore[type-arg]
    """Units as UnitRecord rows; without `costs` the cost column is NULL, so a role that
    may not see costs never gets them from any view or command."""
    cost = SerialUnit.cost if costs else null().label("cost")
    return (
        select(
            SerialUnit.id,
            SerialUnit.item_id,
            Item.sku,
            Item.name,
            SerialUnit.serial,
            SerialUnit.asset_tag,
            SerialUnit.status,
            Location.name,
            Customer.name,
            cost,
            SerialUnit.received_at,
            SerialUnit.batch_id,
            SerialUnit.supplier_warranty_end,
            SerialUnit.warranty_type,
            SerialUnit.warranty_start,
            SerialUnit.warranty_end,
        )
        .join(Item, Item.id == SerialUnit.item_id)
        .outerjoin(Location, Location.id == SerialUnit.location_id)
        .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
    )


# Built once: a fresh Select per call costs SQLAlchemy more than SQLite takes to answer.
_UNITS_BY_KEY = {
    costs: unit_select(costs=costs).where(SerialUnit.serial_key == bindparam("key"))
    for costs in (True, False)
}


def _sees_costs(actor: Actor) -> bool:
    return actor.can(Permission.VIEW_COSTS)


def find_units(store: Store, actor: Actor, serial: str) -> list[UnitRecord]:
    """Every unit with this serial, across items (the scan path: one indexed query)."""
    require(actor, Permission.VIEW_STOCK)
    with store.engine.connect() as conn:
        query = _UNITS_BY_KEY[_sees_costs(actor)]
        rows = conn.execute(query, {"key": serial_key(serial)})
        return [UnitRecord(*row) for row in rows]


@dataclass(frozen=True)
class UnitFilter:
    sku: str | None = None
    status: str | None = None
    location: str | None = None
    prefix: str | None = None  # serial starts with (case ignored): uses the index
    search: str | None = None  # serial or asset tag contains (case ignored)
    batch_id: int | None = None


def _next_key(prefix: str) -> str | None:
    """The smallest string above every string that starts with `prefix` (byte order);
    None when there is none (the prefix ends in the last code point)."""
    stripped = prefix.rstrip(chr(0x10FFFF))
    if not stripped:
        return None
    return stripped[:-1] + chr(ord(stripped[-1]) + 1)


def _filtered(session: Session, f: UnitFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions on the units, but for the prefix and 'contains'."""
    conditions = []
    if f.sku:
        conditions.append(SerialUnit.item_id == get_item(session, f.sku, active=False).id)
    if f.status:
        if f.status not in {s.value for s in UnitStatus}:
            known = ", ".join(s.value for s in UnitStatus)
            raise InvalidInput(f"unknown status {f.status!r}; statuses are {known}")
        conditions.append(SerialUnit.status == f.status)
    if f.location:
        loc = get_location(session, f.location, active=False)
        conditions.append(SerialUnit.location_id == loc.id)
    if f.batch_id is not None:
        conditions.append(SerialUnit.batch_id == f.batch_id)
    return conditions


def _key_range(
    key: ColumnElement[Any],
    unit_id: ColumnElement[Any],
    f: UnitFilter,
    after: tuple[str, int] | None,
) -> list[ColumnElement[bool]]:
    """Where a page starts in key order (after `after`) and what the prefix bounds."""
    conditions = []
    prefix = serial_key(f.prefix or "")
    if prefix:
        conditions.append(key >= prefix)
        upper = _next_key(prefix)
        if upper is not None:
            conditions.append(key < upper)
    if after is not None:
        last_key, last_id = after
        # The bound alone lets SQLite start in the key index there; the OR alone does not,
        # and a window or a walk for page 50 read every key before it again.
        conditions.append(key >= last_key)
        conditions.append(or_(key > last_key, and_(key == last_key, unit_id > last_id)))
    return conditions


_WALKED = SerialUnit.__table__.alias("walked")  # the units a window walks, in key order


def _page_rows(
    session: Session,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
    *,
    costs: bool,
    ids_first: bool = False,
) -> Sequence[Any]:
    """The first `limit` + 1 units meeting `conditions`, in key order. `ids_first`: the
    page's ids are found first, then only their rows read, for when many units match and
    each would otherwise be read in full (its item, place and customer too) to be sorted."""
    order = (SerialUnit.serial_key, SerialUnit.id)
    if ids_first:
        ids = select(SerialUnit.id).where(*conditions).order_by(*order).limit(limit + 1)
        conditions = [SerialUnit.id.in_(ids)]
    query = unit_select(costs=costs).where(*conditions).order_by(*order).limit(limit + 1)
    return session.execute(query).all()


def _matching_rows(
    session: Session,
    conditions: list[ColumnElement[bool]],
    f: UnitFilter,
    after: tuple[str, int] | None,
    *,
    limit: int,
    costs: bool,
) -> Sequence[Any]:
    """The page's rows (one more than `limit` if there are more): a 'contains' needle is
    looked for in a window of key order first (app/stock/contains.py), then in its index."""
    needle = serial_key(f.search or "")
    if not needle:
        return _page_rows(session, conditions, limit, costs=costs)
    if uses_window(session, needle):
        key, unit_id = _WALKED.c.serial_key, _WALKED.c.id
        ahead = select(key).where(*_key_range(key, unit_id, f, after))
        ahead = ahead.order_by(key, unit_id).limit(WINDOW)
        if window_holds(session, needle, ahead, limit):
            window = ahead.add_columns(unit_id, _WALKED.c.asset_tag)
            found = [*conditions, in_window(needle, window)]
            rows = _page_rows(session, found, limit, costs=costs)
            if len(rows) > limit:  # more than a page in the window: none before them is left
                return rows
    found = [*conditions, contains(session, needle)]
    return _page_rows(session, found, limit, costs=costs, ids_first=True)


def list_units(
    store: Store,
    actor: Actor,
    f: UnitFilter,
    *,
    limit: int = 100,
    after: tuple[str, int] | None = None,
) -> UnitPage:
    """One page of units in serial order; pass `next_after` back for the next page."""
    require(actor, Permission.VIEW_STOCK)
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    with store.read() as session:
        unit = SerialUnit.__table__.c
        conditions = _filtered(session, f) + _key_range(unit.serial_key, unit.id, f, after)
        rows = _matching_rows(session, conditions, f, after, limit=limit, costs=_sees_costs(actor))
        units = [compact_unit(row) for row in rows[:limit]]
        more = len(rows) > limit
        last = units[-1] if units and more else None
        return UnitPage(units, (serial_key(last.serial), last.id) if last else None)


def iter_units(
    store: Store, actor: Actor, f: UnitFilter, *, page: int = 1_000
) -> Iterator[UnitRecord]:
    """Every unit matching, page by page (for exports): memory stays flat."""
    after = None
    while True:
        result = list_units(store, actor, f, limit=page, after=after)
        yield from result.units
        if result.next_after is None:
            return
        after = result.next_after


def unit_history(
    store: Store, actor: Actor, serial: str, sku: str | None = None
) -> list[HistoryEntry]:
    """The ledger for one unit, oldest first."""
    require(actor, Permission.VIEW_STOCK)
    from_loc, to_loc = aliased(Location), aliased(Location)
    with store.read() as session:
        unit = one_unit(session, serial, sku)
        rows = session.execute(
            select(
                Movement.at,
                Movement.kind,
                Movement.from_status,
                from_loc.name,
                Movement.to_status,
                to_loc.name,
                Customer.name,
                User.name,
                Movement.document,
                Movement.reason,
            )
            .join(User, User.id == Movement.user_id)
            .outerjoin(from_loc, from_loc.id == Movement.from_location_id)
            .outerjoin(to_loc, to_loc.id == Movement.to_location_id)
            .outerjoin(Customer, Customer.id == Movement.customer_id)
            .where(Movement.unit_id == unit.id)
            .order_by(Movement.id)
        ).all()
        return [
            HistoryEntry(
                at=r[0],
                kind=r[1],
                from_state=_state(r[2], r[3], None),
                to_state=_state(r[4], r[5], r[6]),
                user=r[7],
                document=r[8],
                reason=r[9],
            )
            for r in rows
        ]


def _state(status: str | None, location: str | None, customer: str | None) -> str:
    if status is None:
        return ""
    return describe_state(status, location, customer).removeprefix("is ").removeprefix("was ")


def stock_by_location(store: Store, actor: Actor, *, sku: str | None = None) -> list[StockRow]:
    """On-hand quantity per item and location: in-stock units plus bulk levels."""
    require(actor, Permission.VIEW_STOCK)
    with store.read() as session:
        units = select(
            SerialUnit.item_id.label("item_id"),
            SerialUnit.location_id.label("location_id"),
            func.count().label("qty"),
        ).where(SerialUnit.status == UnitStatus.IN_STOCK.value)
        bulk = select(StockLevel.item_id, StockLevel.location_id, StockLevel.qty).where(
            StockLevel.qty > 0
        )
        if sku:
            item_id = get_item(session, sku, active=False).id
            units = units.where(SerialUnit.item_id == item_id)
            bulk = bulk.where(StockLevel.item_id == item_id)
        both = union_all(
            units.group_by(SerialUnit.item_id, SerialUnit.location_id), bulk
        ).subquery()
        rows = session.execute(
            select(Item.sku, Item.name, Location.name, func.sum(both.c.qty), Item.serialized)
            .join(Item, Item.id == both.c.item_id)
            .join(Location, Location.id == both.c.location_id)
            .group_by(Item.sku, Item.name, Location.name, Item.serialized)
            .order_by(Item.sku, Location.name)
        ).all()
        return [StockRow(r[0], r[1], r[2], int(r[3]), bool(r[4])) for r in rows]


def valuation(store: Store, actor: Actor) -> list[ValuationRow]:
    """Stock value by specific cost: each in-stock unit at its own cost, bulk at item cost."""
    require(actor, Permission.VIEW_COSTS)
    with store.read() as session:
        units = (
            select(
                SerialUnit.item_id.label("item_id"),
                func.count().label("qty"),
                func.sum(SerialUnit.cost).label("value"),
            )
            .where(SerialUnit.status == UnitStatus.IN_STOCK.value)
            .group_by(SerialUnit.item_id)
        )
        bulk = (
            select(
                StockLevel.item_id.label("item_id"),
                func.sum(StockLevel.qty).label("qty"),
                func.sum(StockLevel.qty * Item.cost).label("value"),
            )
            .join(Item, Item.id == StockLevel.item_id)
            .group_by(StockLevel.item_id)
        )
        both = union_all(units, bulk).subquery()
        rows = session.execute(
            select(Item.sku, Item.name, func.sum(both.c.qty), func.sum(both.c.value))
            .join(Item, Item.id == both.c.item_id)
            .group_by(Item.sku, Item.name)
            .having(func.sum(both.c.qty) > 0)
            .order_by(Item.sku)
        ).all()
        return [ValuationRow(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]


def list_items(store: Store, actor: Actor, *, include_inactive: bool = False) -> list[ItemRecord]:
    """Every item (a shop has hundreds to a few thousand: one list is fine)."""
    require(actor, Permission.VIEW_STOCK)
    with store.read() as session:
        query = select(Item).order_by(Item.sku)
        if not include_inactive:
            query = query.where(Item.active)
        return [item_record(i) for i in session.scalars(query)]


def list_locations(store: Store, actor: Actor) -> list[LocationRecord]:
    require(actor, Permission.VIEW_STOCK)
    with store.read() as session:
        query = select(Location).where(Location.active).order_by(Location.name)
        return [location_record(loc) for loc in session.scalars(query)]
