"""Back-office benchmarks on the million-unit store: a 5,000-scan count and recall by range.

A count must not slow down as it grows: the first and the last 500 scans' medians are
reported side by side (flat means each scan does the same work). Recall by range goes
through the (item_id, serial_key) index. Each has the raw-SQLite floor beside it: the
same statements with the stdlib sqlite3 module on the same file.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
from functools import partial
from typing import TYPE_CHECKING

from app.db.types import utcnow
from app.pos.recall import RecallQuery, recall_units
from app.stock.counts import scan_count, start_count
from app.stock.serials import serial_key

if TYPE_CHECKING:
    from bench.stock_bench import Bench, Report

COUNT_SCANS = 5_000
EDGE = 500  # the first and the last this many scans are compared
RECALL_SIZES = (1_000, 10_000)
RECALL_RUNS = 5
SCAN_TARGET_MS = 5.0  # a scan answered well inside a frame, with the write
RECALL_TARGET_MS = 1_000.0

_FLOOR_STATE = (
    "SELECT u.id, u.item_id, u.serial, u.status, u.location_id, l.name, u.customer_id, c.name "
    "FROM serial_units u LEFT JOIN locations l ON l.id = u.location_id "
    "LEFT JOIN customers c ON c.id = u.customer_id WHERE u.serial_key = ?"
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


def _floor_scan(conn: sqlite3.Connection, count_id: int, serial: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    key = serial_key(serial)
    (unit,) = conn.execute(_FLOOR_STATE, (key,)).fetchall()
    conn.execute(
        "SELECT verdict FROM count_scans WHERE session_id = ? AND unit_id = ? LIMIT 1",
        (count_id, unit[0]),
    ).fetchall()
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
        floor.append(_timed(partial(_floor_scan, b.conn, floor_id, serial))[0])
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
