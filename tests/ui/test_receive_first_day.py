"""The receiving dialog on a shop's first day: scans are the quantity, a repeated or known
serial is flagged at once, a receipt is saved once, Enter receives, Esc asks, and a bulk
item's scans count instead of vanishing."""

from __future__ import annotations

import pytest
from device_support import TIMEOUT_MS
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from settle import settle
from sqlalchemy import func, select

from app.db.uow import Store
from app.stock.models import ReceivingBatch, SerialUnit
from app.ui.formatting import ShopFormat
from app.ui.stock.receive_dialog import ReceiveDialog
from app.ui.stock.serial_input import GENERATE
from app.users.roles import Actor

CABLE_BARCODE = "4006381333948"


def _open(qtbot: QtBot, store: Store, actor: Actor, fmt: ShopFormat, sku: str) -> ReceiveDialog:
    dialog = ReceiveDialog(store, actor, fmt, sku=sku)
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)
    return dialog


@pytest.fixture
def dialog(qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat) -> ReceiveDialog:
    return _open(qtbot, demo_store, demo_manager, fmt, "PH-X200")


def _count(store: Store, table: type) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _scan(qtbot: QtBot, dialog: ReceiveDialog, *codes: str) -> None:
    for code in codes:
        dialog.handle_scan(code)
    settle(qtbot)


def test_the_scanned_count_is_the_quantity(qtbot: QtBot, dialog: ReceiveDialog) -> None:
    codes = [f"NEW{n:04}" for n in range(50)]
    _scan(qtbot, dialog, *codes)
    dialog.recheck()
    assert dialog.form.quantity == 50
    assert dialog.error_line.message == "" and dialog.receive_button.isEnabled()


def test_a_typed_quantity_stays_and_the_count_is_checked_against_it(
    qtbot: QtBot, dialog: ReceiveDialog
) -> None:
    dialog.form.qty_spin.setValue(3)
    _scan(qtbot, dialog, "NEW0001", "NEW0002")
    assert "expected 3 serials, got 2" in dialog.recheck()


def test_a_serial_scanned_twice_or_on_file_is_flagged_at_once_and_not_added(
    qtbot: QtBot, dialog: ReceiveDialog
) -> None:
    _scan(qtbot, dialog, "NEW0001", "NEW0001")
    assert "NEW0001 is already in the list" in dialog.error_line.message
    assert dialog.serial_input.list_edit.toPlainText().split() == ["NEW0001"]
    _scan(qtbot, dialog, "PX000001")  # a phone the shop already has
    assert "PX000001 is already on file for PH-X200" in dialog.error_line.message
    assert dialog.serial_input.list_edit.toPlainText().split() == ["NEW0001"]


def test_receive_pressed_twice_saves_one_receipt(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store
) -> None:
    dialog.serial_input.set_method(GENERATE)
    dialog.form.qty_spin.setValue(10)
    settle(qtbot)
    units, batches = _count(demo_store, SerialUnit), _count(demo_store, ReceivingBatch)
    for _ in range(2):  # the second press comes after the first receipt is saved
        dialog.recheck()  # what the check timer does a moment after an edit
        with qtbot.waitSignal(dialog.runner.finished, timeout=TIMEOUT_MS):
            qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
        settle(qtbot)
    assert _count(demo_store, SerialUnit) == units + 10
    assert _count(demo_store, ReceivingBatch) == batches + 1


def test_enter_receives_and_no_red_hint_follows_the_green_banner(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store
) -> None:
    units = _count(demo_store, SerialUnit)
    _scan(qtbot, dialog, "NEW0001", "NEW0002")
    dialog.form.qty_spin.setFocus()
    with qtbot.waitSignal(dialog.runner.finished, timeout=TIMEOUT_MS):
        qtbot.keyClick(dialog.form.qty_spin, Qt.Key.Key_Return)
    settle(qtbot)
    qtbot.wait(400)  # past the input's parse delay
    settle(qtbot)
    assert _count(demo_store, SerialUnit) == units + 2
    assert dialog.done_frame.isVisible()
    assert dialog.error_line.message == ""
    assert dialog.serial_input.error_line.message == ""


def test_esc_asks_before_throwing_away_scanned_serials(qtbot: QtBot, dialog: ReceiveDialog) -> None:
    _scan(qtbot, dialog, "NEW0001", "NEW0002")
    qtbot.keyClick(dialog.serial_input.list_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    box = dialog.discard_box
    assert isinstance(box, QMessageBox) and "2 serials" in box.text()
    box.done(QMessageBox.StandardButton.Cancel.value)
    assert dialog.isVisible() and dialog.serial_input.list_edit.toPlainText().split()
    qtbot.keyClick(dialog.serial_input.list_edit, Qt.Key.Key_Escape)
    box = dialog.discard_box
    assert box is not None
    box.done(QMessageBox.StandardButton.Discard.value)
    assert not dialog.isVisible()


def test_an_empty_dialog_closes_on_esc_without_asking(qtbot: QtBot, dialog: ReceiveDialog) -> None:
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.discard_box is None


def test_scans_into_a_bulk_items_dialog_count_or_are_said(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    dialog = _open(qtbot, demo_store, demo_manager, fmt, "CBL-USBC")
    _scan(qtbot, dialog, CABLE_BARCODE, CABLE_BARCODE, CABLE_BARCODE)
    assert dialog.form.quantity == 3
    _scan(qtbot, dialog, "PX000001")
    assert "not serialized" in dialog.error_line.message
