"""The benchmark store generator (bench/generate.py) writes what the services would write.

A 5,000-unit store is built once for the module (about a second): if the generator drifts
from the services, the benchmark numbers stop meaning anything, so these tests compare
its rows with rows the services write into the same store.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.db.migrate import current_revision, head_revision
from app.db.uow import open_store, sqlite_url
from app.stock import queries
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_range, serial_key
from app.users import services as users

# bench/ sits beside app/ but is not installed with it; `python -m pytest` (make test) has
# the repo root on sys.path, a bare `pytest` does not, so make the import work for both.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from bench.generate import Manifest, cached_store  # noqa: E402

UNITS = 5_000


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("bench-out")
    path, manifest, reused = cached_store(UNITS, out_dir=out)
    assert not reused
    return path, manifest


@pytest.fixture
def db(generated: tuple[Path, Manifest]) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{generated[0]}?mode=ro", uri=True)
    yield conn
    conn.close()


@pytest.fixture
def copy(generated: tuple[Path, Manifest], tmp_path: Path) -> Path:
    """A private copy for tests that write (the cached store must stay as generated)."""
    path = tmp_path / "copy.sqlite3"
    shutil.copyfile(generated[0], path)
    return path


def one(conn: sqlite3.Connection, sql: str, *params: object) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def test_counts_match_the_manifest(
    db: sqlite3.Connection, generated: tuple[Path, Manifest]
) -> None:
    manifest = generated[1]
    assert one(db, "SELECT count(*) FROM serial_units") == UNITS == manifest.units
    assert one(db, "SELECT count(*) FROM items") == manifest.items == 1_000
    assert one(db, "SELECT count(*) FROM movements") == manifest.movements
    # One receiving batch per item, and each batch's qty is the units it brought in.
    assert one(db, "SELECT count(*) FROM receiving_batches") == manifest.items
    assert one(db, "SELECT sum(qty) FROM receiving_batches") == UNITS
    wrong_qty = one(
        db,
        "SELECT count(*) FROM receiving_batches b "
        "WHERE qty != (SELECT count(*) FROM serial_units u WHERE u.batch_id = b.id)",
    )
    assert wrong_qty == 0
    assert one(db, "SELECT count(*) FROM users") == 3
    assert one(db, "SELECT count(*) FROM locations") >= 4


def test_every_unit_has_exactly_one_receive_movement_from_its_batch(db: sqlite3.Connection) -> None:
    not_one = one(
        db,
        "SELECT count(*) FROM serial_units u WHERE (SELECT count(*) FROM movements m "
        "WHERE m.unit_id = u.id AND m.kind = 'receive') != 1",
    )
    assert not_one == 0
    unlike_batch = one(
        db,
        "SELECT count(*) FROM movements m JOIN serial_units u ON u.id = m.unit_id "
        "JOIN receiving_batches b ON b.id = u.batch_id WHERE m.kind = 'receive' AND NOT ("
        "m.document = 'batch:' || b.id AND m.to_location_id = b.location_id "
        "AND m.to_status = 'in_stock' AND m.at = b.at AND u.received_at = b.at "
        "AND m.user_id = b.user_id AND m.item_id = u.item_id)",
    )
    assert unlike_batch == 0


def test_serial_key_is_the_apps_serial_key(db: sqlite3.Connection) -> None:
    rows = db.execute("SELECT serial, serial_key FROM serial_units").fetchall()
    assert [k for _s, k in rows] == [serial_key(s) for s, _k in rows]
    # Mixed-case serials exist, so the key really differs from the serial sometimes.
    assert any(s != k for s, k in rows)


def test_unit_state_is_where_its_last_movement_left_it(db: sqlite3.Connection) -> None:
    drift = one(
        db,
        "SELECT count(*) FROM serial_units u JOIN movements m ON m.id = "
        "(SELECT max(id) FROM movements WHERE unit_id = u.id) "
        "WHERE m.to_status != u.status OR m.to_location_id IS NOT u.location_id",
    )
    assert drift == 0
    # Ledger ids run with its clock, as in a shop.
    backwards = one(
        db, "SELECT count(*) FROM movements a JOIN movements b ON b.id = a.id + 1 WHERE b.at < a.at"
    )
    assert backwards == 0


def test_status_mix_is_mostly_in_stock_with_a_realistic_rest(db: sqlite3.Connection) -> None:
    share = {
        status: n / UNITS
        for status, n in db.execute("SELECT status, count(*) FROM serial_units GROUP BY status")
    }
    assert 0.65 < share["in_stock"] < 0.75
    assert 0.20 < share["sold"] < 0.30
    assert {"defective", "at_vendor", "adjusted_out"} <= share.keys()
    write_offs = one(db, "SELECT count(*) FROM serial_units WHERE status = 'adjusted_out'")
    audited = one(db, "SELECT count(*) FROM audit_log WHERE action = 'unit.write_off'")
    assert write_offs == audited
    in_stock_places = one(
        db, "SELECT count(DISTINCT location_id) FROM serial_units WHERE status = 'in_stock'"
    )
    assert in_stock_places >= 4


def test_store_is_consistent_wal_and_at_the_head_revision(
    db: sqlite3.Connection, generated: tuple[Path, Manifest]
) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert one(db, "PRAGMA quick_check") == "ok"
    assert one(db, "PRAGMA journal_mode") == "wal"
    store = open_store(sqlite_url(generated[0]), migrate=False)
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.dispose()


def test_second_run_reuses_the_cached_store(generated: tuple[Path, Manifest]) -> None:
    path, manifest = generated
    again, manifest_again, reused = cached_store(UNITS, out_dir=path.parent)
    assert reused and again == path and manifest_again == manifest


def test_service_queries_find_generated_units(copy: Path, generated: tuple[Path, Manifest]) -> None:
    manifest = generated[1]
    conn = sqlite3.connect(copy)
    serial, item_id = conn.execute(
        "SELECT serial, item_id FROM serial_units WHERE serial != serial_key LIMIT 1"
    ).fetchone()
    shared = conn.execute(
        "SELECT serial FROM serial_units GROUP BY serial_key HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    conn.close()
    store = open_store(sqlite_url(copy))
    try:
        actor = users.actor_by_name(store, manifest.actor)
        found = queries.find_units(store, actor, f"  {serial.swapcase()} ")
        assert item_id in [u.item_id for u in found] and serial in [u.serial for u in found]
        # Some serials exist under several items, as the README promises the look-up shows.
        assert shared is not None
        assert len(queries.find_units(store, actor, shared[0])) > 1
        page = queries.list_units(
            store, actor, queries.UnitFilter(status="in_stock", prefix=serial[:2]), limit=5
        )
        assert page.units and all(u.status == "in_stock" for u in page.units)
        assert all(serial_key(u.serial).startswith(serial_key(serial[:2])) for u in page.units)
    finally:
        store.dispose()


def _types(conn: sqlite3.Connection, table: str, where: str) -> dict[str, set[str]]:
    """Per column, the Python types of its non-null values in the rows chosen."""
    columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    types: dict[str, set[str]] = {c: set() for c in columns}
    for row in conn.execute(f"SELECT * FROM {table} WHERE {where}"):
        for column, value in zip(columns, row, strict=True):
            if value is not None:
                types[column].add(type(value).__name__)
    return types


def _lengths(conn: sqlite3.Connection, sql: str) -> set[int]:
    return {len(row[0]) for row in conn.execute(sql)}


def test_generated_rows_are_shaped_like_service_rows(
    copy: Path, generated: tuple[Path, Manifest]
) -> None:
    manifest = generated[1]
    store = open_store(sqlite_url(copy))
    try:
        manager = users.actor_by_name(store, "manager")
        rcv = Receiving(
            sku=manifest.bench_sku, location=manifest.bench_location, supplier_warranty_days=30
        )
        batch = receive_serials(
            store, manager, rcv, parse_range("BX000001...BX000020"), method="range"
        ).batch_id
    finally:
        store.dispose()
    conn = sqlite3.connect(copy)
    try:
        # The bench item's generated units beside the 20 the service just received into
        # it: every column holds the same kind of value, or is empty in both.
        item = f"item_id = (SELECT id FROM items WHERE sku = '{manifest.bench_sku}')"
        by_service = _types(conn, "serial_units", f"batch_id = {batch}")
        by_generator = _types(conn, "serial_units", f"{item} AND batch_id != {batch}")
        for column, kinds in by_generator.items():
            assert kinds <= by_service[column], column
        receive = "kind = 'receive' AND unit_id IN (SELECT id FROM serial_units WHERE {})"
        assert _types(conn, "movements", receive.format(f"batch_id != {batch}")) == _types(
            conn, "movements", receive.format(f"batch_id = {batch}")
        )
        # Dates and times are text in SQLite: one length per column means one format.
        assert _lengths(conn, "SELECT received_at FROM serial_units") == {26}
        assert _lengths(conn, "SELECT at FROM movements") == {26}
        assert _lengths(
            conn, "SELECT supplier_warranty_end FROM serial_units WHERE supplier_warranty_end "
            "IS NOT NULL"
        ) == {10}  # fmt: skip
    finally:
        conn.close()
