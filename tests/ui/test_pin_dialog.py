"""Log-in at the till: the PIN alone says who is acting."""

from __future__ import annotations

from demo_shop import DEMO_PIN, enter_pin
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.uow import Store
from app.ui.dialogs.pin_dialog import PinDialog
from app.users.roles import Role


def _dialog(qtbot: QtBot, store: Store) -> PinDialog:
    dialog = PinDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_wrong_pin_is_refused_and_the_dialog_stays(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    enter_pin(qtbot, dialog, "9876")
    assert dialog.isVisible()
    assert dialog.actor is None
    # The brake says how far it is (app.users.brake).
    assert dialog.message_label.text() == (
        "Wrong PIN — 4 tries left before a 5-minute pause — try again"
    )
    assert dialog.pin_edit.text() == ""  # ready for the next try


def test_right_pin_logs_the_manager_in(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    enter_pin(qtbot, dialog, "9876")
    with qtbot.waitSignal(dialog.accepted):
        enter_pin(qtbot, dialog, DEMO_PIN)
    assert dialog.actor is not None
    assert (dialog.actor.name, dialog.actor.role) == ("manager", Role.MANAGER)


def test_enter_key_logs_in(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    qtbot.keyClicks(dialog.pin_edit, "1111")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.role is Role.CASHIER


def test_pin_field_takes_digits_only(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    qtbot.keyClicks(dialog.pin_edit, "12ab34")
    assert dialog.pin_edit.text() == "1234"


def test_escape_clears_the_pin_but_does_not_unlock(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    qtbot.keyClicks(dialog.pin_edit, "12")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.pin_edit.text() == ""
    assert dialog.actor is None


def test_empty_pin_asks_for_one(qtbot: QtBot, demo_store: Store) -> None:
    dialog = _dialog(qtbot, demo_store)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Type your PIN" in dialog.message_label.text()
