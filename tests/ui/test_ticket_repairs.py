"""Two repairs end to end, as the desk and the till drive them: a warranty repair (intake
by scan, a part by scan, ready, the customer's e-mail read off a real SMTP server on
127.0.0.1, collected at the POS at no charge) and a paid one (estimate, approval, part and
labour, ready, collected and paid at the POS)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pos_shop import activate, open_pos, press
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle
from ticket_desk import (
    PART,
    PART_2,
    SOLD_PHONE,
    Desk,
    make_desk,
    open_tickets,
    scan,
    take_in_foreign,
)

from app.config import MailSettings, Settings
from app.db.uow import Store
from app.devices.mail_queue import MailQueue, MailState
from app.effects.handlers import Effects
from app.effects.mail import open_mail_queue
from app.pos.sales import recent_sales
from app.stock.queries import find_units
from app.tickets.queries import ticket_detail
from app.tickets.statuses import TicketStatus
from app.tickets.workflow import change_status
from app.ui.pos.payment_dialog import PaymentDialog
from app.ui.tickets.tickets_view import TicketsView
from tests.support.smtp_inbox import Inbox, smtp_server


class Jobs:
    def __init__(self) -> None:
        self.titles: list[str] = []

    def submit(self, printer_name: str, title: str, payload: bytes, *, kind: str = "") -> str:
        self.titles.append(title)
        return f"job-{len(self.titles)}"


@pytest.fixture
def desk(demo_store: Store) -> Desk:
    return make_desk(demo_store)


@pytest.fixture
def mail(desk: Desk, tmp_path: Path) -> Iterator[tuple[Inbox, MailQueue, Jobs]]:
    with smtp_server() as (inbox, port):
        printer = {"name": "Desk", "backend": "network", "host": "127.0.0.1", "port": 9}
        settings = Settings(
            printers=(printer,),
            receipt_printer="Desk",
            mail=MailSettings(host="127.0.0.1", port=port, starttls=False, sender="shop@x.test"),
        )
        queue = open_mail_queue(settings, spool=tmp_path / "mail")
        assert queue is not None
        jobs = Jobs()
        desk.store.listen(Effects(settings, jobs, mail=queue))
        try:
            yield inbox, queue, jobs
        finally:
            queue.stop()


def _move(qtbot: QtBot, view: TicketsView, *steps: TicketStatus) -> None:
    for status in steps:
        button = view.detail_page.status_buttons[status]
        assert button.isVisible(), status
        button.click()
        settle(qtbot)
        assert view.detail_page.ticket is not None
        assert view.detail_page.ticket.status == status.value


def test_a_warranty_repair_from_scan_to_collection_at_no_charge(
    qtbot: QtBot, desk: Desk, mail: tuple[Inbox, MailQueue, Jobs]
) -> None:
    inbox, queue, jobs = mail
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, SOLD_PHONE)  # intake by scan: the buyer and the warranty at once
    intake = view.intake_page
    assert intake.customer_box.customer_id == desk.jane.id
    qtbot.keyClicks(intake.problem_edit, "battery swells")
    intake.checks[0].setChecked(True)
    qtbot.keyClicks(intake.passcode_edit, "1379")
    qtbot.keyClick(intake.passcode_edit, Qt.Key.Key_Return)  # the last field: opens it
    qtbot.keyClick(intake.passcode_edit, Qt.Key.Key_Return)  # a double Enter: still one
    settle(qtbot)
    ticket = view.detail_page.ticket
    assert ticket is not None and ticket.under_warranty and ticket.has_passcode
    assert jobs.titles == [f"Intake tag {ticket.number}", f"Claim slip {ticket.number}"]

    scan(qtbot, view, PART)  # a part by scan, free under warranty
    _move(qtbot, view, TicketStatus.DIAGNOSING, TicketStatus.IN_REPAIR, TicketStatus.READY)
    assert inbox.arrived.wait(15)
    (message,) = inbox.messages
    assert message["To"] == "jane@example.test"
    assert ticket.number in message["Subject"]
    (job,) = queue.jobs()
    sent = queue.wait(job.id, 15)  # the server has it; the queue notes it a moment later
    assert sent is not None and sent.state is MailState.SENT

    asked: list[tuple[str, str]] = []
    view.print_requested.connect(lambda t, kind: asked.append((t.number, kind)))
    view.detail_page.tag_button.click()  # a reprint goes to the window's Effects
    assert asked == [(ticket.number, "tag")]
    pos = open_pos(qtbot, desk.store, desk.cashier)
    qtbot.keyClicks(pos.scan_edit, ticket.number)
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.rowCount() == 1
    assert pos.cart_model.cart.ticket_number == ticket.number
    assert pos.cart_model.cart.customer_id == desk.jane.id
    assert pos.cart_model.line(0).name == f"{ticket.number} · Phone X200 128 GB"
    assert pos.cart_model.line(0).serial == PART
    assert pos.totals_panel.total.text() == "$0.00"
    press(qtbot, Qt.Key.Key_F12)  # paying nothing: collected without a sale
    assert pos.dialog is None
    done = ticket_detail(desk.store, desk.service, ticket.number)
    assert done.status == "collected" and done.sale_number is None and not done.has_passcode
    assert recent_sales(desk.store, desk.cashier) == [desk_sale(desk)]
    assert "collected" in pos.message.message


def desk_sale(desk: Desk) -> object:
    (sale,) = [s for s in recent_sales(desk.store, desk.cashier) if s.number == desk.receipt]
    return sale


def test_a_paid_repair_from_estimate_to_payment_at_the_till(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    scan(qtbot, view, "ACME-778899")  # a device we did not sell
    intake = view.intake_page
    qtbot.keyClicks(intake.device_edit, "Acme A1 phone")
    intake.customer_box.set_customer(desk.jane.id, "Jane Doe")
    qtbot.keyClicks(intake.problem_edit, "cracked screen")
    qtbot.keyClicks(intake.estimate_edit, "540.00")
    qtbot.keyClicks(intake.promised_edit, "+3")
    intake.submit()
    settle(qtbot)
    ticket = view.detail_page.ticket
    assert ticket is not None and not ticket.under_warranty and ticket.estimate == 54000

    _move(qtbot, view, TicketStatus.DIAGNOSING, TicketStatus.AWAITING_APPROVAL)
    view.detail_page.note_edit.setText("customer approved the estimate by phone")
    view.detail_page.for_customer.setChecked(True)
    view.detail_page.add_note()
    settle(qtbot)
    _move(qtbot, view, TicketStatus.IN_REPAIR)
    scan(qtbot, view, PART_2)  # $499.00
    page = view.detail_page
    qtbot.keyClicks(page.labour_edit, "Screen fitting")
    qtbot.keyClicks(page.labour_price, "25.00")
    qtbot.keyClick(page.labour_price, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.lines_model.rowCount() == 2
    assert page.total_label.text() == "Total <b>$524.00</b>"
    _move(qtbot, view, TicketStatus.READY)

    pos = open_pos(qtbot, desk.store, desk.cashier)
    qtbot.keyClicks(pos.scan_edit, ticket.number)
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.rowCount() == 2
    assert pos.totals_panel.total.text() == "$524.00"
    press(qtbot, Qt.Key.Key_F12)
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    activate(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Return)  # exact cash
    assert pos.dialog is None
    done = ticket_detail(desk.store, desk.service, ticket.number)
    assert done.status == "collected" and done.sale_number is not None
    sale = next(s for s in recent_sales(desk.store, desk.cashier) if s.number == done.sale_number)
    assert sale.total == 52400 and sale.customer == "Jane Doe"
    (part,) = find_units(desk.store, desk.cashier, PART_2)
    assert part.status == "used"


def test_a_ticket_with_nothing_on_it_is_handed_back_without_a_sale(
    qtbot: QtBot, desk: Desk
) -> None:

    ticket = take_in_foreign(desk, "NOTHING-1")
    for status in ("diagnosing", "ready"):
        change_status(desk.store, desk.service, ticket.number, status)
    pos = open_pos(qtbot, desk.store, desk.cashier)
    qtbot.keyClicks(pos.scan_edit, ticket.number)
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.cart_model.cart.ticket_number == ticket.number and pos.cart_model.is_empty()
    assert "no charge" in pos.message.message
    press(qtbot, Qt.Key.Key_F12)
    assert pos.dialog is None
    done = ticket_detail(desk.store, desk.service, ticket.number)
    assert done.status == "collected" and done.sale_number is None
    assert pos.cart_model.cart.ticket_number is None
