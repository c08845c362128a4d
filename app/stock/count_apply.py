"""Finishing a count shows its variance; applying it (after confirmation) writes it.

Applying is one transaction: missing units are written off ("missing at count", with a
manager's approval), units in stock elsewhere are moved here, written-off units found on
the shelf come back into stock, bulk differences are adjusted, all through the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store, record
from app.errors import Conflict
from app.stock.count_records import (
    CountApplied,
    CountedUnit,
    CountVariance,
    QuantityDifference,
)
from app.stock.counts import APPLIED, load_count, tally_of
from app.stock.events import UnitsMoved
from app.stock.ledger import UnitState, change_bulk, load_unit_states, move_unit
from app.stock.lifecycle import Move, describe_state
from app.stock.models import Item, Location, Movement, SerialUnit, StockLevel, UnitStatus
from app.stock.session_models import CountQuantity, CountScan
from app.users import audit
from app.users.roles import Actor, Permission, require, require_approval
from app.users.standing import require_active

MISSING_REASON = "missing at count"
_CHUNK = 900


def _states(session: Session, ids: Sequence[int]) -> list[UnitState]:
    out: list[UnitState] = []
    for start in range(0, len(ids), _CHUNK):
        out.extend(load_unit_states(session, list(ids[start : start + _CHUNK])))
    return out


def _counted(states: Iterable[UnitState], skus: dict[int, str]) -> list[CountedUnit]:
    return [
        CountedUnit(
            skus[s.item_id], s.serial, s.status, s.location,
            describe_state(s.status, s.location, s.customer),
        )
        for s in states
    ]  # fmt: skip


def _missing_ids(session: Session, count_id: int, location_id: int) -> list[int]:
    scanned = exists().where(CountScan.session_id == count_id, CountScan.unit_id == SerialUnit.id)
    return list(
        session.scalars(
            select(SerialUnit.id)
            .where(
                SerialUnit.location_id == location_id,
                SerialUnit.status == UnitStatus.IN_STOCK.value,
                ~scanned,
            )
            .order_by(SerialUnit.id)
        )
    )


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


def _variance(session: Session, count_id: int) -> tuple[CountVariance, dict[str, list[UnitState]]]:
    count = load_count(session, count_id)
    location = session.get_one(Location, count.location_id)
    scans = session.execute(
        select(CountScan.unit_id, CountScan.serial, CountScan.verdict)
        .where(CountScan.session_id == count.id)
        .order_by(CountScan.id)
    ).all()
    unknown = [serial for unit_id, serial, _ in scans if unit_id is None]
    # States are read now, not at scan time: a unit sold since it was scanned is not moved.
    scanned = _states(session, [unit_id for unit_id, _, _ in scans if unit_id is not None])
    missing = _states(session, _missing_ids(session, count.id, location.id))
    groups: dict[str, list[UnitState]] = {"missing": missing, "here": [], "found": [], "not": []}
    for state in scanned:
        if state.status == UnitStatus.IN_STOCK and state.location_id != location.id:
            groups["here"].append(state)
        elif state.status == UnitStatus.ADJUSTED_OUT:
            groups["found"].append(state)
        elif state.status != UnitStatus.IN_STOCK:
            groups["not"].append(state)
    ids = {s.item_id for states in groups.values() for s in states}
    skus: dict[int, str] = {
        i: s for i, s in session.execute(select(Item.id, Item.sku).where(Item.id.in_(ids)))
    }
    variance = CountVariance(
        tally=tally_of(count, location.name),
        missing=_counted(groups["missing"], skus),
        moved_here=_counted(groups["here"], skus),
        found=_counted(groups["found"], skus),
        not_moved=_counted(groups["not"], skus),
        unknown=unknown,
        quantities=_quantities(session, count.id, location.id),
    )
    return variance, groups


def finish_count(store: Store, actor: Actor, count_id: int) -> CountVariance:
    """The count's variance as the store stands now; nothing is written (scanning may go on)."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        return _variance(session, count_id)[0]


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
        variance, groups = _variance(session, count.id)
        approved = None
        if groups["missing"]:
            approved = require_approval(actor, approver, Permission.WRITE_OFF)
        require_active(session, actor, approved)
        document = f"count:{count.id}"
        here = count.location_id
        for state in groups["missing"]:
            move_unit(session, actor, state, Move.COUNT_MISSING, to_location_id=None,
                      document=document, reason=MISSING_REASON)  # fmt: skip
        for state in groups["here"]:
            move_unit(session, actor, state, Move.TRANSFER, to_location_id=here,
                      document=document, reason="found at count")  # fmt: skip
        for state in groups["found"]:
            move_unit(session, actor, state, Move.COUNT_FOUND, to_location_id=here,
                      document=document, reason="found at count")  # fmt: skip
        moved = len(groups["missing"]) + len(groups["here"]) + len(groups["found"])
        moved += _adjust_quantities(session, actor, here, variance.quantities, document)
        count.status, count.applied_at, count.applied_by = APPLIED, utcnow(), actor.id
        audit.record(
            session, actor, "count.apply", variance.tally.location,
            f"count {count.id}: {len(variance.missing)} missing, "
            f"{len(variance.moved_here) + len(variance.found)} moved in, "
            f"{len(variance.unknown)} unknown", approver=approved,
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
