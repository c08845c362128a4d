"""A repair ticket collected at the POS, driven by the keyboard: its lines are the
ticket's (a quantity is not stepped at the till), and parking the sale or locking the till
keeps the ticket with its lines, so paying later still collects it."""

from __future__ import annotations

import pytest
from pos_shop import activate, open_pos, press, type_code
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle
from ticket_desk import Desk, make_desk, take_in_foreign

from app.db.uow import Store
from app.tickets.parts import add_labour, add_part
from app.tickets.queries import ticket_detail
from app.tickets.workflow import change_status
from app.ui.pos.parked_dialog import ParkDialog, ResumeDialog
from app.ui.pos.payment_dialog import PaymentDialog
from app.ui.pos.pos_view import PosView

CABLES = "CBL-USBC"  # $12.99, bulk: two of them fitted on the ticket
TOTAL = "$50.98"  # 2 x $12.99 + $25.00 labour


@pytest.fixture
def desk(demo_store: Store) -> Desk:
    return make_desk(demo_store)


def _ready_ticket(desk: Desk) -> str:
    number = take_in_foreign(desk, "ACME-4242").number
    change_status(desk.store, desk.service, number, "diagnosing")
    add_part(desk.store, desk.service, number, CABLES, qty=2, location="Front store")
    add_labour(desk.store, desk.service, number, "fit the port", 2500)
    change_status(desk.store, desk.service, number, "ready")
    return number


def _at_the_till(qtbot: QtBot, desk: Desk) -> tuple[PosView, str]:
    number = _ready_ticket(desk)
    pos = open_pos(qtbot, desk.store, desk.cashier)
    type_code(qtbot, pos.scan_edit, number)
    assert pos.cart_model.cart.ticket_number == number
    assert [line.qty for line in pos.cart_model.lines()] == [2, 1]
    assert pos.totals_panel.total.text() == TOTAL
    return pos, number


def _pay_exact_cash(qtbot: QtBot, pos: PosView) -> None:
    press(qtbot, Qt.Key.Key_F12)
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    activate(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.dialog is None, dialog.message.text()


def _collected_on_a_sale(desk: Desk, number: str) -> None:
    done = ticket_detail(desk.store, desk.service, number)
    assert done.status == "collected" and done.sale_number is not None


def test_a_ticket_lines_quantity_is_the_tickets_not_stepped_at_the_till(
    qtbot: QtBot, desk: Desk
) -> None:
    pos, number = _at_the_till(qtbot, desk)
    pos.focus_search()
    for row in (0, 1):
        pos._select_row(row)
        qtbot.keyClicks(pos.scan_edit, "+")  # Qty +1 on the highlighted line
        assert "one repair" in pos.message.text()
        qtbot.keyClicks(pos.scan_edit, "-")
        type_code(qtbot, pos.scan_edit, "5*")  # the quantity typed for the line
    assert [line.qty for line in pos.cart_model.lines()] == [2, 1]
    assert pos.totals_panel.total.text() == TOTAL  # what the ticket charges, to the cent
    _pay_exact_cash(qtbot, pos)
    _collected_on_a_sale(desk, number)


def test_a_parked_ticket_comes_back_with_its_ticket_and_is_collected(
    qtbot: QtBot, desk: Desk
) -> None:
    pos, number = _at_the_till(qtbot, desk)
    press(qtbot, Qt.Key.Key_F6)
    assert isinstance(pos.dialog, ParkDialog)
    activate(qtbot, pos.dialog)
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.is_empty() and pos.cart_model.cart.ticket_number is None

    press(qtbot, Qt.Key.Key_F7)
    settle(qtbot)
    assert isinstance(pos.dialog, ResumeDialog)
    activate(qtbot, pos.dialog)
    press(qtbot, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.cart.ticket_number == number
    assert pos.totals_panel.total.text() == TOTAL
    _pay_exact_cash(qtbot, pos)
    _collected_on_a_sale(desk, number)


def test_a_lock_keeps_the_ticket_with_the_open_sale(qtbot: QtBot, desk: Desk) -> None:
    pos, number = _at_the_till(qtbot, desk)
    pos.set_actor(None)  # Ctrl+L
    pos.set_actor(desk.cashier)  # the window gives the scan field the focus
    pos.focus_search()
    settle(qtbot)
    assert pos.cart_model.cart.ticket_number == number
    _pay_exact_cash(qtbot, pos)
    _collected_on_a_sale(desk, number)


def test_the_ticket_comes_back_with_the_open_sale_after_a_crash(qtbot: QtBot, desk: Desk) -> None:
    before, number = _at_the_till(qtbot, desk)
    settle(qtbot)
    before.hide()  # the till goes away without a word
    after = open_pos(qtbot, desk.store, desk.cashier)
    qtbot.waitUntil(lambda: after.cart_model.rowCount() == 2, timeout=3000)
    assert after.cart_model.cart.ticket_number == number
    _pay_exact_cash(qtbot, after)
    _collected_on_a_sale(desk, number)
