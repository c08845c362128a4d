"""`resolve_scan`: a scanned or typed code -> what it is, in the order PRODUCT.md gives."""

from __future__ import annotations

from app.db.uow import Store
from app.errors import TRIM
from app.scan.documents import document, looks_like_document
from app.scan.items import item_by_code, item_scan
from app.scan.results import ScanResult, SerialChoice, UnitScan, UnknownScan
from app.scan.units import gs1_serial, gs1_unit, units_by_serial
from app.stock.serials import MAX_SERIAL_LENGTH
from app.text import has_control_chars, shorten
from app.users.roles import Actor, Permission, require

MAX_CODE = 200


def resolve_scan(store: Store, actor: Actor, code: str, *, location: str) -> ScanResult:
    """What a code is, with everything the view needs to act on it. Changes nothing.

    The till's hottest path: prepared statements on a quick-read connection (no Session,
    no ORM objects), so a scan costs little more than the database's own look-up."""
    require(actor, Permission.VIEW_STOCK)
    raw = code.strip(TRIM)
    if not raw:
        return UnknownScan(code, "empty scan")
    if len(raw) > MAX_CODE:
        return UnknownScan(raw[:MAX_CODE], f"code too long ({len(raw)} characters): not a barcode")
    with store.quick_read() as db:
        gs1 = gs1_serial(raw)
        if gs1 is not None:
            found = gs1_unit(db, *gs1)
            if found is not None:
                return found
        if has_control_chars(raw):
            return UnknownScan(raw, f"unreadable scan {shorten(raw)}: scanner noise")
        units = units_by_serial(db, raw) if len(raw) <= MAX_SERIAL_LENGTH else []
        if len(units) == 1:
            return UnitScan(units[0])
        if units:
            return SerialChoice(tuple(units))
        item = item_by_code(db, raw)
        if item is not None:
            return item_scan(db, item, location)
        if looks_like_document(raw):
            found = document(db, raw)
            if found is not None:
                return found
        return UnknownScan(raw, f"unknown code {shorten(raw)}")
