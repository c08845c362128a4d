"""The Tickets view: the paged list, scans routed in the view, intake by scan (one ticket
for a double Enter), and a refused move said once with nothing changed."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from settle import settle
from ticket_desk import PART, SOLD_PHONE, Desk, make_desk, open_tickets, scan, take_in_foreign

from app.db.uow import Store
from app.tickets.queries import TicketFilter, list_tickets, ticket_detail
from app.tickets.statuses import TicketStatus
from app.ui.tickets.tickets_model import DEFAULT_PAGE
from app.ui.widgets.message_line import MessageLine
from tests.conftest import dump_tables


@pytest.fixture
def desk(demo_store: Store) -> Desk:
    return make_desk(demo_store)


def test_the_list_pages_through_a_few_hundred_tickets(qtbot: QtBot, desk: Desk) -> None:
    for n in range(DEFAULT_PAGE * 2 + 50):
        take_in_foreign(desk, f"F{n:05d}")
    view = open_tickets(qtbot, desk.store, desk.service)
    model = view.list_page.model
    assert model.rowCount() == DEFAULT_PAGE and model.has_more
    assert model.ticket(0).number == "T-000250"  # newest first
    while model.canFetchMore():
        model.fetchMore()
        settle(qtbot)
    assert model.rowCount() == 250 and not model.has_more
    assert len({model.ticket(r).number for r in range(250)}) == 250
    assert view.list_page.count_label.text() == "250 tickets"

    view.list_page.search_edit.setText("F00007")
    view.list_page.apply_filter()
    settle(qtbot)
    assert [model.ticket(r).serial for r in range(model.rowCount())] == ["F00007"]


def test_filters_by_status_and_overdue(qtbot: QtBot, desk: Desk) -> None:
    first = take_in_foreign(desk, "F1")
    take_in_foreign(desk, "F2")
    view = open_tickets(qtbot, desk.store, desk.service)
    view.open_ticket(first.number)
    settle(qtbot)
    view.detail_page.status_buttons[TicketStatus.DIAGNOSING].click()
    settle(qtbot)
    page = view.list_page
    page.status_box.setCurrentIndex(page.status_box.findData("diagnosing"))
    settle(qtbot)
    assert [page.model.ticket(r).number for r in range(page.model.rowCount())] == [first.number]
    page.status_box.setCurrentIndex(0)
    page.overdue_box.setChecked(True)
    settle(qtbot)
    assert page.model.rowCount() == 0


def test_scans_in_the_view(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, SOLD_PHONE)  # a unit with no open ticket: intake, looked up at once
    assert view.pages.currentWidget() is view.intake_page
    found = view.intake_page.found
    assert found is not None and found.customer == "Jane Doe" and found.receipt == desk.receipt
    assert found.customer_warranty.active and found.customer_warranty.days_left >= 364
    assert "days left" in view.intake_page.warranty.text()
    assert view.intake_page.customer_box.customer_id == desk.jane.id  # the buyer

    intake = view.intake_page
    intake.problem_edit.setText("screen flickers")
    intake.submit()
    intake.submit()  # a double Enter
    settle(qtbot)
    intake.submit()  # and once more after it was written
    settle(qtbot)
    tickets = list_tickets(desk.store, desk.service).tickets
    assert len(tickets) == 1
    number = tickets[0].number
    assert view.detail_page.number == number

    scan(qtbot, view, PART)  # an in-stock serial with a ticket open: a part on it
    ticket = ticket_detail(desk.store, desk.service, number)
    assert [(ln.serial, ln.unit_price) for ln in ticket.lines] == [(PART, 0)]  # warranty
    assert view.detail_page.lines_model.rowCount() == 1

    view.show_list()
    scan(qtbot, view, SOLD_PHONE)  # the unit's open ticket opens
    assert view.pages.currentWidget() is view.detail_page and view.detail_page.number == number
    view.show_list()
    scan(qtbot, view, number.lower())  # a ticket number opens it
    assert view.detail_page.number == number
    scan(qtbot, view, "T-999999")
    assert "No ticket T-999999" in view.message.message


def test_a_foreign_device_asks_for_its_make_and_model(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, "ZZ-NEVER-SEEN")
    intake = view.intake_page
    assert intake.found is not None and intake.found.unit_id is None
    assert intake.device_edit.isVisible()
    intake.problem_edit.setText("no sound")
    intake.submit()
    settle(qtbot)
    assert "choose or add the customer" in intake.message.text() or "make and model" in (
        intake.message.text()
    )
    assert list_tickets(desk.store, desk.service).tickets == ()


def test_a_refused_move_is_said_once_and_changes_nothing(
    qtbot: QtBot, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems: list[str] = []
    shown = MessageLine.show_problem

    def said(line: MessageLine, message: str) -> None:
        problems.append(message)
        shown(line, message)

    monkeypatch.setattr(MessageLine, "show_problem", said)
    ticket = take_in_foreign(desk, "F1")
    view = open_tickets(qtbot, desk.store, desk.service)
    window_problems: list[str] = []
    view.problem.connect(window_problems.append)
    view.open_ticket(ticket.number)
    settle(qtbot)
    before = dump_tables(desk.store)
    view.detail_page.move_to(TicketStatus.READY)  # new -> ready is not a move
    settle(qtbot)
    assert dump_tables(desk.store) == before
    assert problems == [f"{ticket.number} is new: it cannot go to ready for collection"]
    assert view.detail_page.ticket is not None and view.detail_page.ticket.status == "new"
    assert window_problems == []
    assert not view.detail_page.status_buttons[TicketStatus.READY].isVisible()
    assert list_tickets(desk.store, desk.service, TicketFilter()).tickets[0].status == "new"


def test_typing_taken_for_a_scan_starts_no_intake(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    view.handle_scan("customer approved the estimate")  # a busy till's keyboard filter
    settle(qtbot)
    assert view.pages.currentWidget() is view.list_page
    assert "Unknown code" in view.message.message


def test_a_serial_two_items_share_asks_which(qtbot: QtBot, desk: Desk) -> None:
    from app.stock.receiving import Receiving, receive_serials
    from app.stock.serials import parse_list
    from app.users.services import actor_by_name

    manager = actor_by_name(desk.store, "manager")
    for sku in ("PH-X200", "LT-AIR14"):
        delivery = Receiving(sku=sku, location="Front store")
        receive_serials(desk.store, manager, delivery, parse_list("TWIN-1"), method="list")
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, "TWIN-1")
    intake = view.intake_page
    assert intake.found is None and intake.sku_box.isVisible()
    assert [intake.sku_box.itemText(i) for i in range(intake.sku_box.count())] == [
        "LT-AIR14",
        "PH-X200",
    ]
    intake.sku_box.hidePopup()
    intake.sku_box.setCurrentIndex(1)
    intake.look_up()
    settle(qtbot)
    assert intake.found is not None and intake.found.sku == "PH-X200"
