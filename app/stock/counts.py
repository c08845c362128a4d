"""Physical count of a location: start, scan serials, count bulk quantities, resume.

Each scan costs the same whatever the count's size: one look-up of the serial, one of the
count's scans by index, one row added and the session's running totals bumped. Nothing
ever counts or re-reads the scans made before. Finishing and applying: `count_apply`.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.stock.count_records import CountScanResult, CountTally, ScanVerdict
from app.stock.ledger import UnitState
from app.stock.lifecycle import describe_state
from app.stock.lookups import find_unit_states, get_item, get_location
from app.stock.models import Item, Location, SerialUnit, UnitStatus
from app.stock.receiving import MAX_QTY
from app.stock.serials import clean_serial, serial_key
from app.stock.session_models import CountQuantity, CountScan, CountSession
from app.users.roles import Actor, Permission, require
from app.users.standing import require_active

OPEN, APPLIED = "open", "applied"


def tally_of(count: CountSession, location: str) -> CountTally:
    counted = count.found + count.unexpected
    missing = max(0, count.expected - count.found)  # a unit received mid-count may be found
    return CountTally(
        count.id, location, count.status, count.expected, counted, missing, count.unexpected
    )


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


def _earlier_scan(session: Session, count_id: int, unit: UnitState | None, key: str) -> str | None:
    query = select(CountScan.verdict).where(CountScan.session_id == count_id)
    if unit is not None:
        query = query.where(CountScan.unit_id == unit.id)
    else:
        query = query.where(CountScan.unit_id.is_(None), CountScan.serial_key == key)
    return session.scalar(query.limit(1))


def _message(serial: str, unit: UnitState | None, verdict: ScanVerdict, again: bool) -> str:
    if unit is None:
        what = f"{serial}: unknown serial, to be received"
    else:
        state = describe_state(unit.status, unit.location, unit.customer)
        what = f"{unit.serial} {state}" + (
            "" if verdict is ScanVerdict.EXPECTED else ": unexpected"
        )
    return f"{what} (already scanned: counted once)" if again else what


def scan_count(
    store: Store, actor: Actor, count_id: int, code: str, *, sku: str | None = None
) -> CountScanResult:
    """Scans one serial into an open count and returns what it is with the live tally.
    A second scan of the same unit changes nothing and says so."""
    require(actor, Permission.COUNT_STOCK)
    serial = clean_serial(code)
    with store.write() as session:
        require_active(session, actor)
        count, location = _open_count(session, count_id)
        unit = _pick_unit(find_unit_states(session, serial, sku), count.location_id, serial)
        key = serial_key(serial)
        item_sku = session.get_one(Item, unit.item_id).sku if unit else None
        earlier = _earlier_scan(session, count.id, unit, key)
        if earlier is not None:
            verdict = ScanVerdict(earlier)
            return CountScanResult(
                serial, verdict, True, item_sku, _message(serial, unit, verdict, True),
                tally_of(count, location),
            )  # fmt: skip
        verdict = _verdict(unit, count.location_id)
        session.add(
            CountScan(
                session_id=count.id,
                at=utcnow(),
                serial=unit.serial if unit else serial,
                serial_key=key,
                unit_id=unit.id if unit else None,
                verdict=verdict.value,
            )
        )
        if verdict is ScanVerdict.EXPECTED:
            count.found += 1
        else:
            count.unexpected += 1
        session.flush()
        return CountScanResult(
            serial, verdict, False, item_sku, _message(serial, unit, verdict, False),
            tally_of(count, location),
        )  # fmt: skip


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
