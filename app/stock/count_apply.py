"""Finishing a count shows its variance; applying it (after confirmation) writes it.

The variance is worked out in SQL: each group's size is counted by the store and only its
first few units are read, the rest a page at a time (`variance_page`), so a shelf with
100,000 units missing never sits in memory at once. Applying is one transaction that
walks each group a page at a time: missing units are written off ("missing at count", with
a manager's approval), units in stock elsewhere are moved here, written-off units found on
the shelf come back into stock, bulk differences are adjusted, all through the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store, record
from app.errors import Conflict
from app.stock.count_records import (
    CountApplied,
    CountedUnit,
    CountVariance,
    Listed,
    QuantityDifference,
    VarianceKind,
    VariancePage,
)
from app.stock.counts import APPLIED, load_count, tally_of
from app.stock.events import UnitsMoved
from app.stock.ledger import UnitState, change_bulk, move_unit, unit_state_query
from app.stock.lifecycle import Move, describe_state
from app.stock.models import Item, Location, Movement, SerialUnit, StockLevel, UnitStatus
from app.stock.session_models import CountQuantity, CountScan, CountSession
from app.users import audit
from app.users.roles import Actor, Permission, require, require_approval
from app.users.standing import require_active

MISSING_REASON = "missing at count"
SHOWN = 25  # units of each group read with the variance; the rest page in
PAGE = 500  # units read at a time when listing or applying a group
K = VarianceKind
_IN_STOCK, _WRITTEN_OFF = UnitStatus.IN_STOCK.value, UnitStatus.ADJUSTED_OUT.value


def _scanned_kind(location_id: int) -> Any:
    """What a scanned unit's state, read now, makes of it (None: it is where it belongs)."""
    return case(
        (CountScan.unit_id.is_(None), K.UNKNOWN.value),
        (
            and_(SerialUnit.status == _IN_STOCK, SerialUnit.location_id != location_id),
            K.MOVED_HERE.value,
        ),
        (SerialUnit.status == _WRITTEN_OFF, K.FOUND.value),
        (SerialUnit.status != _IN_STOCK, K.NOT_MOVED.value),
        else_=None,
    )


def _missing_where(count: CountSession) -> Any:
    scanned = exists().where(CountScan.session_id == count.id, CountScan.unit_id == SerialUnit.id)
    return and_(
        SerialUnit.location_id == count.location_id, SerialUnit.status == _IN_STOCK, ~scanned
    )


def _page(
    session: Session, count: CountSession, kind: VarianceKind, after: int, limit: int
) -> list[tuple[int, UnitState | None, str, str]]:
    """(order key, unit state, SKU, serial) of one group, in order, after `after`.
    Missing units go by unit id; scanned ones in the order they were scanned."""
    if kind is K.MISSING:
        query = (
            unit_state_query()
            .add_columns(Item.sku, SerialUnit.id)
            .join(Item, Item.id == SerialUnit.item_id)
            .where(_missing_where(count), SerialUnit.id > after)
            .order_by(SerialUnit.id)
        )
    elif kind is K.UNKNOWN:  # no unit, no SKU: the serial as scanned
        unknown = session.execute(
            select(CountScan.id, CountScan.serial)
            .where(CountScan.session_id == count.id, CountScan.unit_id.is_(None))
            .where(CountScan.id > after)
            .order_by(CountScan.id)
            .limit(limit)
        ).all()
        return [(key, None, "", serial) for key, serial in unknown]
    else:
        query = (
            unit_state_query()
            .add_columns(Item.sku, CountScan.id)
            .join(CountScan, CountScan.unit_id == SerialUnit.id)
            .join(Item, Item.id == SerialUnit.item_id)
            .where(CountScan.session_id == count.id, CountScan.id > after)
            .where(_scanned_kind(count.location_id) == kind.value)
            .order_by(CountScan.id)
        )
    rows = session.execute(query.limit(limit)).all()
    return [(row[9], UnitState(*row[:8]), row[8], row[2]) for row in rows]


def _counted(state: UnitState, sku: str) -> CountedUnit:
    where = describe_state(state.status, state.location, state.customer)
    return CountedUnit(sku, state.serial, state.status, state.location, where)


def _totals(session: Session, count: CountSession) -> dict[VarianceKind, int]:
    kind = _scanned_kind(count.location_id)
    rows = session.execute(
        select(kind, func.count())
        .select_from(CountScan)
        .outerjoin(SerialUnit, SerialUnit.id == CountScan.unit_id)
        .where(CountScan.session_id == count.id)
        .group_by(kind)
    ).all()
    totals = {K(name): n for name, n in rows if name is not None}
    missing = session.scalar(
        select(func.count()).select_from(SerialUnit).where(_missing_where(count))
    )
    totals[K.MISSING] = int(missing or 0)
    return totals


def _quantities(session: Session, count_id: int, location_id: int) -> list[QuantityDifference]:
    rows = session.execute(
        select(Item.sku, Item.name, StockLevel.qty, CountQuantity.qty)
        .join(Item, Item.id == CountQuantity.item_id)
        .outerjoin(
            StockLevel,
            (StockLevel.item_id == CountQuantity.item_id) & (StockLevel.location_id == location_id),
        )
        .where(CountQuantity.session_id == count_id)
        .order_by(Item.sku)
    ).all()
    return [
        QuantityDifference(sku, name, on_record or 0, counted)
        for sku, name, on_record, counted in rows
    ]


def _variance(session: Session, count: CountSession) -> CountVariance:
    location = session.get_one(Location, count.location_id)
    totals = _totals(session, count)

    def units(kind: VarianceKind) -> Listed[CountedUnit]:
        first = _page(session, count, kind, 0, SHOWN) if totals.get(kind) else []
        return Listed(totals.get(kind, 0), tuple(_counted(s, sku) for _, s, sku, _ in first if s))

    unknown = _page(session, count, K.UNKNOWN, 0, SHOWN) if totals.get(K.UNKNOWN) else []
    # States are read now, not at scan time: a unit sold since it was scanned is not moved.
    return CountVariance(
        tally=tally_of(count, location.name),
        missing=units(K.MISSING),
        moved_here=units(K.MOVED_HERE),
        found=units(K.FOUND),
        not_moved=units(K.NOT_MOVED),
        unknown=Listed(totals.get(K.UNKNOWN, 0), tuple(serial for *_, serial in unknown)),
        quantities=_quantities(session, count.id, location.id),
    )


def finish_count(store: Store, actor: Actor, count_id: int) -> CountVariance:
    """The count's variance as the store stands now; nothing is written (scanning may go on).
    Each group comes with its size and its first units: `variance_page` lists the rest."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        return _variance(session, load_count(session, count_id))


def variance_page(
    store: Store,
    actor: Actor,
    count_id: int,
    kind: VarianceKind,
    *,
    after: int = 0,
    limit: int = PAGE,
) -> VariancePage:
    """One page of a variance group, as the store stands now (the next from `next_after`)."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        rows = _page(session, load_count(session, count_id), kind, after, limit)
    units = [
        _counted(state, sku) if state else CountedUnit("", serial, kind.value, None, "unknown")
        for _, state, sku, serial in rows
    ]
    return VariancePage(units, rows[-1][0] if len(rows) == limit else None)


def _walk(session: Session, count: CountSession, kind: VarianceKind) -> Iterator[UnitState]:
    """Every unit of a group, a page at a time (the pages are read as the walk goes on)."""
    after = 0
    while True:
        rows = _page(session, count, kind, after, PAGE)
        for _, state, _sku, _serial in rows:
            assert state is not None
            yield state
        if len(rows) < PAGE:
            return
        after = rows[-1][0]


def apply_count(
    store: Store, actor: Actor, count_id: int, *, approver: Actor | None = None
) -> CountApplied:
    """Writes the variance, all in one transaction; a count is applied once. Writing off
    missing units needs a manager's approval (a manager counting approves themselves)."""
    require(actor, Permission.COUNT_STOCK)
    with store.write() as session:
        count = load_count(session, count_id, lock=True)
        if count.status == APPLIED:
            raise Conflict(f"count {count.id} was already applied")
        variance = _variance(session, count)
        approved = None
        if variance.missing.total:
            approved = require_approval(actor, approver, Permission.WRITE_OFF)
        require_active(session, actor, approved)
        document = f"count:{count.id}"
        here = count.location_id
        moves = (
            (K.MISSING, Move.COUNT_MISSING, None, MISSING_REASON),
            (K.MOVED_HERE, Move.TRANSFER, here, "found at count"),
            (K.FOUND, Move.COUNT_FOUND, here, "found at count"),
        )
        moved = 0
        for kind, move, to_location, reason in moves:
            # A page is read, then moved: the units moved no longer match the next page's
            # query, and the walk goes on from the last key, so none is moved twice.
            for state in _walk(session, count, kind):
                move_unit(session, actor, state, move, to_location_id=to_location,
                          document=document, reason=reason)  # fmt: skip
                moved += 1
        moved += _adjust_quantities(session, actor, here, variance.quantities, document)
        count.status, count.applied_at, count.applied_by = APPLIED, utcnow(), actor.id
        audit.record(
            session, actor, "count.apply", variance.tally.location,
            f"count {count.id}: {variance.missing.total} missing, "
            f"{variance.moved_here.total + variance.found.total} moved in, "
            f"{variance.unknown.total} unknown", approver=approved,
        )  # fmt: skip
        if moved:
            record(session, UnitsMoved(kind="count", count=moved))
        applied = replace(variance, tally=tally_of(count, variance.tally.location))
        return CountApplied(applied, approved.name if approved else None)


def _adjust_quantities(
    session: Session, actor: Actor, location_id: int, rows: list[QuantityDifference], document: str
) -> int:
    changed = 0
    for row in rows:
        if not row.difference:
            continue
        item_id = session.scalars(select(Item.id).where(Item.sku == row.sku)).one()
        change_bulk(session, item_id, location_id, row.difference)
        found = row.difference > 0
        session.add(
            Movement(
                user_id=actor.id,
                kind=(Move.COUNT_FOUND if found else Move.COUNT_MISSING).value,
                item_id=item_id,
                qty=row.difference,
                from_location_id=None if found else location_id,
                to_location_id=location_id if found else None,
                document=document,
                reason="counted" if found else MISSING_REASON,
            )
        )
        changed += 1
    return changed
