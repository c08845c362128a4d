"""Service-desk benchmarks on a store with 100,000 tickets on file.

- intake commit: `open_ticket` of a device for an existing customer, all the way to the
  commit. Target: median under 20 ms.
- ticket list: the first page of open tickets, and the first page after a filter change
  (status, technician, overdue, customer search, serial search). Target: under 50 ms.
- scan of a ticket number through `app.scan.resolve_scan`, the till's path when a ticket
  is collected. Target: one display frame (16 ms), median.

The store is made fresh for the run (batched Core inserts), then removed.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from app.customers.models import Customer
from app.db.uow import Store, open_store, sqlite_url
from app.scan import TicketScan, resolve_scan
from app.stock.locations import create_location
from app.tickets.intake import Intake, open_ticket
from app.tickets.models import Ticket, TicketStatusChange
from app.tickets.queries import TicketFilter, list_tickets
from app.tickets.statuses import OPEN, TicketStatus
from app.users import services as users
from app.users.roles import Role
from bench.generate import OUT_DIR
from bench.stock_bench import Metric, Report, markdown_table, percentile

TICKETS = 100_000
CUSTOMERS = 20_000
BATCH = 5_000
INTAKES = 200
PAGES = 50
SCANS = 1_000
INTAKE_MS, LIST_MS, SCAN_MS = 20.0, 50.0, 16.0
OPEN_SHARE = 0.12  # the rest were collected or cancelled long ago


def _fill(store: Store, rng: random.Random, technicians: list[int]) -> None:
    """Customers and 100,000 tickets (and their first status step) in batched inserts."""
    now = datetime.now().replace(microsecond=0)
    with store.engine.begin() as conn:
        conn.execute(
            insert(Customer),
            [{"id": i, "name": f"Customer {i:05d}", "phone": f"555-{i:06d}", "email": ""}
             for i in range(1, CUSTOMERS + 1)],
        )  # fmt: skip
        open_statuses = [s.value for s in OPEN]
        for start in range(1, TICKETS + 1, BATCH):
            rows, steps = [], []
            for n in range(start, min(start + BATCH, TICKETS + 1)):
                age = (TICKETS - n) * 0.01  # days: the newest ticket is today's
                opened = now - timedelta(days=age)
                status = (
                    rng.choice(open_statuses)
                    if n > TICKETS * (1 - OPEN_SHARE)
                    else rng.choice(("collected", "collected", "collected", "cancelled"))
                )
                serial = f"SN{n:08d}"
                rows.append({
                    "id": n, "number": f"T-{n:06d}", "opened_at": opened,
                    "opened_on": opened.date(), "opened_by": technicians[0], "status": status,
                    "touched_at": opened, "priority": "normal",
                    "customer_id": rng.randrange(1, CUSTOMERS + 1), "serial": serial,
                    "serial_key": serial.lower(), "device": "Phone", "problem": "screen",
                    "condition": "", "condition_note": "", "accessories": "",
                    "promised": opened.date() + timedelta(days=3),
                    "technician_id": rng.choice(technicians), "under_warranty": n % 3 == 0,
                })  # fmt: skip
                steps.append({"ticket_id": n, "at": opened, "user_id": technicians[0],
                              "from_status": None, "to_status": "new", "note": ""})  # fmt: skip
            conn.execute(insert(Ticket), rows)
            conn.execute(insert(TicketStatusChange), steps)
        conn.exec_driver_sql(f"UPDATE counters SET value = {TICKETS} WHERE name = 'ticket'")
        conn.exec_driver_sql("ANALYZE")


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def _timed(call: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def run(out_dir: Path = OUT_DIR, *, log: Callable[[str], None] = print) -> Report:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"tickets-{os.getpid()}.sqlite3"
    report = Report()
    rng = random.Random(8)
    store = open_store(sqlite_url(path))
    try:
        manager = users.create_first_manager(store, name="manager", pin="9999")
        tech = users.add_user(store, manager, name="tech", role=Role.SERVICE, pin="2222")
        other = users.add_user(store, manager, name="tech2", role=Role.SERVICE, pin="3333")
        create_location(store, manager, name="Front store")
        log(f"tickets: filling {TICKETS:,} ...")
        _fill(store, rng, [tech.id, other.id])
        measure_intake(store, tech, rng, report)
        measure_list(store, tech, report)
        measure_scan(store, tech, rng, report)
        report.facts.update(tickets=TICKETS + INTAKES, customers=CUSTOMERS)
    finally:
        store.dispose()
        for scratch in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            scratch.unlink(missing_ok=True)
    return report


def measure_intake(store: Store, tech: Any, rng: random.Random, report: Report) -> None:
    def intake() -> None:
        n = rng.randrange(1_000_000)
        open_ticket(store, tech, Intake(
            serial=f"NEW{n:07d}", device="Pixel 7", problem="battery swells",
            customer_id=rng.randrange(1, CUSTOMERS + 1), estimate=4500,
            promised=date.today() + timedelta(days=2), technician_id=tech.id,
        ))  # fmt: skip

    times = sorted(_timed(intake, INTAKES))
    report.add(Metric("ticket_intake_median", f"Ticket intake commit, median ({INTAKES})",
                      "ms", _median_ms(times), None, INTAKE_MS))  # fmt: skip
    report.add(Metric("ticket_intake_p95", "Ticket intake commit, p95", "ms",
                      percentile([t * 1000 for t in times], 95), None, None))  # fmt: skip


def measure_list(store: Store, tech: Any, report: Report) -> None:
    cases = {
        "first page of open tickets": TicketFilter(),
        "filter: status in repair": TicketFilter(status=TicketStatus.IN_REPAIR),
        "filter: technician": TicketFilter(technician_id=tech.id),
        "filter: overdue": TicketFilter(overdue=True),
        "search: customer name": TicketFilter(search="Customer 0123", closed_too=True),
        "search: serial": TicketFilter(search="SN00054321", closed_too=True),
        "search: ticket number": TicketFilter(search="T-054321", closed_too=True),
        "all tickets, closed too": TicketFilter(closed_too=True),
    }
    for key, (label, f) in enumerate(cases.items()):
        page = list_tickets(store, tech, f)
        times = _timed(lambda f=f: list_tickets(store, tech, f), PAGES)  # type: ignore[misc]
        report.add(Metric(f"ticket_list_{key}", f"Ticket list, {label} ({len(page.tickets)} rows)",
                          "ms", _median_ms(times), None, LIST_MS))  # fmt: skip


def measure_scan(store: Store, tech: Any, rng: random.Random, report: Report) -> None:
    numbers = [f"T-{rng.randrange(1, TICKETS + 1):06d}" for _ in range(SCANS)]
    times = []
    for number in numbers:
        started = time.perf_counter()
        result = resolve_scan(store, tech, number, location="Front store")
        times.append(time.perf_counter() - started)
        assert isinstance(result, TicketScan), result
    report.add(Metric("ticket_scan_median", f"Scan of a ticket number (resolve_scan, {SCANS:,})",
                      "ms", _median_ms(times), None, SCAN_MS))  # fmt: skip


def main(out_dir: Path = OUT_DIR) -> int:
    report = run(out_dir)
    text = (
        f"Service-desk benchmarks: {report.facts['tickets']:,} tickets, "
        f"{report.facts['customers']:,} customers.\n\n" + markdown_table(report.metrics) + "\n"
    )
    print()
    print(text)
    (out_dir / "tickets-results.md").write_text(text, encoding="utf-8")
    return 0 if all(m.passed is not False for m in report.metrics) else 1
