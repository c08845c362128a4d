"""The POS view driven by the keyboard alone: scanning, the cart, paying, and every
refusal shown to the cashier rather than raised."""

from __future__ import annotations

import pytest
from pos_shop import (
    CABLE_BARCODE,
    CASHIER_PIN,
    LAPTOP,
    MANAGER_PIN,
    PHONE,
    PHONE_2,
    PHONE_SKU,
    activate,
    open_pos,
    press,
    sell_through_service,
    type_code,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.pos.sales import recent_sales
from app.stock.queries import find_units
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import SerialEntry
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.cart_model import DISCOUNT, QTY, SERIAL, TOTAL, WARRANTY
from app.ui.pos.discount_dialog import DiscountDialog
from app.ui.pos.payment_dialog import PaymentDialog
from app.ui.pos.pos_view import PosView
from app.ui.pos.serial_picker import SerialPicker
from app.users.roles import Actor
from app.users.services import actor_by_name


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


@pytest.fixture
def pos(qtbot: QtBot, demo_store: Store, cashier: Actor) -> PosView:
    return open_pos(qtbot, demo_store, cashier)


def _cell(pos: PosView, row: int, column: int) -> str:
    return str(pos.cart_model.index(row, column).data())


def _payment(qtbot: QtBot, pos: PosView) -> PaymentDialog:
    press(qtbot, Qt.Key.Key_F12)
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    activate(qtbot, dialog)
    return dialog


def _status(store: Store, actor: Actor, serial: str) -> str:
    (unit,) = find_units(store, actor, serial)
    return unit.status


# ---------------------------------------------------------------- the sale, keys only


def test_a_whole_sale_by_keyboard_alone(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    assert pos.cart_model.rowCount() == 2
    assert _cell(pos, 0, SERIAL) == PHONE and _cell(pos, 0, WARRANTY) != ""
    assert _cell(pos, 1, QTY) == "2"
    assert pos.totals_panel.total.text() == "$524.98"

    dialog = _payment(qtbot, pos)
    assert dialog.due_value.text() == "$524.98"
    press(qtbot, Qt.Key.Key_Return)  # exact cash

    assert pos.dialog is None
    assert _status(demo_store, cashier, PHONE) == "sold"
    assert pos.cart_model.rowCount() == 0
    assert pos.cart_stack.currentWidget() is pos.last_sale
    assert pos.last_sale.preview.has_image()
    assert "Sale R-000001 completed" in pos.message.text()
    qtbot.waitUntil(pos.scan_edit.hasFocus)  # the next customer's first scan


def test_cash_with_change_and_a_card_split(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)  # $499.00
    dialog = _payment(qtbot, pos)
    qtbot.keyClicks(dialog.amount_edit, "300")
    press(qtbot, Qt.Key.Key_Return)  # $300 cash, $199 still to pay
    assert dialog.due_value.text() == "$199.00"
    assert "$199.00 still to pay" in dialog.message.text()
    press(qtbot, Qt.Key.Key_F2)  # card for the rest: asks for the approval code
    assert dialog.reference_edit.hasFocus()
    type_code(qtbot, dialog.reference_edit, "AUTH77")
    assert pos.dialog is None
    (sale,) = recent_sales(demo_store, cashier)
    assert [(t.kind, t.amount, t.reference) for t in sale.tenders] == [
        ("cash", 30000, ""),
        ("card", 19900, "AUTH77"),
    ]


def test_change_is_shown_as_the_cashier_types(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)  # $12.99
    dialog = _payment(qtbot, pos)
    qtbot.keyClicks(dialog.amount_edit, "20")
    assert dialog.change_value.isVisible() and dialog.change_value.text() == "$7.01"
    press(qtbot, Qt.Key.Key_Return)
    assert pos.last_sale.headline.text() == "Change $7.01"


def test_escape_backs_out_of_the_payment_and_keeps_the_cart(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    _payment(qtbot, pos)
    press(qtbot, Qt.Key.Key_Escape)
    assert pos.dialog is None and pos.cart_model.rowCount() == 1
    assert _status(demo_store, cashier, PHONE) == "in_stock"
    qtbot.waitUntil(pos.scan_edit.hasFocus)


# ---------------------------------------------------------------- refusals are messages


def test_unknown_code_is_a_message_and_changes_nothing(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, "NO-SUCH-THING")
    assert pos.cart_model.rowCount() == 0
    assert pos.message.kind == "problem"
    assert "Unknown code 'NO-SUCH-THING'" in pos.message.text()


def test_a_sold_unit_says_when_and_on_which_receipt(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    sale = sell_through_service(demo_store, cashier, PHONE)
    type_code(qtbot, pos.scan_edit, PHONE)
    assert pos.cart_model.rowCount() == 0
    expected = f"{PHONE} was sold on {sale.business_day.isoformat()} (receipt {sale.number})"
    assert pos.message.text() == expected


def test_the_same_unit_twice_is_refused(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    type_code(qtbot, pos.scan_edit, PHONE)
    assert pos.cart_model.rowCount() == 1
    assert pos.message.text() == f"{PHONE} is already in this sale"


def test_short_payment_waits_for_the_rest(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    dialog = _payment(qtbot, pos)
    qtbot.keyClicks(dialog.amount_edit, "10")
    press(qtbot, Qt.Key.Key_Return)
    assert pos.dialog is dialog and dialog.isVisible()
    assert dialog.due_value.text() == "$489.00"
    assert recent_sales(demo_store, cashier) == []


def test_card_cannot_pay_more_than_the_total(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    dialog = _payment(qtbot, pos)
    qtbot.keyClicks(dialog.amount_edit, "50")
    qtbot.keyClicks(dialog.reference_edit, "AUTH1")
    qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.dialog is dialog  # the service refused; the tender was taken back
    assert dialog.tenders == []
    assert "card cannot pay more than the total" in dialog.message.text()


def test_losing_a_unit_to_another_till_keeps_the_rest_of_the_sale(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    sell_through_service(demo_store, cashier, PHONE)  # the other till is quicker

    _payment(qtbot, pos)
    press(qtbot, Qt.Key.Key_Return)
    assert pos.dialog is None
    assert "it was taken out of the cart" in pos.message.text()
    assert pos.cart_model.rowCount() == 1 and pos.cart_model.line(0).serial is None

    dialog = _payment(qtbot, pos)  # pay again for what is left
    assert dialog.total == 1299
    press(qtbot, Qt.Key.Key_Return)
    assert "completed" in pos.message.text()
    assert [s.total for s in recent_sales(demo_store, cashier)] == [1299, 49900]


# ---------------------------------------------------------------- which unit


def test_a_product_barcode_lists_the_units_here_and_takes_a_typed_serial(
    qtbot: QtBot, pos: PosView
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE_SKU)
    picker = pos.dialog
    assert isinstance(picker, SerialPicker)
    assert picker.list.count() == 12  # the phones in the front store
    activate(qtbot, picker)
    type_code(qtbot, picker.filter_edit, "0007")
    assert pos.dialog is None
    assert pos.cart_model.line(0).serial == "PX000007"


def test_a_scan_while_the_picker_is_open_picks_that_unit(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, PHONE_SKU)
    assert isinstance(pos.dialog, SerialPicker)
    pos.handle_scan(PHONE_2)
    assert pos.dialog is None
    assert pos.cart_model.line(0).serial == PHONE_2


def test_a_serial_two_items_share_asks_which_item(
    qtbot: QtBot, pos: PosView, demo_store: Store, demo_manager: Actor
) -> None:
    camera = Receiving(sku="CAM-Z5", location="Front store")
    receive_serials(demo_store, demo_manager, camera, [SerialEntry(PHONE)], method="list")
    type_code(qtbot, pos.scan_edit, PHONE)
    picker = pos.dialog
    assert isinstance(picker, SerialPicker) and picker.list.count() == 2
    activate(qtbot, picker)
    qtbot.keyClick(picker.filter_edit, Qt.Key.Key_Down)  # the second item's unit
    first = picker.list.item(0).text()  # read now: the picker is deleted once it closes
    press(qtbot, Qt.Key.Key_Return)
    assert pos.cart_model.rowCount() == 1
    assert pos.cart_model.line(0).name not in first


# ---------------------------------------------------------------- lines and discounts


def test_plus_minus_and_delete_from_the_empty_scan_field(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    qtbot.keyClicks(pos.scan_edit, "++")
    assert _cell(pos, 0, QTY) == "3"
    qtbot.keyClicks(pos.scan_edit, "-")
    assert _cell(pos, 0, QTY) == "2"
    type_code(qtbot, pos.scan_edit, PHONE)
    qtbot.keyClicks(pos.scan_edit, "+")  # a unit is one unit
    assert pos.message.text() == "A serialized line is one unit: scan each unit"
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Delete)
    assert pos.cart_model.rowCount() == 1 and pos.cart_model.line(0).serial is None


def test_a_small_line_discount_needs_no_manager(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    press(qtbot, Qt.Key.Key_F8)
    dialog = pos.dialog
    assert isinstance(dialog, DiscountDialog)
    activate(qtbot, dialog)
    dialog.percent_edit.clear()
    type_code(qtbot, dialog.percent_edit, "10")
    assert pos.dialog is None
    assert not pos.cart_table.isColumnHidden(DISCOUNT)
    assert _cell(pos, 0, TOTAL) == "$449.10"


def test_a_big_discount_asks_a_manager_and_is_taken_off_without_one(
    qtbot: QtBot, pos: PosView
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    press(qtbot, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)  # sale discount
    assert isinstance(pos.dialog, DiscountDialog)
    activate(qtbot, pos.dialog)
    pos.dialog.percent_edit.clear()
    type_code(qtbot, pos.dialog.percent_edit, "25")
    approval = pos.dialog
    assert isinstance(approval, ApprovalDialog)
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, CASHIER_PIN)  # not a manager
    assert "Only a manager can approve; that PIN is cashier's" in approval.message.text()
    press(qtbot, Qt.Key.Key_Escape)
    assert pos.cart_model.cart.sale_discount_bp == 0
    assert pos.message.kind == "problem"


def test_a_manager_approved_discount_goes_through_to_the_sale(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    press(qtbot, Qt.Key.Key_F8)
    activate(qtbot, pos.dialog)  # type: ignore[arg-type]
    assert isinstance(pos.dialog, DiscountDialog)
    pos.dialog.percent_edit.clear()
    type_code(qtbot, pos.dialog.percent_edit, "20")
    approval = pos.dialog
    assert isinstance(approval, ApprovalDialog)
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, MANAGER_PIN)
    assert pos.approver is not None and pos.approver.name == "manager"
    _payment(qtbot, pos)
    press(qtbot, Qt.Key.Key_Return)
    (sale,) = recent_sales(demo_store, cashier)
    assert sale.total == 39920 and sale.discount == 9980


# ---------------------------------------------------------------- customer, park, resume


def test_customer_box_lights_up_for_serialized_units_but_never_blocks(
    qtbot: QtBot, pos: PosView
) -> None:
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    assert pos.customer_box.hint.isHidden()
    type_code(qtbot, pos.scan_edit, PHONE)
    assert pos.customer_box.property("attention") is True
    assert not pos.customer_box.hint.isHidden()
    _payment(qtbot, pos)  # straight on to the payment: an anonymous sale is allowed
    press(qtbot, Qt.Key.Key_Return)
    assert "completed" in pos.message.text()


def test_quick_add_a_customer_and_find_them_again(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, pos.scan_edit, LAPTOP)
    press(qtbot, Qt.Key.Key_F4)
    box = pos.customer_box
    assert box.search_edit.hasFocus()
    type_code(qtbot, box.search_edit, "Ada Lovelace")  # nobody yet: Enter opens quick add
    assert box.add_form.isVisible() and box.add_form.name_edit.text() == "Ada Lovelace"
    qtbot.keyClicks(box.add_form.phone_edit, "555-0101")
    qtbot.keyClick(box.add_form.phone_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.cart.customer_label == "Ada Lovelace (555-0101)"
    assert pos.scan_edit.hasFocus() and box.hint.isHidden()
    _payment(qtbot, pos)
    press(qtbot, Qt.Key.Key_Return)

    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    press(qtbot, Qt.Key.Key_F4)
    qtbot.keyClicks(box.search_edit, "0101")
    box.search_now()
    settle(qtbot)
    assert box.results.count() == 1
    press(qtbot, Qt.Key.Key_Return)
    assert pos.cart_model.cart.customer_id is not None
    (sale,) = recent_sales(demo_store, cashier)
    assert sale.customer == "Ada Lovelace"


def test_park_and_resume_a_sale(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    press(qtbot, Qt.Key.Key_F6)
    activate(qtbot, pos.dialog)  # type: ignore[arg-type]
    qtbot.keyClicks(pos.dialog.label_edit, "red jacket")  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_Return)
    assert pos.cart_model.rowCount() == 0
    assert "Parked “red jacket”" in pos.message.text()

    press(qtbot, Qt.Key.Key_F7)
    activate(qtbot, pos.dialog)  # type: ignore[arg-type]
    press(qtbot, Qt.Key.Key_Return)
    assert [line.serial for line in pos.cart_model.lines()] == [PHONE, None]


def test_locking_keeps_the_open_sale(qtbot: QtBot, pos: PosView, cashier: Actor) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    pos.set_actor(None)
    assert not pos.scan_edit.isEnabled()
    pos.handle_scan(LAPTOP)  # nobody at the till: ignored
    pos.set_actor(cashier)
    assert [line.serial for line in pos.cart_model.lines()] == [PHONE]


# ---------------------------------------------------------------- history, end of day, refunds


def test_history_and_end_of_day(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    sell_through_service(demo_store, cashier, PHONE)
    press(qtbot, Qt.Key.Key_F9)
    history = pos.dialog
    assert history is not None and history.table.rowCount() == 1  # type: ignore[attr-defined]
    assert history.preview.has_image()  # type: ignore[attr-defined]
    activate(qtbot, history)
    press(qtbot, Qt.Key.Key_Escape)
    assert pos.dialog is None

    press(qtbot, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    day = pos.dialog
    assert day is not None and day.report.sales == 1  # type: ignore[attr-defined]
    assert day.preview.has_image()  # type: ignore[attr-defined]


def test_a_receipt_scanned_at_the_pos_offers_the_refund(
    qtbot: QtBot, pos: PosView, demo_store: Store, cashier: Actor
) -> None:
    sale = sell_through_service(demo_store, cashier, PHONE)
    type_code(qtbot, pos.scan_edit, sale.number)
    assert "is a receipt" in pos.message.text() and pos.cart_model.rowCount() == 0
    with qtbot.waitSignal(pos.refund_requested) as asked:
        press(qtbot, Qt.Key.Key_F10)
    assert asked.args == [sale.number]
