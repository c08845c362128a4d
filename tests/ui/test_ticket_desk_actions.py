"""The desk's actions on an open ticket, driven in the Tickets view: a warranty
replacement, a repair sent to the vendor and received back, and a part taken off again.
Each checks the window and the units' states the store has afterwards."""

from __future__ import annotations

import pytest
from pos_shop import press, type_code
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from settle import settle
from ticket_desk import PART, PART_2, SOLD_PHONE, Desk, make_desk, open_tickets, scan

from app.config import ShopSettings
from app.db.uow import Store
from app.stock.locations import edit_location
from app.stock.queries import find_units, stock_by_location
from app.stock.records import UnitRecord
from app.tickets.intake import Intake, open_ticket
from app.tickets.queries import ticket_detail
from app.tickets.workflow import change_status
from app.ui.formatting import ShopFormat
from app.ui.tickets.detail_page import TicketDetailPage
from app.ui.tickets.tickets_view import TicketsView
from app.users.roles import Actor

CABLES = "CBL-USBC"


@pytest.fixture
def desk(demo_store: Store) -> Desk:
    return make_desk(demo_store)


def _unit(desk: Desk, serial: str) -> UnitRecord:
    (unit,) = find_units(desk.store, desk.service, serial)
    return unit


def _take_in_by_scan(qtbot: QtBot, view: TicketsView, serial: str) -> str:
    scan(qtbot, view, serial)
    view.intake_page.problem_edit.setText("battery swells")
    view.intake_page.submit()
    settle(qtbot)
    ticket = view.detail_page.ticket
    assert ticket is not None
    return ticket.number


def test_a_warranty_replacement_from_the_detail(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    number = _take_in_by_scan(qtbot, view, SOLD_PHONE)
    page = view.detail_page
    warranty_end = _unit(desk, SOLD_PHONE).warranty_end
    assert page.replace_button.isVisible()  # under warranty, a unit we sold
    page.replace_button.click()
    settle(qtbot)
    ticket = ticket_detail(desk.store, desk.service, number)
    new = ticket.replacement_serial
    assert new is not None and new != SOLD_PHONE
    assert f"Replaced by</b> S/N {new}" in page.intake_label.text()
    assert "the customer's unit was replaced" in view.message.message
    assert not page.replace_button.isVisible()  # once a ticket
    old_unit, new_unit = _unit(desk, SOLD_PHONE), _unit(desk, new)
    assert (old_unit.status, old_unit.location) == ("defective", "Front store")
    assert (new_unit.status, new_unit.customer) == ("sold", "Jane Doe")
    assert new_unit.warranty_end == warranty_end  # the remaining warranty, not a new one


def test_sent_to_the_vendor_and_received_back_from_the_detail(qtbot: QtBot, desk: Desk) -> None:
    # The shop's own unit in for repair: it goes at_vendor and comes back to its shelf.
    number = open_ticket(
        desk.store, desk.service,
        Intake(serial=PART_2, problem="dead on arrival", customer_id=desk.jane.id),
    ).number  # fmt: skip
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, number)
    page = view.detail_page
    assert page.vendor_button.isVisible() and not page.back_button.isVisible()
    qtbot.keyClicks(page.rma_edit, "RMA-77")
    qtbot.keyClick(page.rma_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert "sent to the vendor (RMA RMA-77)" in view.message.message
    assert "RMA-77 (at the vendor)" in page.intake_label.text()
    assert page.back_button.isVisible() and not page.vendor_button.isVisible()
    assert _unit(desk, PART_2).status == "at_vendor"

    page.back_button.click()
    settle(qtbot)
    assert "back from the vendor" in view.message.message
    assert "RMA-77 (back)" in page.intake_label.text()
    assert page.vendor_button.isVisible() and not page.back_button.isVisible()
    unit = _unit(desk, PART_2)
    assert (unit.status, unit.location) == ("in_stock", "Front store")
    ticket = ticket_detail(desk.store, desk.service, number)
    assert ticket.vendor_sent_at is not None and ticket.vendor_back_at is not None


def _cables_here(desk: Desk) -> int:
    rows = stock_by_location(desk.store, desk.service, sku=CABLES)
    return sum(row.qty for row in rows if row.location == "Front store")


def _select(page: TicketDetailPage, row: int) -> None:
    page.lines_table.selectionModel().setCurrentIndex(
        page.lines_model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    page.lines_table.setFocus()


def test_parts_taken_off_the_ticket_go_back_to_stock(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    number = _take_in_by_scan(qtbot, view, SOLD_PHONE)
    change_status(desk.store, desk.service, number, "diagnosing")
    cables = _cables_here(desk)
    scan(qtbot, view, PART)  # a serialized part on the open ticket
    page = view.detail_page
    page.qty_box.setValue(2)
    type_code(qtbot, page.part_edit, CABLES)  # and two cables
    assert page.lines_model.rowCount() == 2 and _unit(desk, PART).status == "used"
    assert _cables_here(desk) == cables - 2

    _select(page, 0)
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)  # Remove line
    settle(qtbot)
    assert "taken off" in view.message.message
    unit = _unit(desk, PART)
    assert (unit.status, unit.location) == ("in_stock", "Front store")
    (left,) = ticket_detail(desk.store, desk.service, number).lines
    assert (left.serial, left.qty) == (None, 2)  # the line chosen went, the other stayed
    assert page.lines_model.rowCount() == 1

    _select(page, 0)
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)
    settle(qtbot)
    assert page.lines_model.rowCount() == 0 and _cables_here(desk) == cables
    assert page.total_label.text() == "Total <b>$0.00</b>"
    press(qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.AltModifier)  # nothing left to take
    settle(qtbot)
    assert "select a line first" in view.message.message.lower()


def test_parts_come_from_the_location_the_till_sells_from_whatever_its_name(
    qtbot: QtBot, desk: Desk, demo_manager: Actor
) -> None:
    # No till location set and the shop's one sellable location renamed: the desk takes
    # parts from it (before, the Tickets view assumed a location called "Front store").
    edit_location(desk.store, demo_manager, "Front store", new_name="Counter")
    shop = ShopSettings()
    view = TicketsView(desk.store, ShopFormat(shop), shop)
    qtbot.addWidget(view)
    view.resize(1186, 700)
    view.show()
    view.set_actor(desk.service)
    settle(qtbot)
    number = _take_in_by_scan(qtbot, view, SOLD_PHONE)
    change_status(desk.store, desk.service, number, "diagnosing")

    def cables_at_counter() -> int:
        rows = stock_by_location(desk.store, desk.service, sku=CABLES)
        return sum(row.qty for row in rows if row.location == "Counter")

    before = cables_at_counter()
    type_code(qtbot, view.detail_page.part_edit, CABLES)
    assert view.detail_page.lines_model.rowCount() == 1, view.message.message
    assert cables_at_counter() == before - 1
