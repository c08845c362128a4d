"""Receiving: a live preview of the exact serials, every refusal named in a line, and
nothing in the store changed by a refused delivery."""

from __future__ import annotations

from pathlib import Path

import pytest
from device_support import TIMEOUT_MS
from pos_shop import activate
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.stock import queries
from app.ui.formatting import ShopFormat
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.receive_dialog import ReceiveDialog
from app.ui.stock.serial_input import CSV, GENERATE, LIST, RANGE
from app.users.roles import Actor
from app.users.services import actor_by_name
from tests.conftest import dump_tables


@pytest.fixture
def dialog(qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat) -> ReceiveDialog:
    return open_dialog(qtbot, demo_store, demo_manager, fmt)


def open_dialog(qtbot: QtBot, store: Store, actor: Actor, fmt: ShopFormat) -> ReceiveDialog:
    dialog = ReceiveDialog(store, actor, fmt, sku="PH-X200")
    qtbot.addWidget(dialog)
    dialog.show()
    settle(qtbot)  # the items and locations are read on a worker
    return dialog


def enter(dialog: ReceiveDialog, method: str, text: str, quantity: int) -> None:
    """Type serials the given way and the quantity, then let the dialog check them."""
    entry = dialog.serial_input
    entry.set_method(method)
    if method == RANGE:
        entry.range_edit.setText(text)
    elif method == LIST:
        entry.list_edit.setPlainText(text)
    elif method == CSV:
        entry.csv_edit.setText(text)
    dialog.form.qty_spin.setValue(quantity)
    entry.parse_now()  # what the debounce timer does a moment after the last keystroke
    dialog.recheck()


def receive_and_wait(qtbot: QtBot, dialog: ReceiveDialog) -> None:
    with qtbot.waitSignal(dialog.runner.finished, timeout=TIMEOUT_MS):
        qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)


def test_typing_a_range_previews_the_exact_serials_after_a_pause(
    qtbot: QtBot, dialog: ReceiveDialog
) -> None:
    dialog.serial_input.set_method(RANGE)
    dialog.form.qty_spin.setValue(5)
    qtbot.keyClicks(dialog.serial_input.range_edit, "SN0200...SN0204")
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() == 5, timeout=TIMEOUT_MS)
    assert dialog.preview_model.serials() == ["SN0200", "SN0201", "SN0202", "SN0203", "SN0204"]
    assert dialog.count_label.text() == "5 serials: SN0200 … SN0204"
    assert dialog.receive_button.isEnabled()
    assert dialog.error_line.message == ""


@pytest.mark.parametrize(
    ("method", "text", "quantity", "problem"),
    [
        (RANGE, "SN0205...SN0200", 6, "must ascend"),
        (RANGE, "SN0200...SN0204", 6, "expected 6 serials, got 5 (the quantity is 6)"),
        (RANGE, "SN0200..SN0204", 5, "no '...' between start and end"),
        (LIST, "SN-A1\nSN-\x1bB2\nSN-C3", 3, "contains a control character (U+001B)"),
        (LIST, "SN-A1, SN-B2; SN-A1", 3, "Repeated in the input: SN-A1"),
    ],
)
def test_bad_input_is_named_in_a_line_and_changes_nothing(
    qtbot: QtBot,
    dialog: ReceiveDialog,
    demo_store: Store,
    method: str,
    text: str,
    quantity: int,
    problem: str,
) -> None:
    before = dump_tables(demo_store)
    enter(dialog, method, text, quantity)
    assert problem in dialog.serial_input.error_line.message
    assert problem in dialog.error_line.message
    assert not dialog.receive_button.isEnabled()
    dialog.receive()  # Ctrl+Return, or a button pressed anyway: still refused
    assert not dialog.runner.busy
    assert dump_tables(demo_store) == before


def test_serials_already_on_file_are_listed_one_by_one_and_nothing_is_saved(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store
) -> None:
    before = dump_tables(demo_store)
    enter(dialog, RANGE, "SN0096...SN0105", 10)
    assert dialog.receive_button.isEnabled()  # only the store knows: the service says so
    receive_and_wait(qtbot, dialog)
    shown = [dialog.duplicates_list.item(i).text() for i in range(dialog.duplicates_list.count())]
    assert shown == ["SN0098", "SN0099", "SN0100", "SN0101", "SN0102"]
    assert dialog.duplicates_box.isVisible()
    assert "nothing was saved" in dialog.error_line.message
    assert dialog.last_result is None
    assert dump_tables(demo_store) == before


def test_the_receiving_service_checks_the_role_whatever_the_dialog_allows(
    qtbot: QtBot, demo_store: Store, fmt: ShopFormat
) -> None:
    cashier = actor_by_name(demo_store, "cashier")
    dialog = open_dialog(qtbot, demo_store, cashier, fmt)
    before = dump_tables(demo_store)
    enter(dialog, RANGE, "SN0300...SN0301", 2)
    receive_and_wait(qtbot, dialog)
    assert dialog.error_line.message == "cashier (cashier) may not receive"
    assert dump_tables(demo_store) == before


def test_generated_serials_are_previewed_then_received_as_previewed(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store, demo_manager: Actor
) -> None:
    enter(dialog, GENERATE, "", 3)
    settle(qtbot)  # the next serials are asked of the store on a worker
    previewed = dialog.preview_model.serials()
    assert previewed == ["PX000013", "PX000014", "PX000015"]
    assert "PX######" in dialog.serial_input.scheme_label.text()
    receive_and_wait(qtbot, dialog)
    result = dialog.last_result
    assert result is not None and result.serials == previewed and result.qty == 3
    assert dialog.done_frame.isVisible() and dialog.labels_button.isVisible()
    assert "Received 3 units of PH-X200 into Back room" in dialog.done_label.text()
    for serial in previewed:
        (unit,) = queries.find_units(demo_store, demo_manager, serial)
        assert (unit.status, unit.location, unit.batch_id) == (
            "in_stock",
            "Back room",
            result.batch_id,
        )
    # The next delivery starts after them: the item's next number moved on.
    settle(qtbot)  # the item (and its next number) read again
    dialog.recheck()
    settle(qtbot)
    assert dialog.preview_model.serials()[0] == "PX000016"


def test_serials_from_a_csv_file_keep_their_asset_tags_and_costs(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    sheet = tmp_path / "delivery.csv"
    sheet.write_text("Serial Number;Asset tag;Cost\nSN0400;A-1;350.00\nSN0401;A-2;351.50\n")
    enter(dialog, CSV, str(sheet), 2)
    assert dialog.preview_model.serials() == ["SN0400", "SN0401"]
    receive_and_wait(qtbot, dialog)
    assert dialog.last_result is not None
    (unit,) = queries.find_units(demo_store, demo_manager, "SN0401")
    assert (unit.asset_tag, unit.cost) == ("A-2", 35150)


def test_a_missing_csv_file_is_named(dialog: ReceiveDialog, tmp_path: Path) -> None:
    enter(dialog, CSV, str(tmp_path / "nope.csv"), 2)
    assert dialog.error_line.message.startswith("cannot read nope.csv")


def test_a_bulk_item_is_received_by_quantity(
    qtbot: QtBot, dialog: ReceiveDialog, demo_store: Store, demo_manager: Actor
) -> None:
    dialog.form.item_combo.setCurrentIndex(dialog.form.item_combo.findData("CBL-USBC"))
    dialog.form.location_combo.setCurrentIndex(dialog.form.location_combo.findText("Front store"))
    dialog.form.qty_spin.setValue(25)
    dialog.recheck()
    assert not dialog.serials_box.isVisible()
    receive_and_wait(qtbot, dialog)
    assert dialog.last_result is not None and dialog.last_result.batch_id is None
    assert not dialog.labels_button.isVisible()  # bulk goods carry no serial labels
    (row,) = queries.stock_by_location(demo_store, demo_manager, sku="CBL-USBC")
    assert row.qty == 40 + 25


def test_an_unreadable_cost_is_named_under_its_field(dialog: ReceiveDialog) -> None:
    enter(dialog, GENERATE, "", 2)
    dialog.form.cost_edit.setText("12.345")
    dialog.recheck()
    assert "has more than two decimals" in dialog.form.cost_line.message
    assert not dialog.receive_button.isEnabled()


def test_print_labels_opens_the_labels_of_the_batch_just_received(
    qtbot: QtBot, dialog: ReceiveDialog
) -> None:
    enter(dialog, RANGE, "SN0500...SN0503", 4)
    receive_and_wait(qtbot, dialog)
    assert dialog.last_result is not None
    qtbot.mouseClick(dialog.labels_button, Qt.MouseButton.LeftButton)
    labels = dialog.labels_dialog
    assert isinstance(labels, LabelsDialog)
    assert labels.source.batch_id == dialog.last_result.batch_id
    assert labels.source.count == 4
    labels.reject()


def test_scanned_serials_are_listed_one_per_line(qtbot: QtBot, dialog: ReceiveDialog) -> None:
    dialog.form.qty_spin.setValue(2)
    dialog.handle_scan("SN0600")
    dialog.handle_scan("SN0601")
    settle(qtbot)  # each scan is checked against the serials on file first
    assert dialog.serial_input.method == LIST
    qtbot.waitUntil(lambda: dialog.preview_model.serials() == ["SN0600", "SN0601"])
    assert dialog.receive_button.isEnabled()


def test_the_stock_view_opens_receiving_and_shows_what_came_in(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    from app.ui.stock.stock_view import StockView

    view = StockView(demo_store, fmt)
    qtbot.addWidget(view)
    view.show()
    view.set_actor(demo_manager)
    settle(qtbot)
    units = view.units_page.model
    before = units.rowCount()
    activate(qtbot, view)
    view.focus_search()
    qtbot.keyClick(
        view.units_page.filter_bar.search_edit, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
    )
    dialog = view.receive_dialog
    assert isinstance(dialog, ReceiveDialog) and dialog.isVisible()
    settle(qtbot)
    enter(dialog, RANGE, "SN0700...SN0702", 3)
    receive_and_wait(qtbot, dialog)
    qtbot.waitUntil(lambda: units.rowCount() == before + 3, timeout=TIMEOUT_MS)
    view.set_actor(None)  # locking closes the dialog
    assert not dialog.isVisible()


def test_receiving_is_not_offered_to_a_cashier(
    qtbot: QtBot, demo_store: Store, fmt: ShopFormat
) -> None:
    from app.ui.stock.stock_view import StockView

    view = StockView(demo_store, fmt)
    qtbot.addWidget(view)
    view.set_actor(actor_by_name(demo_store, "cashier"))
    assert not view.receive_button.isEnabled() and not view.receive_action.isEnabled()
