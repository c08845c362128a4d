"""The wedge key filter in the real widgets: a scanner's burst lands in the cart whatever
field has the focus, and a person's typing reaches that field intact and in order.

The filter runs on a clock the test moves by hand, so 5 ms between keys is exactly 5 ms
and nothing waits in real time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pos_shop import CABLE_BARCODE, PHONE, activate, open_pos
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.ui.pos.pos_view import PosView
from app.ui.wedge_filter import WedgeFilter
from app.users.services import actor_by_name
from tests.ui.hand_clock import HandClock

SCANNER_GAP = 5.0  # ms between a scanner's keys
TYPING_GAP = 150.0  # ms between a person's keys


@pytest.fixture
def pos(qtbot: QtBot, demo_store: Store, wedge: WedgeFilter) -> PosView:
    view = open_pos(qtbot, demo_store, actor_by_name(demo_store, "cashier"))
    wedge.scanned.connect(view.handle_scan)  # what the main window does for the active view
    return view


def scanner_burst(qtbot: QtBot, clock: HandClock, field: QWidget, code: str) -> None:
    for ch in code:
        clock.advance(SCANNER_GAP)
        qtbot.keyClick(field, ch)
    clock.advance(SCANNER_GAP)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def person_types(qtbot: QtBot, clock: HandClock, field: QWidget, text: str) -> None:
    for ch in text:
        clock.advance(TYPING_GAP)
        qtbot.keyClick(field, ch)


def time_passes(clock: HandClock, wedge: WedgeFilter, ms: float = TYPING_GAP) -> None:
    """No key for a while: the filter's timer fires."""
    clock.advance(ms)
    wedge.on_deadline()


def test_a_burst_in_the_customer_box_lands_in_the_cart_not_in_the_box(
    qtbot: QtBot, pos: PosView, clock: HandClock
) -> None:
    box = pos.customer_box.search_edit
    box.setFocus()
    scanner_burst(qtbot, clock, box, PHONE)
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=2000)
    assert pos.cart_model.line(0).serial == PHONE
    assert box.text() == ""


def test_a_burst_into_the_scan_field_is_added_once(
    qtbot: QtBot, pos: PosView, clock: HandClock
) -> None:
    scanner_burst(qtbot, clock, pos.scan_edit, CABLE_BARCODE)
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=2000)
    qtbot.wait(20)  # nothing else is on its way
    assert pos.cart_model.line(0).qty == 1
    assert pos.scan_edit.text() == ""


def test_a_slow_typist_is_not_a_scanner_and_their_keys_arrive_in_order(
    qtbot: QtBot, pos: PosView, clock: HandClock, wedge: WedgeFilter
) -> None:
    box = pos.customer_box.search_edit
    box.setFocus()
    person_types(qtbot, clock, box, "Ann")
    assert box.text() == "An"  # the last key is held until the scanner's gap has passed
    time_passes(clock, wedge)
    assert box.text() == "Ann"
    clock.advance(TYPING_GAP)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # a person's Enter: the box acts on it
    settle(qtbot)
    assert box.text() == "Ann" and pos.cart_model.rowCount() == 0
    assert pos.customer_box.add_form.isVisible()  # nobody called Ann yet: quick add


def test_typing_then_scanning_in_the_same_field(
    qtbot: QtBot, pos: PosView, clock: HandClock
) -> None:
    box = pos.customer_box.search_edit
    box.setFocus()
    person_types(qtbot, clock, box, "Bo")
    clock.advance(TYPING_GAP)
    scanner_burst(qtbot, clock, box, PHONE)
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=2000)
    assert box.text() == "Bo"


# ---------------------------------------------------------------- the filter on its own


@pytest.fixture
def field(qtbot: QtBot) -> Iterator[QLineEdit]:
    window = QWidget()  # held here: qtbot keeps only a weak reference
    qtbot.addWidget(window)
    edit = QLineEdit()
    QVBoxLayout(window).addWidget(edit)
    window.show()
    edit.setFocus()
    yield edit


def test_shift_for_capitals_does_not_break_a_burst(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    with qtbot.waitSignal(wedge.scanned) as scanned:
        for ch in "Ab1":
            clock.advance(SCANNER_GAP)
            if ch.isupper():
                QTest.keyPress(field, Qt.Key.Key_Shift)
            qtbot.keyClick(field, ch)
            if ch.isupper():
                QTest.keyRelease(field, Qt.Key.Key_Shift)
        clock.advance(SCANNER_GAP)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert scanned.args == ["Ab1"]
    assert field.text() == ""


def test_enter_of_a_person_reaches_the_field_once(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    entered: list[str] = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    person_types(qtbot, clock, field, "42")
    clock.advance(TYPING_GAP)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert entered == ["42"]  # the held "2" was typed before the Enter went through


def test_a_burst_with_a_control_character_is_dropped(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    rejected: list[str] = []
    scanned: list[str] = []
    wedge.rejected.connect(rejected.append)
    wedge.scanned.connect(scanned.append)
    for ch in "SN12":
        clock.advance(SCANNER_GAP)
        qtbot.keyClick(field, ch)
    clock.advance(SCANNER_GAP)
    qtbot.keyClick(field, Qt.Key.Key_Escape)  # a control key inside the burst
    for ch in "34":
        clock.advance(SCANNER_GAP)
        qtbot.keyClick(field, ch)
    clock.advance(SCANNER_GAP)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(rejected), timeout=2000)
    assert rejected == ["The scan held a control character."]
    assert scanned == [] and field.text() == ""


def test_shortcut_keys_pass_straight_through(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    field.setText("abc")
    clock.advance(TYPING_GAP)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert field.selectedText() == "abc"
    assert not wedge.holding


def test_a_held_key_is_typed_before_a_shortcut_acts(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    seen: list[str] = []
    shortcut = QShortcut(QKeySequence("F12"), field.window())
    shortcut.activated.connect(lambda: seen.append(field.text()))
    activate(qtbot, field.window())
    clock.advance(TYPING_GAP)
    qtbot.keyClick(field, "5")  # held: it may be the start of a scan
    clock.advance(10)
    qtbot.keyClick(field, Qt.Key.Key_F12)
    assert seen == ["5"]


def test_a_click_types_the_held_keys_first(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    clock.advance(TYPING_GAP)
    qtbot.keyClick(field, "9")  # the last digit of a PIN...
    assert field.text() == ""
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)  # ...and straight to Log in
    assert field.text() == "9"
