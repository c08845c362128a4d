"""The Refund view by keyboard alone: find the sale by its receipt or by a unit, choose
what comes back, a reason, a manager's PIN, the refund slip."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pos_shop import (
    CABLE_BARCODE,
    LAPTOP,
    MANAGER_PIN,
    PHONE,
    PHONE_2,
    SHOP,
    activate,
    open_refund,
    press,
    sell_through_service,
    type_code,
)
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.pos.records import SaleRecord
from app.pos.refunds import RefundLineRequest
from app.pos.sales import get_sale
from app.scan import ItemScan, resolve_scan
from app.stock.queries import find_units
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.till import till_of
from app.ui.refund.refund_model import RETURNING
from app.ui.refund.refund_view import RefundView
from app.users.roles import Actor
from app.users.services import actor_by_name


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


@pytest.fixture
def sale(demo_store: Store, cashier: Actor) -> SaleRecord:
    return sell_through_service(demo_store, cashier, PHONE, PHONE_2, LAPTOP)


@pytest.fixture
def refund(qtbot: QtBot, demo_store: Store, cashier: Actor) -> RefundView:
    return open_refund(qtbot, demo_store, cashier)


def _status(store: Store, actor: Actor, serial: str) -> str:
    (unit,) = find_units(store, actor, serial)
    return unit.status


def _manager_approves(qtbot: QtBot, view: RefundView) -> None:
    approval = view.dialog
    assert isinstance(approval, ApprovalDialog)
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, MANAGER_PIN)


def test_refund_by_receipt_with_the_keyboard_alone(
    qtbot: QtBot, refund: RefundView, sale: SaleRecord, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, refund.scan_edit, sale.number)
    assert refund.lines_model.rowCount() == 3 and refund.lines_model.chosen() == ()
    assert refund.lines_table.hasFocus()
    press(qtbot, Qt.Key.Key_Down)  # the second phone
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_Tab)
    assert refund.reason_edit.hasFocus()
    qtbot.keyClicks(refund.reason_edit, "Wrong colour")
    press(qtbot, Qt.Key.Key_F12)
    _manager_approves(qtbot, refund)

    assert refund.dialog is None
    assert _status(demo_store, cashier, PHONE_2) == "in_stock"
    assert _status(demo_store, cashier, PHONE) == "sold"
    assert refund.pages.currentWidget() is refund.done_page
    assert refund.done_page.preview.has_image()
    assert refund.done_page.headline.text() == "Give back cash $499.00"
    assert "Refund RF-000001 done" in refund.message.text()
    assert get_sale(demo_store, cashier, sale.number).refunds == ["RF-000001"]


def test_scanning_the_unit_finds_its_sale_with_its_line_chosen(
    qtbot: QtBot, refund: RefundView, sale: SaleRecord, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, refund.scan_edit, LAPTOP.lower())  # case does not matter
    assert refund.lines_model.sale is not None
    assert refund.lines_model.sale.number == sale.number
    laptop_row = refund.lines_model.row_of_serial(LAPTOP)
    assert refund.lines_model.chosen() == (RefundLineRequest(sale.lines[laptop_row].id, 1),)
    assert refund.reason_edit.hasFocus()
    qtbot.keyClicks(refund.reason_edit, "Dead on arrival")
    refund.restock_combo.setCurrentIndex(refund.restock_combo.findData("defective"))
    qtbot.keyClick(refund.reason_edit, Qt.Key.Key_Return)  # Enter in the reason: refund
    _manager_approves(qtbot, refund)
    assert _status(demo_store, cashier, LAPTOP) == "defective"


def test_a_second_unit_scanned_joins_the_refund(
    qtbot: QtBot, refund: RefundView, sale: SaleRecord
) -> None:
    type_code(qtbot, refund.scan_edit, PHONE)
    type_code(qtbot, refund.scan_edit, PHONE_2)
    assert len(refund.lines_model.chosen()) == 2
    assert refund.choice_label.text().startswith("Coming back: 2 units on 2 lines")


def test_a_unit_is_refunded_once(
    qtbot: QtBot, refund: RefundView, sale: SaleRecord, demo_store: Store, demo_manager: Actor
) -> None:
    refund.set_actor(demo_manager)  # a manager approves their own refund: no PIN asked
    type_code(qtbot, refund.scan_edit, PHONE)
    qtbot.keyClicks(refund.reason_edit, "Changed mind")
    press(qtbot, Qt.Key.Key_F12)
    assert refund.dialog is None and "RF-000001" in refund.message.text()

    type_code(qtbot, refund.scan_edit, "RF-000001")
    assert "RF-000001 is a refund slip" in refund.message.text()
    type_code(qtbot, refund.scan_edit, sale.number)
    row = refund.lines_model.row_of_serial(PHONE)
    assert refund.lines_model.index(row, RETURNING).data() == "refunded"
    type_code(qtbot, refund.scan_edit, PHONE)
    assert refund.message.kind == "problem"
    assert f"{PHONE} from {sale.number} has been refunded already" in refund.message.text()
    assert refund.lines_model.chosen() == ()


def test_the_reason_is_asked_for_before_the_manager_comes(
    qtbot: QtBot, refund: RefundView, sale: SaleRecord
) -> None:
    type_code(qtbot, refund.scan_edit, PHONE)
    press(qtbot, Qt.Key.Key_F12)
    assert refund.dialog is None
    assert refund.message.text() == "Type the reason for the refund"
    assert refund.reason_edit.hasFocus()


def test_nothing_chosen_is_refused(qtbot: QtBot, refund: RefundView, sale: SaleRecord) -> None:
    type_code(qtbot, refund.scan_edit, sale.number)
    qtbot.keyClicks(refund.reason_edit, "Whatever")
    press(qtbot, Qt.Key.Key_F12)
    assert refund.dialog is None
    assert "Choose what comes back" in refund.message.text()


def test_bulk_quantity_comes_back_in_part(
    qtbot: QtBot, refund: RefundView, demo_store: Store, cashier: Actor, demo_manager: Actor
) -> None:
    cable = resolve_scan(demo_store, cashier, CABLE_BARCODE, location=SHOP.till_location)
    assert isinstance(cable, ItemScan)
    three = replace(cable.cart_line(), qty=3)
    paid = (TenderInput(TenderKind.CASH, 3 * three.unit_price),)
    sold = complete_sale(demo_store, cashier, till_of(SHOP), Checkout((three,), paid))

    refund.set_actor(demo_manager)
    type_code(qtbot, refund.scan_edit, sold.number)
    press(qtbot, Qt.Key.Key_Space)  # all three...
    press(qtbot, Qt.Key.Key_Minus)  # ...less one
    assert refund.lines_model.chosen() == (RefundLineRequest(sold.lines[0].id, 2),)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(refund.reason_edit, "Too many")
    press(qtbot, Qt.Key.Key_F12)
    assert refund.done_page.headline.text() == "Give back cash $25.98"


def test_a_product_barcode_or_an_unknown_code_says_what_to_scan(
    qtbot: QtBot, refund: RefundView
) -> None:
    type_code(qtbot, refund.scan_edit, CABLE_BARCODE)
    assert "scan the receipt" in refund.message.text()
    type_code(qtbot, refund.scan_edit, "NOPE-123")
    assert refund.message.kind == "problem" and refund.lines_model.sale is None
