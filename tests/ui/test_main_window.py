"""The window: locked until a PIN, the Stock view behind it, Ctrl+L to lock again."""

from __future__ import annotations

import pytest
from demo_shop import DEMO_PIN, DEMO_UNITS, enter_pin
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.stock.queries import UnitFilter
from app.ui.dialogs.pin_dialog import PinDialog
from app.ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, demo_store: Store) -> MainWindow:
    window = MainWindow(demo_store, ShopSettings())
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.start()
    return window


def _pin_dialog(window: MainWindow) -> PinDialog:
    assert window.pin_dialog is not None and window.pin_dialog.isVisible()
    return window.pin_dialog


def _log_in(qtbot: QtBot, window: MainWindow, pin: str = DEMO_PIN) -> None:
    enter_pin(qtbot, _pin_dialog(window), pin)
    qtbot.waitUntil(lambda: window.actor is not None, timeout=2000)


def test_window_starts_locked_behind_the_pin_dialog(window: MainWindow) -> None:
    assert window.actor is None
    assert window.pages.currentWidget() is window.locked_page
    assert window.windowTitle() == "SerialPOS — Locked"
    assert window.user_label.text() == "Locked"
    assert window.stock_view.units_page.model.rowCount() == 0  # nothing behind the lock
    _pin_dialog(window)


def test_right_pin_opens_the_till_and_stock_is_one_key_away(
    qtbot: QtBot, window: MainWindow, demo_store: Store
) -> None:
    _log_in(qtbot, window)
    assert window.pages.currentWidget() is window.work_area
    assert window.view_stack.currentWidget() is window.pos_view  # the cashier's view first
    assert window.windowTitle() == "SerialPOS — POS — manager"
    window.side_bar.nav.setCurrentRow(window.views.index(window.stock_view))
    assert window.view_stack.currentWidget() is window.stock_view
    settle(qtbot)
    assert window.stock_view.units_page.model.rowCount() == DEMO_UNITS
    assert window.windowTitle() == "SerialPOS — Stock — manager"
    assert window.user_label.text() == "User: manager (manager)"
    assert window.store_label.text() == f"Store: {demo_store.engine.url.database}"


def test_wrong_pin_keeps_the_window_locked(qtbot: QtBot, window: MainWindow) -> None:
    enter_pin(qtbot, _pin_dialog(window), "4321")
    assert window.actor is None
    assert "Wrong PIN" in _pin_dialog(window).message_label.text()


def test_ctrl_l_locks_and_another_user_can_log_in(qtbot: QtBot, window: MainWindow) -> None:
    _log_in(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.actor is None
    assert window.pages.currentWidget() is window.locked_page
    assert window.stock_view.units_page.model.rowCount() == 0
    _log_in(qtbot, window, "3333")
    assert window.actor is not None and window.actor.name == "backoffice"
    assert window.user_label.text() == "User: backoffice (back office)"


def test_other_tills_are_watched_only_while_unlocked(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.watcher.active  # locked: nothing shown, nothing to refresh
    _log_in(qtbot, window)
    assert window.watcher.active
    window.lock()
    assert not window.watcher.active


def test_ctrl_f_goes_to_the_search_box(qtbot: QtBot, window: MainWindow) -> None:
    _log_in(qtbot, window)
    window.side_bar.nav.setCurrentRow(window.views.index(window.stock_view))
    page = window.stock_view.units_page
    page.table.setFocus()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.filter_bar.search_edit


def test_shortcuts_are_off_while_locked(window: MainWindow) -> None:
    assert not window.lock_action.isEnabled()
    assert not window.search_action.isEnabled()
    assert not window.refresh_action.isEnabled()


def test_quit_in_the_pin_dialog_closes_the_window(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _pin_dialog(window)
    qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)


def test_problems_show_in_the_status_bar(qtbot: QtBot, window: MainWindow) -> None:
    _log_in(qtbot, window)
    window.stock_view.units_page.model.set_filter(UnitFilter(location="Attic"))
    settle(qtbot)
    assert window.problem_label.text() == "no location named 'Attic'"


def test_each_kind_of_user_lands_where_their_work_is(qtbot: QtBot, window: MainWindow) -> None:
    tickets_row = window.views.index(window.tickets_view)
    for pin, view, sees_tickets in (
        ("2222", window.tickets_view, True),  # service desk
        ("1111", window.pos_view, False),  # cashier
        ("3333", window.stock_view, False),  # back office
        (DEMO_PIN, window.pos_view, True),  # manager
    ):
        _log_in(qtbot, window, pin)
        assert window.current_view() is view, pin
        assert window.side_bar.nav.item(tickets_row).isHidden() is not sees_tickets
        window.lock()
