"""Till benchmarks on the million-unit store with 100,000 sales on file.

- scan: `resolve_scan` of a unit's serial (any status; a sold one also finds its last
  sale), the till's own path, beside the raw sqlite3 floor sending the very SQL and
  parameters of its prepared statements on the same store. Targets (issue 11): median
  0.06 ms and at most 4x the floor, p99 1 ms.
- scan -> cart line: `resolve_scan` plus adding its line to the Qt cart model: the time
  between the scanner's Enter and the line being in the model. Target: median under 5 ms,
  p99 under 16 ms (one display frame).
- sale: `complete_sale` of 3 units + 1 bulk line paid in cash, beside the floor doing the
  same writes in plain SQL (one IMMEDIATE transaction). The till's idle hook
  (`Store.idle`, the WAL checkpoint) runs between sales as the window runs it between
  customers. Targets (issue 11): median 4 ms and at most 6x the floor, p99 10 ms.

Runs on a scratch copy of the cached store, so the cache is never changed.
`python -m bench.pos_bench` runs these rows alone.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store, open_store, sqlite_url
from app.ids import ItemId
from app.pos.cart import CartLine, TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.scan import SerialChoice, UnitScan, resolve_scan
from app.scan.units import LAST_SALE_OF, UNITS_BY_KEY
from app.stock.items import ItemFields, create_item
from app.stock.models import Item
from app.stock.receiving import Receiving, receive_quantity
from app.stock.serials import serial_key
from app.users import services as users
from bench.generate import CASHIER, DEFAULT_UNITS, MANAGER, OUT_DIR, cached_store
from bench.stock_bench import Metric, Report, floor_connection, percentile

SALES_ON_FILE = 100_000
SCANS = 2_000
SALES = 300  # each with 3 units, and as many again for the floor's sale beside it
CART_LINES = 20
SCAN_MEDIAN_MS, SCAN_P99_MS = 5.0, 16.0
# resolve_scan itself (issue 11): median, its ratio to the floor, p99.
RESOLVE_MEDIAN_MS, RESOLVE_RATIO, RESOLVE_P99_MS = 0.06, 4.0, 1.0
# complete_sale (issue 11): median, ratio to the floor, p99.
SALE_MEDIAN_MS, SALE_RATIO, SALE_P99_MS = 4.0, 6.0, 10.0
SALE_UNITS = 3
BULK_SKU = "BENCH-CABLE"


def add_sales_on_file(conn: sqlite3.Connection, count: int, rng: random.Random) -> int:
    """Gives sold units a sale and a line each, as a shop with a history would have."""
    sold = [
        r[0]
        for r in conn.execute("SELECT id FROM serial_units WHERE status = 'sold' LIMIT ?", (count,))
    ]
    user = conn.execute("SELECT id FROM users ORDER BY id LIMIT 1").fetchone()[0]
    location = conn.execute("SELECT id FROM locations ORDER BY id LIMIT 1").fetchone()[0]
    day = date.today() - timedelta(days=400)
    sales = []
    lines = []
    for n, unit_id in enumerate(sold, start=1):
        sale_day = (day + timedelta(days=rng.randrange(390))).isoformat()
        sales.append(
            (
                n,
                f"R-{n:06d}",
                "TILL-1",
                sale_day + " 12:00:00",
                sale_day,
                user,
                location,
                1,
                0,
                10000,
                0,
                1667,
                10000,
                0,
            )
        )
        lines.append(
            (n, n, 1, unit_id, "SKU", "Unit", "S", 1, 10000, 2000, 0, 0, 1667, 10000, None)
        )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO sales (id, number, till, at, business_day, user_id, location_id,"
        " prices_include_tax, sale_discount_bp, subtotal, discount, tax, total, change)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        sales,
    )
    conn.executemany(
        "INSERT INTO sale_lines (id, sale_id, line_no, unit_id, sku, description, serial, qty,"
        " unit_price, tax_rate_bp, line_discount_bp, discount, tax, total, warranty_end, item_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, (SELECT item_id FROM serial_units WHERE id = ?))",
        [(*line, line[3]) for line in lines],
    )
    conn.execute("INSERT OR REPLACE INTO counters (name, value) VALUES ('sale', ?)", (len(sales),))
    conn.execute("COMMIT")
    return len(sales)


def _floor_scan(conn: sqlite3.Connection, dialect: Any, serial: str) -> int:
    """What resolve_scan asks SQLite for a unit's serial: the unit row with its item,
    location and customer, and for a sold unit its last sale (the very SQL text and
    parameters of the prepared statements)."""
    rows = conn.execute(*UNITS_BY_KEY.bound(dialect, key=serial_key(serial))).fetchall()
    for row in rows:
        if row[3] == "sold":
            conn.execute(*LAST_SALE_OF.bound(dialect, unit_id=row[0])).fetchall()
    return len(rows)


def measure_resolve(
    store: Store, conn: sqlite3.Connection, actor: Any, serials: list[str], report: Report
) -> None:
    """resolve_scan of a unit's serial, the till's own path, interleaved with the floor
    on the same serials."""
    dialect = store.engine.dialect
    location = "Front store"
    for serial in serials[:200]:  # warm both caches alike
        resolve_scan(store, actor, serial, location=location)
        _floor_scan(conn, dialect, serial)
    service: list[float] = []
    floor: list[float] = []
    for serial in serials:
        started = time.perf_counter_ns()
        result = resolve_scan(store, actor, serial, location=location)
        service.append((time.perf_counter_ns() - started) / 1e6)
        assert isinstance(result, UnitScan | SerialChoice), result
        started = time.perf_counter_ns()
        _floor_scan(conn, dialect, serial)
        floor.append((time.perf_counter_ns() - started) / 1e6)
    label = "Scan a serial: `resolve_scan` (the till's path)"
    report.add(
        Metric(
            "resolve_median",
            f"{label}, median",
            "ms",
            percentile(service, 50),
            percentile(floor, 50),
            RESOLVE_MEDIAN_MS,
            f"{len(service):,} serials, any status",
            ratio_target=RESOLVE_RATIO,
        )
    )
    report.add(
        Metric(
            "resolve_p99",
            f"{label}, p99",
            "ms",
            percentile(service, 99),
            percentile(floor, 99),
            RESOLVE_P99_MS,
        )
    )


def measure_scans(
    store: Store, actor: Any, serials: list[str], location: str, report: Report
) -> None:
    """Scan -> line in the POS view's Qt cart model (totals recomputed, row inserted)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.config import ShopSettings
    from app.ui.formatting import ShopFormat
    from app.ui.pos.cart_model import CartModel

    app = QApplication.instance() or QApplication([])
    model = CartModel(ShopFormat(ShopSettings()), prices_include_tax=True)
    times = []
    for serial in serials:
        if model.rowCount() >= CART_LINES:  # a new sale, as after payment: not timed
            model.clear()
        started = time.perf_counter()
        result = resolve_scan(store, actor, serial, location=location)
        assert isinstance(result, UnitScan) and result.unit.reason is None, result
        model.add(result.unit.cart_line())
        times.append((time.perf_counter() - started) * 1000)
    model.deleteLater()
    app.processEvents()
    times.sort()
    where = f"Qt cart model ({CART_LINES}-line sales)"
    report.add(
        Metric(
            "scan_median",
            f"Scan -> line in the {where}, median ({len(times):,} scans)",
            "ms",
            percentile(times, 50),
            None,
            SCAN_MEDIAN_MS,
        )
    )
    report.add(
        Metric(
            "scan_p99",
            f"Scan -> line in the {where}, p99",
            "ms",
            percentile(times, 99),
            None,
            SCAN_P99_MS,
        )
    )


def add_bulk_item(store: Store, manager: Any, location: str) -> CartLine:
    """A bulk (non-serialized) item with plenty in stock at the till: the sale's 4th line."""
    fields = ItemFields(name="Bench cable", price=990, serialized=False)
    create_item(store, manager, sku=BULK_SKU, values=fields)
    receive_quantity(store, manager, Receiving(sku=BULK_SKU, location=location), 1_000_000)
    with store.read() as session:
        item_id = session.scalar(select(Item.id).where(Item.sku == BULK_SKU))
    assert item_id is not None
    return CartLine(ItemId(item_id), BULK_SKU, "Bench cable", 990, 0)


def floor_sale(
    conn: sqlite3.Connection, user_id: int, location_id: int, lines: list[CartLine]
) -> None:
    """The sale as plain SQL: one IMMEDIATE transaction reading the till's location, the
    items and the units, bumping the counter, inserting the sale, claiming the units with
    one conditional UPDATE (executemany), taking the bulk quantity with one conditional
    UPDATE, and inserting the ledger rows, the lines and the tender."""
    now = utcnow().isoformat(sep=" ", timespec="microseconds")
    day = date.today().isoformat()
    units = [ln for ln in lines if ln.unit_id is not None]
    bulk = [ln for ln in lines if ln.unit_id is None]
    total = sum(ln.unit_price * ln.qty for ln in lines)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("SELECT * FROM locations WHERE id = ?", (location_id,)).fetchall()
        item_ids = sorted({ln.item_id for ln in lines})
        marks = ",".join("?" * len(item_ids))
        conn.execute(f"SELECT * FROM items WHERE id IN ({marks})", item_ids).fetchall()
        marks = ",".join("?" * len(units))
        states = conn.execute(
            f"SELECT u.id, u.status, u.location_id FROM serial_units u WHERE u.id IN ({marks})",
            [ln.unit_id for ln in units],
        ).fetchall()
        (number,) = conn.execute(
            "UPDATE counters SET value = value + 1 WHERE name = 'sale' RETURNING value"
        ).fetchone()
        sale_id = conn.execute(
            "INSERT INTO sales (number, till, at, business_day, user_id, location_id,"
            " prices_include_tax, sale_discount_bp, subtotal, discount, tax, total, change)"
            " VALUES (?, 'FLOOR', ?, ?, ?, ?, 1, 0, ?, 0, 0, ?, 0)",
            (f"F-{number:06d}", now, day, user_id, location_id, total, total),
        ).lastrowid
        claimed = conn.executemany(
            "UPDATE serial_units SET status = 'sold', location_id = NULL, customer_id = NULL,"
            " warranty_type = 'standard', warranty_start = ?, warranty_end = ?"
            " WHERE id = ? AND status = ? AND location_id IS ?",
            [(day, day, unit_id, status, loc) for unit_id, status, loc in states],
        )
        assert claimed.rowcount == len(units)
        for ln in bulk:
            left = conn.execute(
                "UPDATE stock_levels SET qty = qty - ? WHERE item_id = ? AND location_id = ?"
                " AND qty >= ? RETURNING qty",
                (ln.qty, ln.item_id, location_id, ln.qty),
            ).fetchone()
            assert left is not None
        conn.executemany(
            "INSERT INTO movements (at, user_id, kind, item_id, unit_id, qty, from_status,"
            " to_status, from_location_id, document) VALUES (?, ?, 'sale', ?, ?, ?, ?, ?, ?, ?)",
            [
                (now, user_id, ln.item_id, ln.unit_id, ln.qty,
                 "in_stock" if ln.unit_id else None, "sold" if ln.unit_id else None,
                 location_id, f"F-{number:06d}")
                for ln in lines
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO sale_lines (sale_id, line_no, item_id, unit_id, sku, description,"
            " serial, qty, unit_price, tax_rate_bp, line_discount_bp, discount, tax, total)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?)",
            [
                (sale_id, n, ln.item_id, ln.unit_id, ln.sku, ln.name, ln.serial, ln.qty,
                 ln.unit_price, ln.unit_price * ln.qty)
                for n, ln in enumerate(lines, 1)
            ],
        )  # fmt: skip
        conn.execute(
            "INSERT INTO tenders (sale_id, kind, amount, reference) VALUES (?, 'cash', ?, '')",
            (sale_id, total),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class Counted:
    """Statements sent, Session flushes made, and (on a server) round trips while it is on.

    A round trip is a statement (an executemany is one: psycopg pipelines it), the
    transaction's BEGIN and COMMIT (each its own exchange with the server) and a
    connection ping, if the pool makes one."""

    def __init__(self, engine: Any) -> None:
        self.statements = 0
        self.flushes = 0
        self.round_trips = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(Session, "after_flush", self._flush)
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._exchange)
        ping = engine.dialect.do_ping

        def counted_ping(connection: Any) -> bool:
            self._exchange()
            return bool(ping(connection))

        engine.dialect.do_ping = counted_ping

    def _statement(self, *_args: Any) -> None:
        self.statements += self.on
        self.round_trips += self.on

    def _exchange(self, *_args: Any) -> None:
        self.round_trips += self.on

    def _flush(self, *_args: Any) -> None:
        self.flushes += self.on


def unit_lines(store: Store, actor: Any, serials: list[str], location: str) -> list[CartLine]:
    lines = []
    for serial in serials:
        result = resolve_scan(store, actor, serial, location=location)
        assert isinstance(result, UnitScan) and result.unit.reason is None, result
        lines.append(result.unit.cart_line())
    return lines


def measure_sales(
    store: Store,
    floor: sqlite3.Connection,
    actors: tuple[Any, Any],
    serials: list[str],
    location: str,
    report: Report,
) -> None:
    """complete_sale of 3 units + 1 bulk line paid in cash, each sale beside the floor's
    (the floor sells other units of the same sample, its connection set up as the
    window's: no auto-checkpoint). The till's idle hook runs between sales, as the window
    runs it when the till waits for the next customer; it folds the log both write to."""
    cashier, manager = actors
    bulk = add_bulk_item(store, manager, location)
    till = Till("TILL-B", location)
    (user_id,) = floor.execute("SELECT id FROM users WHERE name = ?", (CASHIER[0],)).fetchone()
    (location_id,) = floor.execute(
        "SELECT id FROM locations WHERE name = ?", (location,)
    ).fetchone()
    counted = Counted(store.engine)
    times: list[float] = []
    floor_times: list[float] = []
    per_sale = 2 * SALE_UNITS
    for start in range(0, len(serials) - per_sale + 1, per_sale):
        mine = unit_lines(store, cashier, serials[start : start + SALE_UNITS], location)
        theirs = unit_lines(
            store, cashier, serials[start + SALE_UNITS : start + per_sale], location
        )
        lines = (*mine, bulk)
        total = sum(ln.unit_price * ln.qty for ln in lines)
        checkout = Checkout(lines, (TenderInput(TenderKind.CASH, total),))
        counted.on = not times
        turns = [
            (times, partial(complete_sale, store, cashier, till, checkout)),
            (floor_times, partial(floor_sale, floor, user_id, location_id, [*theirs, bulk])),
        ]
        if len(times) % 2:  # in turns first: the first write after a fold restarts the log
            turns.reverse()
        for into, sell in turns:
            started = time.perf_counter()
            sell()
            into.append((time.perf_counter() - started) * 1000)
        counted.on = False
        store.idle()  # folds the shared log now and then, for both
    report.facts.update(sale_statements=counted.statements, sale_flushes=counted.flushes)
    label = f"Complete a sale ({SALE_UNITS} units + 1 bulk line, cash): `complete_sale`"
    note = f"{len(times)} sales; {counted.statements} statements, {counted.flushes} flushes each"
    report.add(
        Metric(
            "sale_median",
            f"{label}, median",
            "ms",
            percentile(times, 50),
            percentile(floor_times, 50),
            SALE_MEDIAN_MS,
            note,
            ratio_target=SALE_RATIO,
        )
    )
    report.add(
        Metric(
            "sale_p99",
            f"{label}, p99",
            "ms",
            percentile(times, 99),
            percentile(floor_times, 99),
            SALE_P99_MS,
        )
    )


def run(
    units: int = DEFAULT_UNITS,
    *,
    out_dir: Path = OUT_DIR,
    seed: int = 11,
    log: Callable[[str], None] = print,
) -> Report:
    report = Report()
    path, manifest, _ = cached_store(units, out_dir=out_dir, log=log)
    work = out_dir / f"pos-{os.getpid()}.sqlite3"
    shutil.copyfile(path, work)
    rng = random.Random(seed)
    try:
        conn = sqlite3.connect(work, isolation_level=None)
        sales = add_sales_on_file(conn, SALES_ON_FILE, rng)
        location = "Front store"
        picked = [
            r[0]
            for r in conn.execute(
                "SELECT u.serial FROM serial_units u JOIN locations l ON l.id = u.location_id"
                " WHERE u.status = 'in_stock' AND l.name = ? AND u.serial_key IN"
                " (SELECT serial_key FROM serial_units GROUP BY serial_key HAVING count(*) = 1)"
                " ORDER BY random() LIMIT ?",
                (location, SCANS + 2 * SALE_UNITS * SALES),
            )
        ]
        # Serials of any status (a sold one's scan also finds its last sale).
        anything = [
            r[0]
            for r in conn.execute(
                "SELECT serial FROM serial_units WHERE id IN"
                " (SELECT abs(random()) % (SELECT max(id) FROM serial_units) + 1"
                " FROM serial_units LIMIT ?)",
                (SCANS,),
            )
        ]
        conn.close()
        report.facts.update(sales_on_file=sales, units=manifest.units)
        store = open_store(sqlite_url(work), idle_checkpoints=True)  # as the window opens it
        floor = floor_connection(work)
        floor.execute("PRAGMA wal_autocheckpoint=0")  # as the window's store: idle folds
        try:
            cashier = users.actor_by_name(store, CASHIER[0])
            manager = users.actor_by_name(store, MANAGER[0])
            log(f"resolve_scan: {len(anything):,} ...")
            measure_resolve(store, floor, cashier, anything, report)
            log(f"scans: {SCANS:,} ...")
            measure_scans(store, cashier, picked[:SCANS], location, report)
            log(f"sales: {SALES} ...")
            sold = picked[SCANS:]
            measure_sales(store, floor, (cashier, manager), sold, location, report)
        finally:
            floor.close()
            store.dispose()
    finally:
        for scratch in (
            work,
            work.with_name(work.name + "-wal"),
            work.with_name(work.name + "-shm"),
        ):
            scratch.unlink(missing_ok=True)
    return report


def main(out_dir: Path = OUT_DIR) -> int:
    from bench.stock_bench import markdown_table

    report = run(out_dir=out_dir)
    text = (
        f"Till benchmarks: {report.facts['units']:,} units, {report.facts['sales_on_file']:,} "
        "sales on file.\n\n" + markdown_table(report.metrics) + "\n"
    )
    print()
    print(text)
    (out_dir / "pos-results.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
