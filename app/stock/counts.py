"""Physical count of a location: start, scan serials, count bulk quantities, resume.

Each scan costs the same whatever the count's size: one read (the count, the serial's units
and an earlier scan of it, by index), one row added and the session's running totals
bumped. Nothing ever counts or re-reads the scans made before. Finishing and applying:
`count_apply`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, insert, select, true, update
from sqlalchemy.orm import Session, aliased

from app.customers.models import Customer
from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.stock.count_records import CountScanResult, CountTally, ScanVerdict
from app.stock.ledger import UnitState
from app.stock.lifecycle import describe_state
from app.stock.lookups import get_item, get_location
from app.stock.models import Item, Location, SerialUnit, UnitStatus
from app.stock.receiving import MAX_QTY
from app.stock.serials import clean_serial, serial_key
from app.stock.session_models import CountQuantity, CountScan, CountSession
from app.users.models import User
from app.users.roles import Actor, Permission, require
from app.users.standing import require_active

OPEN, APPLIED = "open", "applied"


def tally_of(count: CountSession, location: str) -> CountTally:
    return _tally(count.id, location, count.status, count.expected, count.found, count.unexpected)


def _tally(
    count_id: int, location: str, status: str, expected: int, found: int, unexpected: int
) -> CountTally:
    missing = max(0, expected - found)  # a unit received mid-count may be found
    return CountTally(count_id, location, status, expected, found + unexpected, missing, unexpected)


def _in_stock_at(session: Session, location_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(SerialUnit)
            .where(
                SerialUnit.location_id == location_id,
                SerialUnit.status == UnitStatus.IN_STOCK.value,
            )
        )
        or 0
    )


def load_count(session: Session, count_id: int, *, lock: bool = False) -> CountSession:
    query = select(CountSession).where(CountSession.id == count_id)
    count = session.scalar(query.with_for_update() if lock else query)
    if count is None:
        raise NotFound(f"no count number {count_id}")
    return count


def _open_count(session: Session, count_id: int) -> tuple[CountSession, str]:
    count = load_count(session, count_id, lock=True)
    location = session.get_one(Location, count.location_id).name
    if count.status != OPEN:
        raise Conflict(f"count {count.id} of {location} was applied; start a new one")
    return count, location


def start_count(store: Store, actor: Actor, location: str) -> CountTally:
    """Opens a count of a location; refused while another count of it is open (resume it)."""
    require(actor, Permission.COUNT_STOCK)
    with store.write() as session:
        require_active(session, actor)
        place = get_location(session, location)
        already = session.scalar(
            select(CountSession.id).where(
                CountSession.location_id == place.id, CountSession.status == OPEN
            )
        )
        if already is not None:
            raise Conflict(f"count {already} of {place.name} is still open: resume it")
        count = CountSession(
            location_id=place.id,
            user_id=actor.id,
            started_at=utcnow(),
            status=OPEN,
            expected=_in_stock_at(session, place.id),
            found=0,
            unexpected=0,
        )
        session.add(count)
        session.flush()
        return tally_of(count, place.name)


def open_counts(store: Store, actor: Actor) -> list[CountTally]:
    """Counts that were started and not applied, to resume one."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        rows = session.execute(
            select(CountSession, Location.name)
            .join(Location, Location.id == CountSession.location_id)
            .where(CountSession.status == OPEN)
            .order_by(CountSession.id)
        ).all()
        return [tally_of(count, name) for count, name in rows]


def count_tally(store: Store, actor: Actor, count_id: int) -> CountTally:
    """The live tally of a count (to resume it, or after the window reopens)."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        count = load_count(session, count_id)
        return tally_of(count, session.get_one(Location, count.location_id).name)


def _pick_unit(units: list[UnitState], location_id: int, serial: str) -> UnitState | None:
    """The unit a scanned serial means: the one in stock here if several items share it."""
    if len(units) <= 1:
        return units[0] if units else None
    here = [u for u in units if u.location_id == location_id]
    if len(here) == 1:
        return here[0]
    raise Conflict(f"serial {serial} exists under several items; scan it with its SKU")


def _verdict(unit: UnitState | None, location_id: int) -> ScanVerdict:
    if unit is None:
        return ScanVerdict.UNKNOWN
    if unit.status != UnitStatus.IN_STOCK:
        return ScanVerdict.OTHER_STATUS
    if unit.location_id != location_id:
        return ScanVerdict.OTHER_LOCATION
    return ScanVerdict.EXPECTED


def _message(serial: str, unit: UnitState | None, verdict: ScanVerdict, again: bool) -> str:
    if unit is None:
        what = f"{serial}: unknown serial, to be received"
    else:
        state = describe_state(unit.status, unit.location, unit.customer)
        what = f"{unit.serial} {state}" + (
            "" if verdict is ScanVerdict.EXPECTED else ": unexpected"
        )
    return f"{what} (already scanned: counted once)" if again else what


def _scan_query(*, of_item: bool) -> Any:
    """Everything a scan needs, in one statement built once: the count, whether the scanner
    is still an active user, every unit with the serial (with its place, its buyer and its SKU) and
    the verdict of an earlier scan of it into this count. A serial no unit has still gives
    the count's row, its unit columns empty. `of_item`: only the units of one item."""
    unit_place, scan = aliased(Location), aliased(CountScan)
    active = select(User.active).where(User.id == bindparam("actor_id")).scalar_subquery()
    earlier_unit = (
        select(scan.verdict)
        .where(scan.session_id == CountSession.id, scan.unit_id == SerialUnit.id)
        .limit(1)
        .scalar_subquery()
    )
    earlier_unknown = (
        select(scan.verdict)
        .where(
            scan.session_id == CountSession.id,
            scan.serial_key == bindparam("key"),
            scan.unit_id.is_(None),
        )
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            CountSession.status,
            CountSession.location_id,
            Location.name,
            CountSession.expected,
            CountSession.found,
            CountSession.unexpected,
            active,
            SerialUnit.id,
            SerialUnit.item_id,
            SerialUnit.serial,
            SerialUnit.status,
            SerialUnit.location_id,
            unit_place.name,
            SerialUnit.customer_id,
            Customer.name,
            Item.sku,
            earlier_unit,
            earlier_unknown,
        )
        .join(Location, Location.id == CountSession.location_id)
        .outerjoin(
            SerialUnit,
            (SerialUnit.serial_key == bindparam("key"))
            & (SerialUnit.item_id == bindparam("item_id") if of_item else true()),
        )
        .outerjoin(unit_place, unit_place.id == SerialUnit.location_id)
        .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
        .outerjoin(Item, Item.id == SerialUnit.item_id)
        .where(CountSession.id == bindparam("count_id"))
    )


# Built once: building the statement would cost more than running it.
_SCAN = _scan_query(of_item=False)
_SCAN_OF_ITEM = _scan_query(of_item=True)
# Two tills' scans of one count take turns: SQLite's write lock (BEGIN IMMEDIATE) does it
# there; on PostgreSQL the count's row is locked first, by a statement of its own, so the
# read after it sees the other till's scan (one statement's snapshot would not).
_TAKE_TURN = (
    select(CountSession.id).where(CountSession.id == bindparam("count_id")).with_for_update()
)
_ADD_SCAN = insert(CountScan)
_BUMP = (
    update(CountSession)
    .where(CountSession.id == bindparam("count_id"))
    .values(
        found=CountSession.found + bindparam("found"),
        unexpected=CountSession.unexpected + bindparam("unexpected"),
    )
)


def scan_count(
    store: Store, actor: Actor, count_id: int, code: str, *, sku: str | None = None
) -> CountScanResult:
    """Scans one serial into an open count and returns what it is with the live tally.
    A second scan of the same unit changes nothing and says so.

    Three statements whatever the count's size (four on PostgreSQL, the count locked
    first): one read of the count, the scanner and the serial's units; one row added; the
    running totals bumped."""
    require(actor, Permission.COUNT_STOCK)
    serial = clean_serial(code)
    key = serial_key(serial)
    with store.write() as session:
        conn = session.connection()
        params: dict[str, object] = {"count_id": count_id, "actor_id": actor.id, "key": key}
        if sku:
            params["item_id"] = get_item(session, sku, active=False).id
        if not store.is_sqlite:
            conn.execute(_TAKE_TURN, params)
        rows = conn.execute(_SCAN_OF_ITEM if sku else _SCAN, params).all()
        if not rows:
            raise NotFound(f"no count number {count_id}")
        status, here, location, expected, found, unexpected, active = rows[0][:7]
        if not active:
            raise PermissionDenied(f"user {actor.name!r} is deactivated")
        if status != OPEN:
            raise Conflict(f"count {count_id} of {location} was applied; start a new one")
        units = {UnitState(*row[7:15]): row for row in rows if row[7] is not None}
        unit = _pick_unit(list(units), here, serial)
        row = units[unit] if unit is not None else rows[0]
        item_sku = row[15]
        earlier = row[16] if unit is not None else row[17]
        if earlier is not None:
            verdict = ScanVerdict(earlier)
            tally = _tally(count_id, location, status, expected, found, unexpected)
            message = _message(serial, unit, verdict, True)
            return CountScanResult(serial, verdict, True, item_sku, message, tally)
        verdict = _verdict(unit, here)
        conn.execute(
            _ADD_SCAN,
            {
                "session_id": count_id, "at": utcnow(), "serial": unit.serial if unit else serial,
                "serial_key": key, "unit_id": unit.id if unit else None, "verdict": verdict.value,
            },
        )  # fmt: skip
        hit = verdict is ScanVerdict.EXPECTED
        conn.execute(_BUMP, {"count_id": count_id, "found": int(hit), "unexpected": int(not hit)})
        found, unexpected = found + int(hit), unexpected + int(not hit)
        tally = _tally(count_id, location, status, expected, found, unexpected)
        message = _message(serial, unit, verdict, False)
        return CountScanResult(serial, verdict, False, item_sku, message, tally)


def count_quantity(store: Store, actor: Actor, count_id: int, sku: str, qty: int) -> CountTally:
    """Records a bulk item's counted quantity on the count (entering it again replaces it)."""
    require(actor, Permission.COUNT_STOCK)
    if not 0 <= qty <= MAX_QTY:
        raise InvalidInput(f"a counted quantity must be between 0 and {MAX_QTY}")
    with store.write() as session:
        require_active(session, actor)
        count, location = _open_count(session, count_id)
        item = get_item(session, sku, active=False)
        if item.serialized:
            raise Conflict(f"{item.sku} is serialized: scan each unit's serial")
        row = session.get(CountQuantity, (count.id, item.id))
        if row is None:
            session.add(CountQuantity(session_id=count.id, item_id=item.id, qty=qty, at=utcnow()))
        else:
            row.qty, row.at = qty, utcnow()
        return tally_of(count, location)
