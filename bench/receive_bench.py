"""Receiving on the million-unit store: 10,000 and 100,000 serials from a range, one call.

The service path is what the Receive dialog and `serialpos receive --range` do with a typed
range: `parse_range`, then `receive_serials` with a real acting user. The floor is the same
work through the stdlib sqlite3 module on the same file, measured in the same run: parse the
range, check the item has none of the serials, add the batch, executemany the units (the
store's triggers keep the 'contains' index, for both), derive the ledger rows with one
INSERT … SELECT, all in one IMMEDIATE transaction.

"Linear in the count" is judged per serial: the time a serial costs at 100,000 beside what
it costs at 10,000, for the service and the floor alike (a B-tree insert grows with the log
of the table, so the floor itself is not quite flat). CPU seconds are kept beside the wall
clock: on a shared machine they move far less.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.db.types import utcnow
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_range, serial_key

if TYPE_CHECKING:
    from bench.stock_bench import Bench, Report

SMALL = 10_000
LARGE = 100_000
SMALL_RUNS = 3
TARGET_S = 1.0  # 10,000 serials, one call
RATIO_TARGET = 1.5
_CHUNK = 900  # the service's clash check asks this many keys at a time (app.stock.lookups)


def range_text(prefix: str, first: int, count: int) -> str:
    """`count` serials from `first`, e.g. BX000001...BX010000 (BX is kept free of the
    generated store's serials)."""
    return f"{prefix}{first:06d}...{prefix}{first + count - 1:06d}"


def floor_receive(
    conn: sqlite3.Connection, item_id: int, location_id: int, user_id: int, text: str
) -> int:
    """What receive_serials does, in plain SQL: check the item has none of the serials,
    add a batch, executemany the units, derive the ledger rows with one INSERT … SELECT,
    all in one IMMEDIATE transaction. Returns the batch id."""
    serials = [e.serial for e in parse_range(text)]
    keys = [serial_key(s) for s in serials]
    now = utcnow().isoformat(sep=" ", timespec="microseconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            clash = conn.execute(
                "SELECT serial_key FROM serial_units "
                f"WHERE item_id = ? AND serial_key IN ({marks})",
                (item_id, *chunk),
            ).fetchall()
            if clash:
                raise RuntimeError(f"floor range {text} already received")
        cur = conn.execute(
            "INSERT INTO receiving_batches "
            "(at, user_id, item_id, location_id, qty, method, supplier_warranty_days) "
            "VALUES (?, ?, ?, ?, ?, 'range', 0)",
            (now, user_id, item_id, location_id, len(serials)),
        )
        batch_id = cur.lastrowid
        assert batch_id is not None
        conn.executemany(
            "INSERT INTO serial_units (item_id, serial, serial_key, status, location_id, cost, "
            "received_at, batch_id) VALUES (?, ?, ?, 'in_stock', ?, 0, ?, ?)",
            [
                (item_id, s, k, location_id, now, batch_id)
                for s, k in zip(serials, keys, strict=True)
            ],
        )
        conn.execute(
            "INSERT INTO movements (at, user_id, kind, item_id, unit_id, qty, to_status, "
            "to_location_id, document) SELECT ?, ?, 'receive', item_id, id, 1, status, "
            "location_id, ? FROM serial_units WHERE batch_id = ? ORDER BY id",
            (now, user_id, f"batch:{batch_id}", batch_id),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return batch_id


def receive_service(b: Bench, text: str) -> None:
    """What the receiving screen does with a typed range: parse it, receive it."""
    rcv = Receiving(sku=b.manifest.bench_sku, location=b.manifest.bench_location)
    entries = parse_range(text)
    result = receive_serials(b.store, b.actor, rcv, entries, method="range")
    if result.qty != len(entries):
        raise RuntimeError(f"received {result.qty}, expected {len(entries)}")


@dataclass(frozen=True)
class _Timing:
    wall: float  # seconds
    cpu: float  # this process's CPU seconds (SQLite runs in it too)


def _timed(call: Callable[[], object]) -> _Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return _Timing(time.perf_counter() - wall, time.process_time() - cpu)


def _pair(b: Bench, first: int, count: int) -> tuple[_Timing, _Timing]:
    """The service, then the floor, each on a fresh range of `count` serials. The WAL is
    checkpointed before each so both start alike; the checkpoint SQLite runs itself when a
    commit pushes the WAL past 1,000 pages stays in the timing, as it would at the shop."""
    item_id, location_id = b.conn.execute(
        "SELECT i.id, l.id FROM items i, locations l WHERE i.sku = ? AND l.name = ?",
        (b.manifest.bench_sku, b.manifest.bench_location),
    ).fetchone()
    b.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    service = _timed(lambda: receive_service(b, range_text("BX", first, count)))
    b.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    text = range_text("FX", first, count)
    floor = _timed(lambda: floor_receive(b.conn, item_id, location_id, b.actor.id, text))
    return service, floor


def measure_receiving(b: Bench, report: Report) -> None:
    """Three calls of 10,000, then one of 100,000, each beside its floor; then the cost of
    a serial at either size."""
    from bench.stock_bench import Metric  # the harness imports this module

    small: list[tuple[_Timing, _Timing]] = []
    for run in range(SMALL_RUNS):
        service, floor = _pair(b, run * SMALL + 1, SMALL)
        small.append((service, floor))
        note = f"{range_text('BX', 1, SMALL)} into {b.manifest.bench_sku}" if run == 0 else ""
        label = f"Receive 10,000 from a range, run {run + 1}"
        key = f"receive_{run + 1}"
        report.add(Metric(key, label, "s", service.wall, floor.wall, TARGET_S, note, RATIO_TARGET))
    service, floor = _pair(b, 10 * SMALL + 1, LARGE)
    cpu = f"CPU {service.cpu:.2f} s vs {floor.cpu:.2f} s, {service.cpu / floor.cpu:.2f}×"
    label = "Receive 100,000 from a range, one call"
    report.add(Metric("receive_large", label, "s", service.wall, floor.wall, None, cpu, 1.5))
    per_small = statistics.median(s.wall for s, _ in small) / SMALL * 1e6
    floor_small = statistics.median(f.wall for _, f in small) / SMALL * 1e6
    per_large = service.wall / LARGE * 1e6
    floor_large = floor.wall / LARGE * 1e6
    report.add(
        Metric(
            "receive_each_small",
            "… a serial's share at 10,000 (median of 3)",
            "µs",
            per_small,
            floor_small,
            None,
        )
    )
    growth = f"{per_large / per_small:.2f}× the 10,000's (floor {floor_large / floor_small:.2f}×)"
    report.add(
        Metric(
            "receive_each_large",
            "… a serial's share at 100,000",
            "µs",
            per_large,
            floor_large,
            None,
            growth,
        )
    )
    report.facts["receive_cpu_seconds"] = {
        "10000": [[round(s.cpu, 3), round(f.cpu, 3)] for s, f in small],
        "100000": [round(service.cpu, 3), round(floor.cpu, 3)],
    }


if __name__ == "__main__":
    from bench.stock_bench import rows_alone

    raise SystemExit(rows_alone("receive", measure_receiving))
