"""The crash test: a till process selling, refunding and receiving is SIGKILLed at random
moments, over and over, on one SQLite store; after every kill the store is intact, the
ledger replays to every unit's state, and every sale and refund is whole or absent."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db.uow import open_store, sqlite_url
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.users import services as users

WORKER = Path(__file__).with_name("crash_worker.py")
KILLS = 50


def _one(db: sqlite3.Connection, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])


def _check(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # The ledger replays to each unit's state: every move starts where the last ended.
        replayed: dict[int, tuple[str | None, int | None]] = {}
        for unit, from_s, from_l, to_s, to_l in db.execute(
            "SELECT unit_id, from_status, from_location_id, to_status, to_location_id"
            " FROM movements WHERE unit_id IS NOT NULL ORDER BY id"
        ):
            if unit in replayed:
                assert replayed[unit] == (from_s, from_l), unit
            replayed[unit] = (to_s, to_l)
        state = {u: (s, loc) for u, s, loc in db.execute(
            "SELECT id, status, location_id FROM serial_units")}  # fmt: skip
        assert replayed == state
        # Whole sales: lines, tenders and the unit moves, all there.
        assert _one(db, "SELECT count(*) FROM sales s WHERE NOT EXISTS"
                        " (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id)") == 0  # fmt: skip
        assert _one(db, "SELECT count(*) FROM sales s WHERE s.total >"
                        " (SELECT coalesce(sum(amount), 0) FROM tenders t"
                        "  WHERE t.sale_id = s.id)") == 0  # fmt: skip
        assert _one(db, "SELECT count(*) FROM sale_lines l JOIN sales s ON s.id = l.sale_id"
                        " WHERE l.unit_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM movements m"
                        "  WHERE m.unit_id = l.unit_id AND m.kind = 'sale'"
                        "  AND m.document = s.number)") == 0  # fmt: skip
        assert _one(db, "SELECT count(*) FROM movements m WHERE m.kind = 'sale' AND NOT EXISTS"
                        " (SELECT 1 FROM sales s WHERE s.number = m.document)") == 0  # fmt: skip
        # Whole refunds: lines and their unit moves.
        assert _one(db, "SELECT count(*) FROM refunds r WHERE NOT EXISTS"
                        " (SELECT 1 FROM refund_lines l"
                        "  WHERE l.refund_id = r.id)") == 0  # fmt: skip
        assert _one(db, "SELECT count(*) FROM movements m WHERE m.kind LIKE 'refund%'"
                        " AND NOT EXISTS (SELECT 1 FROM refunds r"
                        "  WHERE r.number = m.document)") == 0  # fmt: skip
        assert _one(db, "SELECT count(*) FROM movements m WHERE m.kind = 'receive' AND NOT EXISTS"
                        " (SELECT 1 FROM serial_units u WHERE u.id = m.unit_id)") == 0  # fmt: skip
    finally:
        db.close()


@pytest.mark.slow
def test_killing_a_till_at_random_moments_never_leaves_half_a_sale(store_path: Path) -> None:
    url = sqlite_url(store_path)
    store = open_store(url)
    manager = users.actor_by_name(store, "manager")
    create_location(store, manager, name="Front")
    fields = ItemFields(name="Phone", price=10_000, serialized=True)
    create_item(store, manager, sku="PH", values=fields)
    store.dispose()
    rng = random.Random(12)
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path.cwd(),
    )  # fmt: skip
    assert worker.stdin is not None and worker.stdout is not None
    started = time.monotonic()
    try:
        for kill in range(KILLS):
            worker.stdin.write(f"go {kill}\n")
            worker.stdin.flush()
            pid = int(worker.stdout.readline())
            time.sleep(rng.uniform(0.05, 0.5))
            os.kill(pid, signal.SIGKILL)
            assert worker.stdout.readline().strip() == "dead"
            _check(store_path)
    finally:
        worker.stdin.close()
        worker.wait(timeout=30)
    db = sqlite3.connect(store_path)
    sales = _one(db, "SELECT count(*) FROM sales")
    refunds = _one(db, "SELECT count(*) FROM refunds")
    db.close()
    assert sales > 0 and refunds > 0, (sales, refunds)  # the kills hit real work
    assert time.monotonic() - started < 120
