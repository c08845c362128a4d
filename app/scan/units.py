"""Scans that name a unit: its serial, or a GS1 element string with (01) GTIN and (21)
serial; and a serialized item's units in stock at the till, for a picker.

Each look-up is one prepared statement (app.db.prepared): the unit with its item, its
location and its customer in one row, and for a sold unit its last sale.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select

from app.db.prepared import Prepared, QuickReader, Row
from app.pos.sellable import LAST_SALE, unsellable_reason
from app.scan.results import ItemSummary, ScannedUnit, ScanResult, UnitScan, UnknownScan
from app.stock.items import barcode_key
from app.stock.ledger import UnitState, unit_state_query
from app.stock.models import ITEM_SALE_COLUMNS, Item, Location, SerialUnit, UnitStatus
from app.stock.serials import serial_key
from app.text import shorten

PICKER_LIMIT = 50
_SYMBOLOGY_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")

# A unit as the ledger reads it (UnitState's columns), whether its place is for sale, and
# its item (ItemSummary's columns).
_UNIT_QUERY = (
    unit_state_query()
    .add_columns(Location.sellable, *ITEM_SALE_COLUMNS)
    .join(Item, Item.id == SerialUnit.item_id)
)
UNITS_BY_KEY = Prepared(_UNIT_QUERY.where(SerialUnit.serial_key == bindparam("key")))
_UNITS_HERE = Prepared(
    _UNIT_QUERY.where(
        SerialUnit.item_id == bindparam("item_id"),
        SerialUnit.status == UnitStatus.IN_STOCK.value,
        func.lower(Location.name) == bindparam("location"),
    )
    .order_by(SerialUnit.serial_key)
    .limit(PICKER_LIMIT + 1)
)
LAST_SALE_OF = Prepared(LAST_SALE)
# A GTIN's EAN/UPC forms: at most five spellings of one barcode.
_GTIN_FORMS: tuple[BindParameter[str], ...] = tuple(bindparam(f"form{n}") for n in range(5))
_ITEMS_BY_GTIN = Prepared(
    select(*ITEM_SALE_COLUMNS, Item.barcode).where(
        Item.active, Item.barcode.is_not(None), Item.barcode.in_(_GTIN_FORMS)
    )
)


def units_by_serial(db: QuickReader, serial: str) -> list[ScannedUnit]:
    """Every unit with this serial (several items may share one), with why it cannot be
    sold, if it cannot."""
    return [_scanned(db, row) for row in db.rows(UNITS_BY_KEY, key=serial_key(serial))]


def units_here(
    db: QuickReader, item_id: int, location: str
) -> tuple[tuple[ScannedUnit, ...], bool]:
    """The item's first in-stock units at the till's location, for a picker; and whether
    there are more."""
    rows = db.rows(_UNITS_HERE, item_id=item_id, location=location.strip().lower())
    return tuple(_scanned(db, row) for row in rows[:PICKER_LIMIT]), len(rows) > PICKER_LIMIT


def _scanned(db: QuickReader, row: Row) -> ScannedUnit:
    state = UnitState(*row[:8])
    sellable = row[8]
    item = ItemSummary(*row[9:])
    reason = unsellable_reason(partial(_last_sale, db), state, bool(sellable))
    return ScannedUnit(state.id, item, state.serial, state.status, state.location, reason)


def _last_sale(db: QuickReader, unit_id: int) -> Any:
    return db.first(LAST_SALE_OF, unit_id=unit_id)


def gs1_serial(raw: str) -> tuple[str, str] | None:
    """(GTIN-14, serial) from a GS1 element string, in raw or (01)...(21)... form."""
    text = _SYMBOLOGY_PREFIX.sub("", raw)
    if not (text.startswith("01") or text.startswith("(01)")) or len(text) < 19:
        return None
    from biip.gs1_messages import GS1Message  # only when a code looks like one

    try:
        message = GS1Message.parse_hri(text) if text.startswith("(") else GS1Message.parse(text)
    except Exception:  # biip raises several parse errors; none of them is the user's fault
        return None
    gtin = message.element_strings.get(ai="01")
    serial = message.element_strings.get(ai="21")
    if gtin is None or serial is None:
        return None
    return gtin.value, serial.value


def gs1_unit(db: QuickReader, gtin14: str, serial: str) -> ScanResult | None:
    """The unit with this serial under the item whose barcode is this GTIN (its EAN/UPC
    form has fewer leading zeros); None if no item has that GTIN."""
    key = barcode_key(gtin14)
    forms = (gtin14, key, key.zfill(12), key.zfill(13), key.zfill(8))
    items = [
        ItemSummary(*row[:-1])
        for row in db.rows(_ITEMS_BY_GTIN, **{f"form{n}": f for n, f in enumerate(forms)})
        if row[-1] and barcode_key(row[-1]) == key
    ]
    if not items:
        return None
    ids = {item.id for item in items}
    for unit in units_by_serial(db, serial):
        if unit.item.id in ids:
            return UnitScan(unit)
    return UnknownScan(serial, f"{items[0].sku} has no unit with serial {shorten(serial)}")
