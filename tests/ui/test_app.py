"""Starting the app: the demo store on first start, and a message (not a traceback) when
the store cannot be opened."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.db.uow import open_store
from app.ui import app as ui_app
from app.ui.main_window import MainWindow
from app.users.services import has_users


@pytest.fixture(autouse=True)
def _isolated(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """No real settings file; the hook, style and style sheet run_gui sets are undone."""
    monkeypatch.setenv("SERIALPOS_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    style, sheet = qapp.style().name(), qapp.styleSheet()
    yield
    qapp.setStyle(style)
    qapp.setStyleSheet(sheet)


@dataclass
class Started:
    """What run_gui showed: its window, and what its PIN dialog said once the store was
    open (or could not be opened)."""

    windows: list[QWidget]
    said: str = ""


@pytest.fixture
def no_event_loop(
    qapp: QApplication, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Started]:
    """run_gui's loop runs only until the store is open or refused, then returns; the
    windows it showed are kept for the test, and deleted when it ends. (Really quitting
    the shared QApplication would end every later test's event loops.)"""
    started = Started([])

    def settled(window: MainWindow) -> bool:
        return window.is_open or window.store_label.text() == "Store: not open"

    def fake_exec() -> int:
        shown = QApplication.topLevelWidgets()
        window = next(w for w in shown if isinstance(w, MainWindow) and w.isVisible())
        qtbot.waitUntil(lambda: settled(window), timeout=60_000)
        started.windows.extend(w for w in QApplication.topLevelWidgets() if w.isVisible())
        assert window.pin_dialog is not None
        started.said = window.pin_dialog.message_label.text()
        return 0

    monkeypatch.setattr(qapp, "exec", fake_exec)
    yield started
    delete_now(started.windows)


def delete_now(windows: list[QWidget]) -> None:
    """The windows run_gui showed, deleted now rather than at some later event loop: run_gui
    installs its keyboard-wedge filter on the whole application, and while the window
    lives the filter holds the next tests' typing (qtbot types at scanner speed) as a
    possible scan until its timer fires, so a test that typed and then looked found its
    fields still empty."""
    for window in windows:
        window.close()
        window.deleteLater()
    windows.clear()  # gone: a second call has nothing to do
    QThreadPool.globalInstance().waitForDone(10_000)  # no worker answers a deleted window
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.mark.parametrize("demo", [True, False])
def test_first_start_opens_the_store_and_seeds_demo_data(
    no_event_loop: Started, tmp_path: Path, demo: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'shop.sqlite3'}"
    assert ui_app.run_gui(url, demo=demo) == 0
    store = open_store(url)
    try:
        assert has_users(store) is demo
    finally:
        store.dispose()
    windows = [w for w in no_event_loop.windows if isinstance(w, MainWindow)]
    assert len(windows) == 1
    window = windows[0]
    assert window.windowTitle() == "SerialPOS — Locked"
    assert window.pin_dialog is not None and window.pin_dialog.isVisible()
    assert no_event_loop.said == ""


def test_typing_reaches_a_field_at_once_when_the_window_is_gone(
    no_event_loop: Started, qtbot: QtBot, tmp_path: Path
) -> None:
    assert ui_app.run_gui(f"sqlite:///{tmp_path / 'shop.sqlite3'}", demo=False) == 0
    delete_now(no_event_loop.windows)
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field, "Counter")
    assert field.text() == "Counter"  # no filter of the deleted window held it back


@pytest.fixture
def problems(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages run_gui would have shown in a message box."""
    shown: list[str] = []

    def record(_parent: QWidget | None, message: str, *, title: str = "") -> None:
        shown.append(message)

    monkeypatch.setattr(ui_app, "show_problem", record)
    return shown


def test_a_bad_store_is_said_in_the_window_not_a_traceback(
    no_event_loop: Started, problems: list[str]
) -> None:
    assert ui_app.run_gui("nonsense-url", demo=True) == ui_app.EXIT_CANNOT_START
    assert no_event_loop.said == "'nonsense-url' is not a database URL"
    assert problems == []  # in the window, not a box before it


def test_bad_settings_file_is_a_message(
    qapp: QApplication, problems: list[str], tmp_path: Path
) -> None:
    (tmp_path / "settings.toml").write_text("shop = [", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert ui_app.run_gui(url, demo=False) == ui_app.EXIT_CANNOT_START
    assert len(problems) == 1 and "is not valid TOML" in problems[0]


def test_style_sheet_ships_with_the_package() -> None:
    assert "#SideBar" in ui_app.style_sheet()


def test_the_mail_queue_follows_the_saved_mail_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app.config import MailSettings, Settings
    from app.effects.handlers import Effects

    monkeypatch.setenv("SERIALPOS_DATA_DIR", str(tmp_path / "data"))
    link = ui_app.MailLink(Settings())
    assert link.queue is None  # no [mail] yet: nothing to start
    effects = Effects(Settings(), queue=None, mail=link.queue)  # type: ignore[arg-type]
    link.effects = effects
    mail = MailSettings(host="127.0.0.1", port=2525, starttls=False, sender="shop@x.test")
    link.apply(Settings(mail=mail))
    try:
        assert link.queue is not None and effects.mail is link.queue
        assert link.queue.server.port == 2525
        same = link.queue
        link.apply(Settings(mail=mail))  # printers saved, mail as it was: the same queue
        assert link.queue is same
    finally:
        link.stop()
