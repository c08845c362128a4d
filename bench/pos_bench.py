"""Till benchmarks on the million-unit store with 100,000 sales on file.

- scan -> cart line: `resolve_scan` of a unit's serial plus adding its line to the cart
  (the Qt cart model when the POS view is present, else the plain `Cart`): the time between
  the scanner's Enter and the line being in the model. Target: median under 5 ms, p99 under
  16 ms (one display frame).
- sale completion: `complete_sale` of a one-unit cart paid in cash. Target: under 50 ms.

Runs on a scratch copy of the cached store, so the cache is never changed.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.db.uow import Store, open_store, sqlite_url
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.scan import UnitScan, resolve_scan
from app.users import services as users
from bench.generate import CASHIER, DEFAULT_UNITS, OUT_DIR, cached_store
from bench.stock_bench import Metric, Report, percentile

SALES_ON_FILE = 100_000
SCANS = 2_000
SALES = 300
CART_LINES = 20
SCAN_MEDIAN_MS, SCAN_P99_MS, SALE_MS = 5.0, 16.0, 50.0


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


def measure_sales(
    store: Store, actor: Any, serials: list[str], location: str, report: Report
) -> None:
    till = Till("TILL-B", location)
    times = []
    for serial in serials:
        result = resolve_scan(store, actor, serial, location=location)
        assert isinstance(result, UnitScan)
        line = result.unit.cart_line()
        checkout = Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),))
        started = time.perf_counter()
        complete_sale(store, actor, till, checkout)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    report.add(
        Metric(
            "sale_median",
            f"Complete a sale, median ({len(times)} sales)",
            "ms",
            percentile(times, 50),
            None,
            SALE_MS,
        )
    )
    report.add(
        Metric("sale_p95", "Complete a sale, p95", "ms", percentile(times, 95), None, SALE_MS)
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
                (location, SCANS + SALES),
            )
        ]
        conn.close()
        report.facts.update(sales_on_file=sales, units=manifest.units)
        store = open_store(sqlite_url(work))
        try:
            cashier = users.actor_by_name(store, CASHIER[0])
            log(f"scans: {SCANS:,} ...")
            measure_scans(store, cashier, picked[:SCANS], location, report)
            log(f"sales: {SALES} ...")
            measure_sales(store, cashier, picked[SCANS:], location, report)
        finally:
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
