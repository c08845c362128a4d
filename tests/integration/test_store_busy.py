"""Two tills racing on one SQLite file: a write that waits past the busy timeout is one
line ("the store is busy; try again"), never a traceback, and a call that lost the lock is
made again (while it has committed nothing) before giving up."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db import engine as engine_module
from app.db import uow
from app.db.uow import Store, open_store, sqlite_url
from app.errors import StoreBusy
from app.stock.locations import create_location
from app.stock.queries import list_locations
from app.users.roles import Actor
from app.users.services import actor_by_name
from tests.conftest import PINS


@pytest.fixture
def impatient(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store with a 50 ms busy timeout (the tills wait 10 s)."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    s = open_store(sqlite_url(store_path))
    yield s
    s.dispose()


@pytest.fixture
def other_till(store_path: Path) -> Iterator[sqlite3.Connection]:
    """Another till in the middle of a write: it holds the lock until the test lets go."""
    conn = sqlite3.connect(store_path, isolation_level=None, timeout=0.05)
    conn.execute("BEGIN IMMEDIATE")
    yield conn
    if conn.in_transaction:
        conn.rollback()
    conn.close()


def test_a_write_past_the_busy_timeout_is_one_line_after_retries(
    impatient: Store, other_till: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = actor_by_name(impatient, "manager")
    tries: list[float] = []
    monkeypatch.setattr(uow.time, "sleep", tries.append)
    with pytest.raises(StoreBusy) as refused:
        impatient.retrying(lambda: create_location(impatient, manager, name="Kiosk"))
    assert str(refused.value) == "the store is busy; try again"
    assert tries == list(uow.BUSY_RETRY_PAUSES_S)  # made three times in all
    other_till.rollback()
    assert "Kiosk" not in [loc.name for loc in list_locations(impatient, manager)]


def test_a_write_that_lost_the_lock_is_made_again(
    impatient: Store, other_till: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = actor_by_name(impatient, "manager")
    monkeypatch.setattr(uow.time, "sleep", lambda _s: other_till.rollback())  # it finishes
    made = impatient.retrying(lambda: create_location(impatient, manager, name="Kiosk"))
    assert made.name == "Kiosk"


def test_a_call_that_committed_before_the_store_got_busy_is_not_repeated(
    impatient: Store, store_path: Path, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = actor_by_name(impatient, "manager")
    monkeypatch.setattr(uow.time, "sleep", lambda _s: pytest.fail("must not retry"))
    made: list[str] = []

    def two_writes() -> None:
        made.append(create_location(impatient, actor, name="Kiosk").name)
        lock = sqlite3.connect(store_path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        try:
            create_location(impatient, actor, name="Van")
        finally:
            lock.rollback()
            lock.close()

    with pytest.raises(StoreBusy):
        impatient.retrying(two_writes)
    assert made == ["Kiosk"]


def test_the_command_line_says_the_store_is_busy_in_one_line(
    store_path: Path,
    other_till: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.cli import main

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(uow.time, "sleep", lambda _s: None)
    monkeypatch.setenv("SERIALPOS_PIN", PINS["manager"])
    code = main(["--db", sqlite_url(store_path), "--as", "manager", "location", "add", "Kiosk"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "serialpos: the store is busy; try again\n"
