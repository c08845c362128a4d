"""The store: migrations on open, SQLite pragmas, and write transactions that lock early."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db.migrate import current_revision, head_revision
from app.db.uow import open_store, sqlite_url


def test_a_new_store_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "new" / "shop.sqlite3"))
    assert current_revision(store.engine) == head_revision() is not None
    store.dispose()


def test_an_older_store_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()  # an empty file: a store from before the first schema
    store = open_store(sqlite_url(path))
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM serial_units")).scalar() == 0
    store.dispose()


def test_sqlite_pragmas(store_path: Path) -> None:
    store = open_store(sqlite_url(store_path))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    store.dispose()


def test_a_write_takes_the_lock_and_a_read_does_not(store_path: Path) -> None:
    first, second = (open_store(sqlite_url(store_path)) for _ in range(2))
    other = sqlite3.connect(store_path, timeout=0.1, isolation_level=None)
    try:
        with first.read() as s:
            s.execute(text("SELECT count(*) FROM items"))
            other.execute("BEGIN IMMEDIATE")  # a read leaves the write lock free
            other.execute("ROLLBACK")
        with first.write() as w:
            w.execute(text("SELECT count(*) FROM items"))  # a write locks from its first read
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            with second.read() as s:  # readers are never blocked by a writer (WAL)
                assert s.execute(text("SELECT count(*) FROM users")).scalar() == 4
    finally:
        other.close()
        first.dispose()
        second.dispose()


def test_a_second_writer_waits_for_the_first(store_path: Path) -> None:
    first, second = (open_store(sqlite_url(store_path)) for _ in range(2))
    order: list[str] = []

    def late_writer() -> None:
        with second.write() as w2:
            w2.execute(text("SELECT 1"))
            order.append("second")

    with first.write() as w:
        w.execute(text("SELECT 1"))
        thread = threading.Thread(target=late_writer)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
    first.dispose()
    second.dispose()


def test_an_unreachable_store_is_a_one_line_user_error(tmp_path: Path) -> None:
    from app.errors import StoreUnavailable

    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot open the store"):
        open_store(sqlite_url(blocked / "shop.sqlite3"))


def test_a_store_in_an_unwritable_place_is_a_user_error(tmp_path: Path) -> None:
    from app.errors import StoreUnavailable

    with pytest.raises(StoreUnavailable, match="cannot open the store"):
        open_store(sqlite_url(tmp_path / "missing-dir-is-made" / "sub" / "shop.sqlite3")).dispose()
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro" / "shop.sqlite3").mkdir()  # a folder where the file should be
        open_store(sqlite_url(tmp_path / "ro" / "shop.sqlite3"))
