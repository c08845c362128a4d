"""The window is shown and its PIN field painted before the store is open; the store
opens after that paint (app.ui.store_opening). A PIN sent meanwhile is checked once the
store is there (a scan into the field is refused then as ever: test_pin_typed_fast.py),
and every store that cannot be opened is one line in the window, with only Quit left."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from demo_shop import DEMO_PIN, enter_pin
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import Settings
from app.db import engine as db_engine
from app.db.head import HEAD, stored_revision
from app.db.migrate import run_migration
from app.db.uow import Store, open_store
from app.ui.app import Till
from app.ui.dialogs.pin_dialog import STORE_OPENING, PinDialog
from app.ui.main_window import MainWindow
from app.users.services import has_users


def test_a_pin_sent_before_the_store_is_open_is_checked_once_it_is(
    qtbot: QtBot, demo_store: Store
) -> None:
    dialog = PinDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    enter_pin(qtbot, dialog, DEMO_PIN)
    assert dialog.actor is None and dialog.message_label.text() == STORE_OPENING
    assert dialog.pin_edit.text() == DEMO_PIN  # kept, not lost
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.store_opened(demo_store)
    assert dialog.actor is not None and dialog.actor.name == "manager"


def test_a_pin_changed_after_enter_waits_for_the_next_enter(
    qtbot: QtBot, demo_store: Store
) -> None:
    dialog = PinDialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    enter_pin(qtbot, dialog, "12")
    qtbot.keyClicks(dialog.pin_edit, "34")  # the PIN is 1234 now; not sent yet
    assert dialog.message_label.text() == ""
    dialog.store_opened(demo_store)
    settle(qtbot)
    assert dialog.actor is None and dialog.isVisible()
    enter_pin(qtbot, dialog, "")
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=10_000)


@pytest.fixture
def till(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Till]:
    monkeypatch.setenv("SERIALPOS_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("SERIALPOS_DATA_DIR", str(tmp_path / "data"))
    till = Till(None, Settings())
    yield till
    till.stop()


def _start(qtbot: QtBot, till: Till, url: str, *, demo: bool = False) -> MainWindow:
    """The window as `serialpos gui` starts it, until its store is open or refused."""
    window = till.start(QApplication.instance(), store_url=url, demo=demo)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    dialog = window.pin_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: till.store is not None or bool(till.problem), timeout=60_000)
    assert window.windowTitle() == "SerialPOS — Locked"
    return window


def _refused(window: MainWindow, till: Till, *, says: str) -> None:
    dialog = window.pin_dialog
    assert dialog is not None and till.store is None
    line = dialog.message_label.text()
    assert says.lower() in line.lower() and "\n" not in line and "Traceback" not in line
    assert line == till.problem[:1].upper() + till.problem[1:]
    label = dialog.message_label  # every line of it shown, however long the path
    assert label.height() >= label.heightForWidth(label.width())
    assert not dialog.pin_edit.isEnabled() and not dialog.login_button.isEnabled()
    assert dialog.quit_button.isEnabled()
    assert window.store_label.text() == "Store: not open"


def _copy(template: Path, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copyfile(template, path)
    return path


def test_an_existing_store_opens_after_the_paint_and_a_pin_logs_in(
    qtbot: QtBot, till: Till, demo_template: Path, tmp_path: Path
) -> None:
    path = _copy(demo_template, tmp_path, "shop.sqlite3")
    window = _start(qtbot, till, f"sqlite:///{path}")
    assert window.store_label.text() == f"Store: {path}"
    assert window.pin_dialog is not None
    enter_pin(qtbot, window.pin_dialog, DEMO_PIN)
    qtbot.waitUntil(lambda: window.actor is not None, timeout=10_000)


def test_the_first_start_makes_the_demo_store(qtbot: QtBot, till: Till, tmp_path: Path) -> None:
    _start(qtbot, till, f"sqlite:///{tmp_path / 'new' / 'shop.sqlite3'}", demo=True)
    assert till.store is not None and has_users(till.store)


def test_a_store_needing_an_upgrade_is_upgraded(
    qtbot: QtBot, till: Till, template_store: Path, tmp_path: Path
) -> None:
    path = _copy(template_store, tmp_path, "old.sqlite3")
    older = open_store(f"sqlite:///{path}")
    run_migration(older.engine, lambda cfg: command.downgrade(cfg, "-1"))
    older.dispose()
    _start(qtbot, till, f"sqlite:///{path}")
    assert till.store is not None and stored_revision(till.store.engine) == HEAD


def test_a_store_locked_by_another_process_while_it_needs_an_upgrade(
    qtbot: QtBot,
    till: Till,
    template_store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _copy(template_store, tmp_path, "old.sqlite3")
    older = open_store(f"sqlite:///{path}")
    run_migration(older.engine, lambda cfg: command.downgrade(cfg, "-1"))
    older.dispose()
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 200)  # not the till's 10 s
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        window = _start(qtbot, till, f"sqlite:///{path}")
    finally:
        other.close()
    _refused(window, till, says="database is locked")


def test_a_store_from_a_newer_serialpos(
    qtbot: QtBot, till: Till, template_store: Path, tmp_path: Path
) -> None:
    path = _copy(template_store, tmp_path, "newer.sqlite3")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    window = _start(qtbot, till, f"sqlite:///{path}")
    _refused(window, till, says=f"at schema 9999, newer than this SerialPOS ({HEAD})")


def test_a_file_that_is_not_a_store(qtbot: QtBot, till: Till, tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"not a database " * 400)
    window = _start(qtbot, till, f"sqlite:///{path}")
    _refused(window, till, says="file is not a database")


def test_a_postgresql_server_that_is_down(qtbot: QtBot, till: Till) -> None:
    window = _start(qtbot, till, "postgresql+psycopg://till:secret@127.0.0.1:9/shop")
    _refused(window, till, says="cannot open the store")
    assert "secret" not in window.pin_dialog.message_label.text()  # type: ignore[union-attr]


def test_a_store_folder_that_is_a_file(qtbot: QtBot, till: Till, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    window = _start(qtbot, till, f"sqlite:///{blocker / 'shop.sqlite3'}")
    _refused(window, till, says="cannot open the store")


def test_the_warm_up_imports_on_the_worker_after_the_store_opens(
    qtbot: QtBot, till: Till, demo_template: Path, tmp_path: Path
) -> None:
    from app.ui.store_opening import StoreOpening

    path = _copy(demo_template, tmp_path, "shop.sqlite3")
    window = _start(qtbot, till, f"sqlite:///{path}")
    opening = window.findChild(StoreOpening)
    assert opening is not None
    qtbot.waitUntil(lambda: opening.warmed, timeout=30_000)
