"""A PIN typed quickly is typing, not a scan: at the lock screen and in Manager approval it
arrives in the field (30-50 ms a key), is never shown, and a real scan (5 ms a key) into
a PIN field is refused without its code. The filter runs on a clock the test moves."""

from __future__ import annotations

import pytest
from pos_shop import MANAGER_PIN, activate
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.ui.dialogs.pin_dialog import PinDialog
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.wedge_filter import SCAN_INTO_SECRET, WedgeFilter
from tests.ui.hand_clock import HandClock
from tests.ui.hand_clock import key_in as keys


def _texts(widget: QWidget) -> str:
    return " ".join(label.text() for label in widget.findChildren(QLabel))


@pytest.mark.parametrize("gap", [30.0, 40.0, 50.0, 120.0])
def test_a_pin_typed_quickly_logs_in_at_the_lock_screen(
    qtbot: QtBot, demo_store: Store, wedge: WedgeFilter, clock: HandClock, gap: float
) -> None:
    scanned: list[str] = []
    wedge.scanned.connect(scanned.append)
    dialog = PinDialog(demo_store)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        keys(qtbot, clock, dialog.pin_edit, MANAGER_PIN, gap)
        settle(qtbot)
    assert dialog.actor is not None and dialog.actor.name == "manager"
    assert scanned == []


def test_a_pin_typed_quickly_in_manager_approval_is_never_shown(
    qtbot: QtBot, demo_store: Store, wedge: WedgeFilter, clock: HandClock
) -> None:
    scanned: list[str] = []
    wedge.scanned.connect(scanned.append)
    dialog = ApprovalDialog(demo_store, "a 20 % discount")
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    keys(qtbot, clock, dialog.pin_edit, MANAGER_PIN, 35.0)
    settle(qtbot)
    assert dialog.approver is not None and dialog.approver.name == "manager"
    assert scanned == [] and MANAGER_PIN not in _texts(dialog)


@pytest.mark.parametrize("store_open", [True, False])  # False: the window's first moment
def test_a_real_scan_into_a_pin_field_is_refused_without_its_code(
    qtbot: QtBot, demo_store: Store, wedge: WedgeFilter, clock: HandClock, store_open: bool
) -> None:
    refused: list[str] = []
    wedge.rejected.connect(refused.append)
    dialog = PinDialog(demo_store if store_open else None)
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    keys(qtbot, clock, dialog.pin_edit, "4006381333948", 5.0)
    settle(qtbot)
    assert dialog.pin_edit.text() == "" and dialog.actor is None
    assert refused == [SCAN_INTO_SECRET]
    assert "4006381333948" not in SCAN_INTO_SECRET + _texts(dialog)
