"""Receiving stock: serialized units (entered, ranged, CSV or generated) or a bulk quantity.

All or nothing: a clash with an existing serial saves none of the batch. A `submission`
token (one per dialog submission) makes a receipt idempotent: the same token again — a
double click, a retry after a lost answer — returns the first receipt and saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import Insert, bindparam, insert, literal, select
from sqlalchemy.orm import Session

from app.db.bulk import BulkInsert
from app.db.rows import core
from app.db.types import utcnow
from app.db.uow import Store, record
from app.errors import Conflict, InvalidInput
from app.ids import BatchId
from app.money import format_plain
from app.stock import serials as serial_entry
from app.stock.events import UnitsReceived
from app.stock.ledger import move_bulk
from app.stock.lifecycle import Move
from app.stock.lookups import DuplicateSerials, existing_keys, get_item, get_location
from app.stock.models import (
    Item,
    Location,
    Movement,
    ReceivingBatch,
    SerialUnit,
    SubmissionToken,
    UnitStatus,
)
from app.stock.records import ReceiveResult
from app.stock.serial_charsets import check_serials
from app.stock.serial_schemes import SerialScheme, generate
from app.stock.serials import SerialEntry, serial_key
from app.text import clean_text
from app.users.roles import Actor, Permission, require

MAX_QTY = 1_000_000


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


def _check_repeats(entries: Sequence[SerialEntry], keys: Sequence[str]) -> None:
    # The keys, computed once, answer "any repeat?"; only a refusal walks the entries
    # again to name the repeated serials as they were written.
    if len(set(keys)) != len(keys):
        raise DuplicateSerials("serials repeated in the input", serial_entry.duplicates(entries))
    tags = serial_entry.duplicate_asset_tags(entries)
    if tags:
        raise DuplicateSerials("asset tags repeated in the input", tags)


MAX_TOKEN = 64


def _already_received(
    session: Session, actor: Actor, submission: str | None
) -> ReceiveResult | None:
    """The receipt this submission token already made, if any (the token checked first)."""
    if submission is None:
        return None
    require(actor, Permission.RECEIVE)
    if not 8 <= len(submission) <= MAX_TOKEN:
        raise InvalidInput(f"a submission token has 8 to {MAX_TOKEN} characters")
    saved = session.get(SubmissionToken, submission)
    if saved is None:
        return None
    sku = session.get_one(Item, saved.item_id).sku
    where = session.get_one(Location, saved.location_id).name
    made: list[str] = []
    if saved.batch_id is not None:
        made = list(
            session.scalars(
                select(SerialUnit.serial)
                .where(SerialUnit.batch_id == saved.batch_id)
                .order_by(SerialUnit.id)
            )
        )
    batch = BatchId(saved.batch_id) if saved.batch_id is not None else None
    return ReceiveResult(batch, sku, where, saved.qty, made)


def _save_submission(session: Session, submission: str | None, result: ReceiveResult) -> None:
    if submission is None:
        return
    item = get_item(session, result.sku, active=False)
    location = get_location(session, result.location, active=False)
    session.add(
        SubmissionToken(
            token=submission,
            item_id=item.id,
            location_id=location.id,
            qty=result.qty,
            batch_id=result.batch_id,
        )
    )


def receive_serials(
    store: Store,
    actor: Actor,
    rcv: Receiving,
    entries: Sequence[SerialEntry],
    *,
    method: str,
    submission: str | None = None,
) -> ReceiveResult:
    """Receives serialized units from an entered list (list, range or CSV), all or nothing;
    the same `submission` again returns the first receipt."""
    with store.write() as session:
        done = _already_received(session, actor, submission)
        if done is not None:
            return done
        result = receive_serials_in(session, actor, rcv, entries, method=method)
        _save_submission(session, submission, result)
        return result


def receive_serials_in(
    session: Session, actor: Actor, rcv: Receiving, entries: Sequence[SerialEntry], *, method: str
) -> ReceiveResult:
    """receive_serials inside the caller's transaction (an expected delivery's confirmation
    marks its list received in the same transaction)."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    _check_entries(entries, rcv.expect)
    keys = [serial_key(e.serial) for e in entries]  # the one place each key is computed
    _check_repeats(entries, keys)
    item, location = _receiving_targets(session, rcv)
    # What the item's serials may contain (printable ASCII at the widest: a label's barcode
    # carries nothing else), refused here with the reason rather than at the label printer.
    check_serials(item.serial_charset, (e.serial for e in entries), sku=item.sku)
    clash = existing_keys(session, item.id, keys)
    if clash:
        taken = [e.serial for e, k in zip(entries, keys, strict=True) if k in clash]
        raise DuplicateSerials(f"{item.sku} already has serials", taken)
    batch_id = insert_units(session, actor, item, location, rcv, entries, method, keys=keys)
    record(session, UnitsReceived(item.sku, location.name, len(entries), batch_id))
    return ReceiveResult(
        BatchId(batch_id), item.sku, location.name, len(entries), [e.serial for e in entries]
    )


def generate_serials(
    store: Store, actor: Actor, rcv: Receiving, count: int, *, submission: str | None = None
) -> ReceiveResult:
    """Receives `count` units with serials made from the item's scheme (never colliding);
    the same `submission` again returns the first receipt."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    if rcv.expect is not None and rcv.expect != count:
        raise InvalidInput(f"expected {rcv.expect} serials, got {count}")
    with store.write() as session:
        done = _already_received(session, actor, submission)
        if done is not None:
            return done
        item, location = _receiving_targets(session, rcv)
        made = generate_for(session, item, count)
        entries = [SerialEntry(s) for s in made]
        batch_id = insert_units(session, actor, item, location, rcv, entries, "generate")
        record(session, UnitsReceived(item.sku, location.name, count, batch_id))
        result = ReceiveResult(BatchId(batch_id), item.sku, location.name, count, made)
        _save_submission(session, submission, result)
        return result


def generate_for(session: Session, item: Item, count: int) -> list[str]:
    scheme = SerialScheme(
        prefix=item.serial_prefix, digits=item.serial_digits, random=item.serial_random
    )
    made, next_number = generate(
        scheme,
        count,
        next_number=item.serial_next,
        taken=lambda keys: existing_keys(session, item.id, keys),
    )
    item.serial_next = next_number
    # The scheme was checked against the charset when saved; a scheme older than the
    # charset rule is caught here, before a unit is written.
    check_serials(item.serial_charset, made, sku=item.sku)
    return made


def _receiving_targets(session: Session, rcv: Receiving) -> tuple[Item, Location]:
    item = get_item(session, rcv.sku, lock=True)
    if not item.serialized:
        raise Conflict(f"{item.sku} is not serialized: receive a quantity instead")
    return item, get_location(session, rcv.location)


# A delivery's units are written this many at a time: one batch's rows are all this
# builds per unit, so writing 100,000 takes no more memory than writing 5,000.
UNIT_BATCH = 5_000

# Per unit only what differs (text and numbers, no bind processing); the rest is shared.
_UNIT_ROWS = BulkInsert(
    SerialUnit.__table__,  # type: ignore[arg-type]
    ("serial", "serial_key", "asset_tag", "cost"),
)


def insert_units(
    session: Session,
    actor: Actor,
    item: Item,
    location: Location,
    rcv: Receiving,
    entries: Sequence[SerialEntry],
    method: str,
    *,
    kind: Move = Move.RECEIVE,
    keys: Sequence[str] | None = None,
) -> int:
    """Writes the batch, its units and their ledger rows; `keys` are the entries' serial
    keys when the caller has them already."""
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
    connection = core(session)  # flushes the batch: its id is the units' batch_id
    cost = rcv.cost if rcv.cost is not None else item.cost
    own_cost = rcv.cost is None  # each CSV row's cost applies only without a given cost
    shared = {
        "item_id": item.id,
        "status": UnitStatus.IN_STOCK,
        "location_id": location.id,
        "received_at": now,
        "batch_id": batch.id,
        "supplier_warranty_end": supplier_end,
    }
    for start in range(0, len(entries), UNIT_BATCH):
        some = entries[start : start + UNIT_BATCH]
        some_keys = (
            keys[start : start + UNIT_BATCH]
            if keys is not None
            else [serial_key(e.serial) for e in some]
        )
        rows = (
            (e.serial, key, e.asset_tag, e.cost if own_cost and e.cost is not None else cost)
            for e, key in zip(some, some_keys, strict=True)
        )
        _UNIT_ROWS.write(connection, shared, rows)
    # The ledger rows come straight from the units just written: one statement, same tx.
    ledger = {"at": now, "user_id": actor.id, "batch": batch.id, "document": f"batch:{batch.id}"}
    connection.execute(_ledger_rows(kind), ledger)
    return batch.id


@cache
def _ledger_rows(kind: Move) -> Insert:
    """A batch's ledger rows, derived from its units in one INSERT … SELECT (built once
    for each kind of move)."""
    columns = Movement.__table__.c
    return insert(Movement).from_select(
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
            bindparam("at", type_=columns.at.type),
            bindparam("user_id", type_=columns.user_id.type),
            literal(kind.value),
            SerialUnit.item_id,
            SerialUnit.id,
            literal(1),
            SerialUnit.status,
            SerialUnit.location_id,
            bindparam("document", type_=columns.document.type),
        )
        .where(SerialUnit.batch_id == bindparam("batch"))
        .order_by(SerialUnit.id),
    )


def _supplier_warranty_end(now: datetime, days: int) -> date | None:
    return (now.date() + timedelta(days=days)) if days else None


def receive_quantity(
    store: Store, actor: Actor, rcv: Receiving, qty: int, *, submission: str | None = None
) -> ReceiveResult:
    """Receives a bulk (non-serialized) quantity at a location; the same `submission`
    again returns the first receipt."""
    require(actor, Permission.RECEIVE)
    _check_receiving(rcv)
    if not 1 <= qty <= MAX_QTY:
        raise InvalidInput(f"quantity must be between 1 and {MAX_QTY}")
    if rcv.expect is not None and rcv.expect != qty:
        raise InvalidInput(f"expected {rcv.expect}, got {qty}")
    with store.write() as session:
        done = _already_received(session, actor, submission)
        if done is not None:
            return done
        item = get_item(session, rcv.sku)
        if item.serialized:
            raise Conflict(f"{item.sku} is serialized: enter the serial of each unit")
        location = get_location(session, rcv.location)
        move_bulk(
            session,
            actor,
            item.id,
            qty,
            Move.RECEIVE,
            to_location_id=location.id,
            reason=f"cost {format_plain(rcv.cost)}" if rcv.cost is not None else None,
        )
        record(session, UnitsReceived(item.sku, location.name, qty, None))
        result = ReceiveResult(None, item.sku, location.name, qty)
        _save_submission(session, submission, result)
        return result
