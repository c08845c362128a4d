"""Back-office benchmarks on the million-unit store: a 5,000-scan count, recall by range,
the product list's first page.

A count must not slow down as it grows: the first and the last 500 scans' medians are
reported side by side (flat means each scan does the same work). Recall by range goes
through the (item_id, serial_key) index. Each has the raw-SQLite floor beside it: the
same statements with the stdlib sqlite3 module on the same file.

`python -m bench.backoffice_bench` runs these rows alone on the cached store.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
from functools import partial
from typing import TYPE_CHECKING

from app.db.types import utcnow
from app.pos.recall import RecallQuery, recall_units
from app.stock.count_apply import finish_count
from app.stock.counts import scan_count, start_count
from app.stock.item_list import ITEM_PAGE, item_page
from app.stock.serials import serial_key

if TYPE_CHECKING:
    from bench.stock_bench import Bench, Report

COUNT_SCANS = 5_000
EDGE = 500  # the first and the last this many scans are compared
RECALL_SIZES = (1_000, 10_000)
RECALL_RUNS = 5
SCAN_TARGET_MS = 1.0  # a scan answered well inside a frame, with the write
RECALL_TARGET_MS = 1_000.0
FINISH_TARGET_MS = 1_000.0
LIST_RUNS = 50
LIST_TARGET_MS = 50.0

# The count scan's three statements (app.stock.counts.scan_count), as sqlite3 runs them.
_FLOOR_SCAN = (
    "SELECT s.status, s.location_id, l.name, s.expected, s.found, s.unexpected, "
    "(SELECT active FROM users WHERE id = ?), u.id, u.item_id, u.serial, u.status, "
    "u.location_id, ul.name, u.customer_id, c.name, i.sku, "
    "(SELECT verdict FROM count_scans x WHERE x.session_id = s.id AND x.unit_id = u.id "
    "LIMIT 1), "
    "(SELECT verdict FROM count_scans x WHERE x.session_id = s.id AND x.serial_key = ? "
    "AND x.unit_id IS NULL LIMIT 1) "
    "FROM count_sessions s JOIN locations l ON l.id = s.location_id "
    "LEFT JOIN serial_units u ON u.serial_key = ? "
    "LEFT JOIN locations ul ON ul.id = u.location_id "
    "LEFT JOIN customers c ON c.id = u.customer_id LEFT JOIN items i ON i.id = u.item_id "
    "WHERE s.id = ?"
)
# The product list's first page (app.stock.item_list.item_page): the record's columns,
# the IMEI flag and whether the item is a kit.
_FLOOR_ITEMS = (
    "SELECT i.id, i.sku, i.name, i.price, i.cost, i.barcode, i.tax_rate_bp, i.serialized, "
    "i.warranty_days, i.serial_prefix, i.serial_digits, i.serial_random, i.serial_next, "
    "i.active, i.imei, EXISTS (SELECT 1 FROM bundle_components b WHERE b.bundle_item_id = i.id) "
    "FROM items i ORDER BY i.sku LIMIT ?"
)
_FLOOR_RECALL = (
    "SELECT u.id, u.serial, u.serial_key, u.status, l.name, c.name, c.phone, c.email, "
    "u.received_at, u.batch_id, b.supplier FROM serial_units u "
    "LEFT JOIN locations l ON l.id = u.location_id LEFT JOIN customers c ON c.id = u.customer_id "
    "LEFT JOIN receiving_batches b ON b.id = u.batch_id "
    "WHERE u.item_id = ? AND u.serial_key >= ? AND u.serial_key <= ? ORDER BY u.serial_key"
)


def _count_serials(b: Bench) -> tuple[int, list[str]]:
    """5,000 in-stock serials at the bench location whose key names one unit only."""
    location_id = b.conn.execute(
        "SELECT id FROM locations WHERE name = ?", (b.manifest.bench_location,)
    ).fetchone()[0]
    rows = b.conn.execute(
        "SELECT serial FROM serial_units WHERE location_id = ? AND status = 'in_stock' "
        "ORDER BY id LIMIT ?",
        (location_id, COUNT_SCANS * 2),
    ).fetchall()
    one = "SELECT count(*) FROM serial_units WHERE serial_key = ?"
    unique = [s for (s,) in rows if b.conn.execute(one, (serial_key(s),)).fetchone()[0] == 1]
    return location_id, unique[:COUNT_SCANS]


def _floor_scan(conn: sqlite3.Connection, user_id: int, count_id: int, serial: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    key = serial_key(serial)
    (row,) = conn.execute(_FLOOR_SCAN, (user_id, key, key, count_id)).fetchall()
    unit = row[7:10]
    conn.execute(
        "INSERT INTO count_scans (session_id, at, serial, serial_key, unit_id, verdict) "
        "VALUES (?, ?, ?, ?, ?, 'expected')",
        (count_id, utcnow().isoformat(sep=" "), unit[2], key, unit[0]),
    )
    conn.execute("UPDATE count_sessions SET found = found + 1 WHERE id = ?", (count_id,))
    conn.execute("COMMIT")


def measure_count(b: Bench, report: Report) -> None:
    """scan_count 5,000 times into one count (and the floor into another)."""
    from bench.stock_bench import Metric, _timed

    location_id, serials = _count_serials(b)
    count_id = start_count(b.store, b.actor, b.manifest.bench_location).count_id
    floor_id = b.conn.execute(
        "INSERT INTO count_sessions (location_id, user_id, started_at, status, expected, found, "
        "unexpected) VALUES (?, ?, ?, 'floor', 0, 0, 0)",
        (location_id, b.actor.id, utcnow().isoformat(sep=" ")),
    ).lastrowid
    assert floor_id is not None
    service, floor = [], []
    for serial in serials:
        service.append(_timed(partial(scan_count, b.store, b.actor, count_id, serial))[0])
        floor.append(_timed(partial(_floor_scan, b.conn, b.actor.id, floor_id, serial))[0])
    again = [_timed(partial(scan_count, b.store, b.actor, count_id, s))[0] for s in serials[:EDGE]]
    note = f"{len(serials):,} scans"
    for key, label, part in (
        ("first", "first", slice(0, EDGE)),
        ("last", "last", slice(-EDGE, None)),
    ):
        report.add(
            Metric(
                f"count_scan_{key}",
                f"Count scan, median of the {label} {EDGE}",
                "ms",
                statistics.median(service[part]),
                statistics.median(floor[part]),
                SCAN_TARGET_MS,
                note if key == "first" else "",
            )
        )
    report.add(
        Metric(
            "count_scan_again",
            f"Count scan of a unit scanned before, median of {EDGE}",
            "ms",
            statistics.median(again),
            None,
            SCAN_TARGET_MS,
            "counted once",
        )
    )
    ms, variance = _timed(partial(finish_count, b.store, b.actor, count_id))
    report.add(
        Metric(
            "count_finish",
            "Count: finish (variance) after 5,000 scans",
            "ms",
            ms,
            None,
            FINISH_TARGET_MS,
            f"{variance.missing.total:,} missing, first {len(variance.missing.first)} listed",
        )
    )


def _bench_range(b: Bench, size: int) -> tuple[int, int, str, str, str]:
    """(item id, range text, low key, high key): `size` serials from the middle of the
    bench item's sequential serials."""
    item_id, first, batch = b.conn.execute(
        "SELECT i.id, u.serial, u.batch_id FROM items i JOIN serial_units u ON u.item_id = i.id "
        "WHERE i.sku = ? ORDER BY u.id LIMIT 1",
        (b.manifest.bench_sku,),
    ).fetchone()
    # The generated batch only: the receiving benchmark has added ranges of its own.
    total = b.conn.execute(
        "SELECT count(*) FROM serial_units WHERE batch_id = ?", (batch,)
    ).fetchone()[0]
    match = re.fullmatch(r"(.*?)([0-9]+)", first)
    assert match is not None, first
    prefix, digits = match.group(1), match.group(2)
    size = min(size, total)  # a small store's bench item may hold fewer
    start = int(digits) + (total - size) // 2
    low = f"{prefix}{start:0{len(digits)}d}"
    high = f"{prefix}{start + size - 1:0{len(digits)}d}"
    return item_id, size, f"{low}...{high}", serial_key(low), serial_key(high)


def _floor_recall(conn: sqlite3.Connection, params: tuple[int, str, str]) -> list[object]:
    return conn.execute(_FLOOR_RECALL, params).fetchall()


def measure_recall(b: Bench, report: Report) -> None:
    """recall_units by a range of 1,000 and of 10,000 serials of the bench item."""
    from bench.stock_bench import Metric, _timed

    for wanted in RECALL_SIZES:
        item_id, size, text, low, high = _bench_range(b, wanted)
        query = RecallQuery(b.manifest.bench_sku, serial_range=text)
        service, floor = [], []
        for _ in range(RECALL_RUNS):
            ms, rows = _timed(partial(recall_units, b.store, b.actor, query))
            service.append(ms)
            floor.append(_timed(partial(_floor_recall, b.conn, (item_id, low, high)))[0])
        if len(rows) != size:
            raise RuntimeError(f"recall {text} found {len(rows)} units, not {size}")
        report.add(
            Metric(
                f"recall_{wanted}",
                f"Recall by range of {size:,}, median of {RECALL_RUNS}",
                "ms",
                statistics.median(service),
                statistics.median(floor),
                RECALL_TARGET_MS,
                text,
            )
        )
    plan = b.conn.execute("EXPLAIN QUERY PLAN " + _FLOOR_RECALL, (1, "a", "b")).fetchall()
    report.facts["recall_plan"] = [row[-1] for row in plan]


def _floor_items(conn: sqlite3.Connection) -> list[object]:
    return conn.execute(_FLOOR_ITEMS, (ITEM_PAGE + 1,)).fetchall()


def measure_product_list(b: Bench, report: Report) -> None:
    """item_page as the Products page asks for its first page (no search, inactive items
    listed), beside the same statement through sqlite3."""
    from bench.stock_bench import Metric, _timed

    items = b.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    service, floor = [], []
    for _ in range(LIST_RUNS):
        ms, page = _timed(partial(item_page, b.store, b.actor, limit=ITEM_PAGE))
        service.append(ms)
        floor.append(_timed(partial(_floor_items, b.conn))[0])
    if len(page.rows) != min(ITEM_PAGE, items):
        raise RuntimeError(f"the product list's first page has {len(page.rows)} rows")
    report.add(
        Metric(
            "product_list_first",
            f"Product list first page ({ITEM_PAGE} of {items:,} items), median of {LIST_RUNS}",
            "ms",
            statistics.median(service),
            statistics.median(floor),
            LIST_TARGET_MS,
        )
    )


def main() -> int:
    """The back-office rows alone, on a scratch copy of the cached store."""
    from bench.stock_bench import rows_alone

    return rows_alone("backoffice", measure_product_list, measure_count, measure_recall)


if __name__ == "__main__":
    raise SystemExit(main())
