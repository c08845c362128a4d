"""A bulk quantity is typed, not pressed 24 times: "25*" then the scan, "25*CODE" Enter,
or "25*" Enter for the highlighted line. Keys typed at a person's speed, then a scanner's
burst (the wedge filter on a clock the test moves)."""

from __future__ import annotations

import pytest
from pos_shop import CABLE_BARCODE, PHONE, open_pos, type_code
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.ui.pos.pos_view import PosView
from app.ui.wedge_filter import WedgeFilter
from app.users.services import actor_by_name
from tests.ui.hand_clock import HandClock


@pytest.fixture
def pos(qtbot: QtBot, demo_store: Store) -> PosView:
    return open_pos(qtbot, demo_store, actor_by_name(demo_store, "cashier"))


def test_typed_quantity_then_a_scanner_burst(
    qtbot: QtBot, pos: PosView, wedge: WedgeFilter, clock: HandClock
) -> None:
    wedge.scanned.connect(pos.handle_scan)
    for ch in "25*":  # a person, 150 ms a key
        clock.now += 150
        qtbot.keyClick(pos.scan_edit, ch)
        clock.now += 150
        wedge.on_deadline()
    assert pos.scan_edit.text() == "25*"
    clock.now += 1000
    for ch in CABLE_BARCODE:  # the scanner, 5 ms a key
        clock.now += 5
        qtbot.keyClick(pos.scan_edit, ch)
    clock.now += 5
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=3000)
    assert pos.cart_model.line(0).qty == 25
    assert pos.scan_edit.text() == ""


def test_quantity_and_code_typed_together_or_for_the_highlighted_line(
    qtbot: QtBot, pos: PosView
) -> None:
    type_code(qtbot, pos.scan_edit, f"3*{CABLE_BARCODE}")
    assert pos.cart_model.line(0).qty == 3
    type_code(qtbot, pos.scan_edit, "25*")
    assert pos.cart_model.line(0).qty == 25
    assert pos.totals_panel.total.text() == "$324.75"
    type_code(qtbot, pos.scan_edit, f"2*{PHONE}")  # a unit is one unit
    assert pos.cart_model.line(1).qty == 1 and "one unit" in pos.message.text()


def test_the_quantity_key_is_shown_on_a_button(qtbot: QtBot, pos: PosView) -> None:
    texts = [b.text() for b in pos.findChildren(QPushButton)]
    assert "Qty ×   25*" in texts
    settle(qtbot)
