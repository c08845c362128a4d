"""Receiving against the supplier's expected list: import it, tick serials by scanning,
confirm to receive only the ticked ones (the missing ones are reported).

The list is kept in the store, so a half-checked delivery survives a restart. A tick is
one indexed look-up of (delivery, serial key) and one update: flat whatever the list size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.stock import serials as serial_entry
from app.stock.lookups import DuplicateSerials, existing_keys, get_item, get_location
from app.stock.models import Item, Location
from app.stock.receiving import Receiving, receive_serials_in
from app.stock.records import ReceiveResult
from app.stock.serial_charsets import check_serials
from app.stock.serials import SerialEntry, clean_serial, serial_key
from app.stock.session_models import ExpectedDelivery, ExpectedSerial
from app.text import clean_text
from app.users.roles import Actor, Permission, require
from app.users.standing import require_active

OPEN, RECEIVED = "open", "received"


class TickVerdict(StrEnum):
    TICKED = "ticked"
    NOT_ON_LIST = "not_on_list"  # flagged at once: a stray the supplier did not list
    ALREADY_TICKED = "already_ticked"  # scanned twice


@dataclass(frozen=True)
class ExpectedDeliveryRecord:
    id: int
    sku: str
    location: str
    supplier: str | None
    status: str  # open | received
    listed: int
    ticked: int

    @property
    def missing(self) -> int:
        return self.listed - self.ticked


@dataclass(frozen=True)
class TickResult:
    serial: str
    verdict: TickVerdict
    message: str
    delivery: ExpectedDeliveryRecord


@dataclass(frozen=True)
class ExpectedConfirmed:
    delivery: ExpectedDeliveryRecord
    received: ReceiveResult
    missing: list[str]  # listed but never scanned: not received


def _record(session: Session, d: ExpectedDelivery) -> ExpectedDeliveryRecord:
    sku = session.get_one(Item, d.item_id).sku
    location = session.get_one(Location, d.location_id).name
    return ExpectedDeliveryRecord(d.id, sku, location, d.supplier, d.status, d.listed, d.ticked)


def _load(session: Session, delivery_id: int, *, lock: bool = False) -> ExpectedDelivery:
    query = select(ExpectedDelivery).where(ExpectedDelivery.id == delivery_id)
    found = session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise NotFound(f"no expected delivery number {delivery_id}")
    return found


def _open(session: Session, delivery_id: int) -> ExpectedDelivery:
    delivery = _load(session, delivery_id, lock=True)
    if delivery.status != OPEN:
        raise Conflict(f"expected delivery {delivery.id} was already received")
    return delivery


def import_expected(
    store: Store, actor: Actor, rcv: Receiving, entries: Sequence[SerialEntry]
) -> ExpectedDeliveryRecord:
    """Saves the supplier's list (parsed by app.stock.serials: paste or CSV) to tick off.
    Repeats in the list, or serials the item already has, are named and nothing is saved."""
    require(actor, Permission.RECEIVE)
    if not entries:
        raise InvalidInput("the supplier's list has no serials")
    if len(entries) > serial_entry.MAX_SERIALS:
        raise InvalidInput(f"a list of {len(entries):,} serials is over the limit")
    repeated = serial_entry.duplicates(entries)
    if repeated:
        raise DuplicateSerials("serials repeated in the supplier's list", repeated)
    supplier = clean_text(rcv.supplier or "", field="supplier", max_length=120, required=False)
    with store.write() as session:
        require_active(session, actor)
        item, location = get_item(session, rcv.sku), get_location(session, rcv.location)
        if not item.serialized:
            raise Conflict(f"{item.sku} is not serialized: receive a quantity instead")
        check_serials(item.serial_charset, (e.serial for e in entries), sku=item.sku)
        keys = [serial_key(e.serial) for e in entries]
        clash = existing_keys(session, item.id, keys)
        if clash:
            taken = [e.serial for e, k in zip(entries, keys, strict=True) if k in clash]
            raise DuplicateSerials(f"{item.sku} already has serials", taken)
        delivery = ExpectedDelivery(
            at=utcnow(), user_id=actor.id, item_id=item.id, location_id=location.id,
            supplier=supplier or None, cost=rcv.cost,
            supplier_warranty_days=rcv.supplier_warranty_days, status=OPEN,
            listed=len(entries), ticked=0,
        )  # fmt: skip
        session.add(delivery)
        session.flush()
        rows = [
            {"delivery_id": delivery.id, "position": n, "serial": e.serial, "serial_key": k,
             "asset_tag": e.asset_tag, "cost": e.cost}
            for n, (e, k) in enumerate(zip(entries, keys, strict=True), start=1)
        ]  # fmt: skip
        session.execute(insert(ExpectedSerial), rows)
        return _record(session, delivery)


def tick_expected(store: Store, actor: Actor, delivery_id: int, code: str) -> TickResult:
    """Ticks one scanned serial; a serial not on the list or scanned twice is flagged."""
    require(actor, Permission.RECEIVE)
    serial = clean_serial(code)
    with store.write() as session:
        delivery = _open(session, delivery_id)
        line = session.scalar(
            select(ExpectedSerial).where(
                ExpectedSerial.delivery_id == delivery.id,
                ExpectedSerial.serial_key == serial_key(serial),
            )
        )
        if line is None:
            verdict, message = TickVerdict.NOT_ON_LIST, f"{serial} is not on the supplier's list"
        elif line.ticked_at is not None:
            verdict, message = TickVerdict.ALREADY_TICKED, f"{line.serial} was already scanned"
        else:
            line.ticked_at = utcnow()
            delivery.ticked += 1
            verdict, message = TickVerdict.TICKED, f"{line.serial} ticked"
        return TickResult(serial, verdict, message, _record(session, delivery))


def expected_delivery(store: Store, actor: Actor, delivery_id: int) -> ExpectedDeliveryRecord:
    """One expected delivery with its ticked count (to resume checking it)."""
    require(actor, Permission.RECEIVE)
    with store.read() as session:
        return _record(session, _load(session, delivery_id))


def open_deliveries(store: Store, actor: Actor) -> list[ExpectedDeliveryRecord]:
    """Expected deliveries imported and not yet received."""
    require(actor, Permission.RECEIVE)
    with store.read() as session:
        rows = session.scalars(
            select(ExpectedDelivery)
            .where(ExpectedDelivery.status == OPEN)
            .order_by(ExpectedDelivery.id)
        )
        return [_record(session, d) for d in rows]


def _lines(session: Session, delivery_id: int, *, ticked: bool) -> list[ExpectedSerial]:
    flag = ExpectedSerial.ticked_at.is_not(None) if ticked else ExpectedSerial.ticked_at.is_(None)
    return list(
        session.scalars(
            select(ExpectedSerial)
            .where(ExpectedSerial.delivery_id == delivery_id, flag)
            .order_by(ExpectedSerial.position)
        )
    )


def unticked_serials(store: Store, actor: Actor, delivery_id: int) -> list[str]:
    """Serials on the list not scanned yet, in the list's order."""
    require(actor, Permission.RECEIVE)
    with store.read() as session:
        return [
            line.serial for line in _lines(session, _load(session, delivery_id).id, ticked=False)
        ]


def confirm_expected(store: Store, actor: Actor, delivery_id: int) -> ExpectedConfirmed:
    """Receives only the ticked serials (through the receiving service, same transaction)
    and reports the missing ones; a delivery is confirmed once."""
    require(actor, Permission.RECEIVE)
    with store.write() as session:
        require_active(session, actor)
        delivery = _open(session, delivery_id)
        ticked = _lines(session, delivery.id, ticked=True)
        if not ticked:
            raise InvalidInput(f"nothing on expected delivery {delivery.id} was scanned yet")
        here = _record(session, delivery)
        rcv = Receiving(
            sku=here.sku, location=here.location, cost=delivery.cost,
            supplier_warranty_days=delivery.supplier_warranty_days, supplier=delivery.supplier,
        )  # fmt: skip
        entries = [SerialEntry(t.serial, t.asset_tag, t.cost) for t in ticked]
        received = receive_serials_in(session, actor, rcv, entries, method="expected")
        delivery.status, delivery.batch_id = RECEIVED, received.batch_id
        missing = [line.serial for line in _lines(session, delivery.id, ticked=False)]
        return ExpectedConfirmed(_record(session, delivery), received, missing)
