"""In the window, a write that waited past the busy timeout is the line "the store is busy;
try again" under the field, and a write that lost the lock once is made again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.db import engine as engine_module
from app.db import uow
from app.db.uow import Store, open_store, sqlite_url
from app.stock.locations import create_location
from app.ui.ops import Ops
from app.users.services import actor_by_name


@pytest.fixture
def impatient(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    s = open_store(sqlite_url(store_path))
    yield s
    s.dispose()


def test_a_busy_store_is_one_line_in_the_window(
    qtbot: QtBot, impatient: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = actor_by_name(impatient, "manager")
    other_till = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
    other_till.execute("BEGIN IMMEDIATE")
    pauses: list[float] = []
    monkeypatch.setattr(uow.time, "sleep", pauses.append)
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[str] = []
    ops = Ops(impatient, owner, show_problem=shown.append)
    try:
        ops.run(lambda: create_location(impatient, manager, name="Kiosk"), success=print)
        settle(qtbot)
    finally:
        other_till.rollback()
        other_till.close()
    assert shown == ["the store is busy; try again"]
    assert len(pauses) == len(uow.BUSY_RETRY_PAUSES_S)


def test_a_write_that_lost_the_lock_once_goes_through(
    qtbot: QtBot, impatient: Store, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = actor_by_name(impatient, "manager")
    other_till = sqlite3.connect(store_path, isolation_level=None, check_same_thread=False)
    other_till.execute("BEGIN IMMEDIATE")
    monkeypatch.setattr(uow.time, "sleep", lambda _s: other_till.rollback())
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[str] = []
    made: list[object] = []
    ops = Ops(impatient, owner, show_problem=shown.append)
    ops.run(lambda: create_location(impatient, manager, name="Kiosk"), success=made.append)
    settle(qtbot)
    other_till.close()
    assert shown == [] and len(made) == 1
