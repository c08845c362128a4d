"""Recall look-up: an item's units by serial range, list, batch, supplier or receipt date,
with where each one is now — in stock, with a customer (contact, sale date, receipt) or
used as a part on a repair (the ticket from the ledger).

It lives in pos because it reads sales; stock may not import pos. A range is answered from
the (item_id, serial_key) index: serials in a range share the prefix and the width of
their number, so each width is one key interval, never a scan of the item's units.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import InvalidInput
from app.pos.models import Sale, SaleLine
from app.stock.lifecycle import Move
from app.stock.lookups import get_item
from app.stock.models import Location, Movement, ReceivingBatch, SerialUnit, UnitStatus
from app.stock.serials import MAX_RANGE, clean_serial, parse_range, serial_key
from app.users.roles import Actor, Permission, require

_CHUNK = 900
_NUMBER = re.compile(r"(.*?)([0-9]+)")


@dataclass(frozen=True)
class RecallQuery:
    """An item plus any of these; every one given must match (none: all the item's units)."""

    sku: str
    serial_range: str | None = None  # A...B, as receiving reads it
    serials: tuple[str, ...] = ()
    batch_id: int | None = None
    supplier: str | None = None
    received_from: date | None = None
    received_to: date | None = None  # inclusive


@dataclass(frozen=True)
class RecallRow:
    sku: str
    serial: str
    status: str
    location: str | None
    customer: str | None
    phone: str | None
    email: str | None
    sale_date: date | None
    receipt: str | None  # the sale number
    ticket: str | None  # the repair it went into as a part (status used)
    received_at: datetime
    batch_id: int | None
    supplier: str | None


@dataclass(frozen=True)
class _Range:
    prefix_key: str
    first: int
    last: int
    width: int  # of the start's number: the range pads every serial to it

    def holds(self, key: str) -> bool:
        """Exactly the keys parse_range would give (the key interval lets a few others in)."""
        rest = key[len(self.prefix_key) :]
        if not key.startswith(self.prefix_key) or not rest.isascii() or not rest.isdigit():
            return False
        return self.first <= int(rest) <= self.last and rest == f"{int(rest):0{self.width}d}"

    def intervals(self) -> list[tuple[str, str]]:
        """One (low, high) key interval per number width in the range."""
        low_width, high_width = self.width, max(self.width, len(str(self.last)))
        out = []
        for w in range(low_width, high_width + 1):
            lo = self.first if w == low_width else 10 ** (w - 1)
            hi = self.last if w == high_width else 10**w - 1
            out.append((f"{self.prefix_key}{lo:0{w}d}", f"{self.prefix_key}{hi:0{w}d}"))
        return out


def _parse(text: str, limit: int) -> _Range:
    entries = parse_range(text, limit=limit)  # the receiving rules, messages and limit
    first, last = entries[0].serial, entries[-1].serial
    start, end = _NUMBER.fullmatch(first), _NUMBER.fullmatch(last)
    assert start is not None and end is not None  # parse_range made them so
    digits = start.group(2)
    # The key of the whole serial less its digits: ASCII digits are the key's tail too.
    prefix = serial_key(first)[: -len(digits)]
    return _Range(prefix, int(digits), int(end.group(2)), len(digits))


def _base(item_id: int) -> Select:  # type: ignore[type-arg]
    return (
        select(
            SerialUnit.id,
            SerialUnit.serial,
            SerialUnit.serial_key,
            SerialUnit.status,
            Location.name,
            Customer.name,
            Customer.phone,
            Customer.email,
            SerialUnit.received_at,
            SerialUnit.batch_id,
            ReceivingBatch.supplier,
        )
        .outerjoin(Location, Location.id == SerialUnit.location_id)
        .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
        .outerjoin(ReceivingBatch, ReceivingBatch.id == SerialUnit.batch_id)
        .where(SerialUnit.item_id == item_id)
    )


def _batch_filters(q: RecallQuery, item_id: int) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if q.batch_id is not None:
        out.append(SerialUnit.batch_id == q.batch_id)
    if q.supplier is not None:
        batches = select(ReceivingBatch.id).where(
            ReceivingBatch.item_id == item_id,
            func.lower(ReceivingBatch.supplier) == q.supplier.strip().lower(),
        )
        out.append(SerialUnit.batch_id.in_(batches))
    if q.received_from is not None or q.received_to is not None:
        since = datetime.combine(q.received_from or date(1970, 1, 1), time())
        until = datetime.combine((q.received_to or date(9998, 12, 31)) + timedelta(days=1), time())
        # Through the item's batches (few) and the batch index: received_at has no index.
        batches = select(ReceivingBatch.id).where(
            ReceivingBatch.item_id == item_id, ReceivingBatch.at >= since, ReceivingBatch.at < until
        )
        out.append(SerialUnit.batch_id.in_(batches))
        out.append(and_(SerialUnit.received_at >= since, SerialUnit.received_at < until))
    return out


def _check(q: RecallQuery) -> None:
    if q.received_from and q.received_to and q.received_to < q.received_from:
        raise InvalidInput("the received date range must run from the earlier date to the later")
    if q.supplier is not None and not q.supplier.strip():
        raise InvalidInput("supplier is empty")


def _unit_rows(session: Session, q: RecallQuery, item_id: int, limit: int) -> list[tuple]:  # type: ignore[type-arg]
    query = _base(item_id).where(*_batch_filters(q, item_id))
    if q.serial_range is not None:
        wanted = _parse(q.serial_range, limit)
        keyed = [
            and_(SerialUnit.serial_key >= lo, SerialUnit.serial_key <= hi)
            for lo, hi in wanted.intervals()
        ]
        rows = session.execute(query.where(or_(*keyed)).order_by(SerialUnit.serial_key)).all()
        return [r for r in rows if wanted.holds(r[2])]
    if q.serials:
        keys = sorted({serial_key(clean_serial(s)) for s in q.serials})
        rows = []
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            rows.extend(session.execute(query.where(SerialUnit.serial_key.in_(chunk))).all())
        return sorted(rows, key=lambda r: r[2])
    return list(session.execute(query.order_by(SerialUnit.serial_key)).all())


def _by_unit(session: Session, query: Select, ids: Sequence[int]) -> dict[int, tuple]:  # type: ignore[type-arg]
    """The last row per unit of a (unit_id, ...) query, asked in chunks of ids."""
    found: dict[int, tuple] = {}  # type: ignore[type-arg]
    for start in range(0, len(ids), _CHUNK):
        for row in session.execute(
            query.where(query.selected_columns[0].in_(ids[start : start + _CHUNK]))
        ):
            found[row[0]] = tuple(row[1:])
    return found


_SALES = (
    select(SaleLine.unit_id, Sale.business_day, Sale.number)
    .join(Sale, Sale.id == SaleLine.sale_id)
    .order_by(Sale.id)
)
_USES = (
    select(Movement.unit_id, Movement.document)
    .where(Movement.kind == Move.USE.value)
    .order_by(Movement.id)
)


def recall_units(
    store: Store, actor: Actor, q: RecallQuery, *, range_limit: int = MAX_RANGE
) -> list[RecallRow]:
    """Every unit of the item matching the query, by serial, with its buyer or its ticket."""
    require(actor, Permission.RECALL)
    _check(q)
    with store.read() as session:
        item = get_item(session, q.sku, active=False)
        units = _unit_rows(session, q, item.id, range_limit)
        sold = [u[0] for u in units if u[3] == UnitStatus.SOLD]
        used = [u[0] for u in units if u[3] == UnitStatus.USED]
        sales, uses = _by_unit(session, _SALES, sold), _by_unit(session, _USES, used)
        out = []
        for (
            uid,
            serial,
            _key,
            status,
            location,
            customer,
            phone,
            email,
            received,
            batch,
            supplier,
        ) in units:
            day, receipt = sales.get(uid, (None, None))
            (ticket,) = uses.get(uid, (None,))
            out.append(
                RecallRow(
                    item.sku,
                    serial,
                    status,
                    location,
                    customer,
                    phone or None,
                    email or None,
                    day,
                    receipt,
                    ticket,
                    received,
                    batch,
                    supplier,
                )
            )
        return out
