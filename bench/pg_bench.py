"""The till's scan and sale on PostgreSQL (`python -m bench --pg URL`, a throw-away server
on 127.0.0.1; packaging/pg-test.sh shows how one is started here).

The store is made through the services (20,000 units over two items, a bulk item), in a
fresh database named serialpos_bench that is dropped afterwards. Scan: `resolve_scan`
beside the floor, psycopg sending the very SQL and parameters of the prepared statement.
Sale: `complete_sale` of 3 units + 1 bulk line in cash, in turns with the floor's sale of
three other units (bench/pg_floor.py: the same writes in plain SQL, one transaction).
"""

from __future__ import annotations

import time

import psycopg
from sqlalchemy.engine import make_url

from app.db.uow import Store, open_store
from app.pos.cart import CartLine, TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.scan import UnitScan, resolve_scan
from app.scan.units import UNITS_BY_KEY
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_range, serial_key
from app.users import services as users
from app.users.roles import Actor, Role
from bench import pg_floor, pos_bench
from bench.stock_bench import Metric, Report, markdown_table, percentile

DB = "serialpos_bench"
UNITS = 10_000  # per item
SCAN_MS, SALE_MS = 0.3, 8.0


def _admin(url: str, sql: str) -> None:
    with psycopg.connect(_plain(url), autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _plain(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def run(url: str) -> Report:
    report = Report()
    _admin(url, f"DROP DATABASE IF EXISTS {DB}")
    _admin(url, f"CREATE DATABASE {DB}")
    store = open_store(_plain(url, DB))
    try:
        manager = users.create_first_manager(store, name="manager", pin="9999")
        users.add_user(store, manager, name="cashier", role=Role.CASHIER, pin="1111")
        cashier = users.actor_by_name(store, "cashier")
        create_location(store, manager, name="Front store")
        for sku in ("PHONE", "TAB"):
            fields = ItemFields(name=sku.title(), price=10_000, serialized=True, warranty_days=90)
            create_item(store, manager, sku=sku, values=fields)
            rcv = Receiving(sku=sku, location="Front store")
            text = f"{sku}{1:06d}...{sku}{UNITS:06d}"
            receive_serials(store, manager, rcv, parse_range(text), method="range")
        bulk = pos_bench.add_bulk_item(store, manager, "Front store")
        serials = [f"PHONE{n:06d}" for n in range(1, UNITS + 1, 7)]
        floor = psycopg.connect(_plain(url, DB), autocommit=True)
        dialect = store.engine.dialect
        service: list[float] = []
        floor_ms: list[float] = []
        for n, serial in enumerate(serials):
            started = time.perf_counter()
            result = resolve_scan(store, cashier, serial, location="Front store")
            if n >= 100:  # the first 100 warm both up
                service.append((time.perf_counter() - started) * 1000)
            assert isinstance(result, UnitScan), result
            started = time.perf_counter()
            sql, params = UNITS_BY_KEY.bound(dialect, key=serial_key(serial))
            floor.execute(sql, params).fetchall()  # type: ignore[arg-type]
            if n >= 100:
                floor_ms.append((time.perf_counter() - started) * 1000)
        floor.close()
        _add(
            report,
            "pg_scan",
            "PostgreSQL: scan a serial, `resolve_scan`",
            service,
            floor_ms,
            SCAN_MS,
        )
        counted = pos_bench.Counted(store.engine)
        sales, floor_sales = _sales(store, cashier, bulk, _plain(url, DB), counted)
        report.facts.update(
            pg_sale_statements=counted.statements, pg_sale_round_trips=counted.round_trips
        )
        _add(
            report,
            "pg_sale",
            "PostgreSQL: complete a sale (3 units + 1 bulk, cash)",
            sales,
            floor_sales,
            SALE_MS,
            f"{counted.statements} statements, {counted.round_trips} round trips each",
        )
    finally:
        store.dispose()
        _admin(url, f"DROP DATABASE IF EXISTS {DB}")
    return report


def _sales(
    store: Store, cashier: Actor, bulk: CartLine, url: str, counted: pos_bench.Counted
) -> tuple[list[float], list[float]]:
    """`complete_sale` beside the floor's plain-SQL sale of three other units, in turns; the
    first ten of each warm up. `counted` counts the statements and round trips of the
    first sale after them."""
    till = Till("TILL-PG", "Front store")
    sales: list[float] = []
    floor_sales: list[float] = []
    tabs = [f"TAB{n:06d}" for n in range(1, 1201)]
    floor = psycopg.connect(url)
    try:
        user_id, location_id = floor.execute(
            "SELECT u.id, l.id FROM users u, locations l"
            " WHERE u.name = 'cashier' AND l.name = 'Front store'"
        ).fetchone() or (0, 0)
        floor.commit()
        for start in range(0, len(tabs), 6):
            mine = pos_bench.unit_lines(store, cashier, tabs[start : start + 3], "Front store")
            theirs = pos_bench.unit_lines(
                store, cashier, tabs[start + 3 : start + 6], "Front store"
            )
            lines = (*mine, bulk)
            total = sum(ln.unit_price * ln.qty for ln in lines)
            checkout = Checkout(lines, (TenderInput(TenderKind.CASH, total),))
            counted.on = len(sales) == 10  # the first sale past the warm-up, as a till's
            started = time.perf_counter()
            complete_sale(store, cashier, till, checkout)
            sales.append((time.perf_counter() - started) * 1000)
            counted.on = False
            started = time.perf_counter()
            pg_floor.floor_sale(floor, user_id, location_id, [*theirs, bulk])
            floor_sales.append((time.perf_counter() - started) * 1000)
    finally:
        floor.close()
    return sales[10:], floor_sales[10:]


def _add(
    report: Report,
    key: str,
    label: str,
    times: list[float],
    floor: list[float] | None,
    limit: float,
    note: str = "",
) -> None:
    for name, pct in (("median", 50), ("p99", 99)):
        report.add(
            Metric(
                f"{key}_{name}",
                f"{label}, {name}",
                "ms",
                percentile(times, pct),
                None if floor is None else percentile(floor, pct),
                limit if name == "median" else None,
                f"{len(times)} calls{'; ' + note if note else ''}" if name == "median" else "",
            )
        )


def main(url: str) -> int:
    report = run(url)
    print()
    print("PostgreSQL till benchmarks\n\n" + markdown_table(report.metrics))
    return 0
