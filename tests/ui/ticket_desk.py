"""What the Tickets view tests share: the demo shop with a phone sold to Jane (under
warranty), the Tickets view opened as the service desk, and a quick way to a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from pos_shop import SHOP, cart_lines, open_view
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.customers.services import CustomerRecord, add_customer
from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.tickets.intake import Intake, open_ticket
from app.tickets.records import TicketRecord
from app.ui.pos.till import till_of
from app.ui.tickets.tickets_view import TicketsView
from app.users.roles import Actor
from app.users.services import actor_by_name

SOLD_PHONE = "PX000001"  # sold to Jane: under warranty for a year
PART = "PX000002"  # in stock at the front store: used as a part
PART_2 = "PX000003"


@dataclass(frozen=True)
class Desk:
    store: Store
    service: Actor
    cashier: Actor
    jane: CustomerRecord
    receipt: str


def make_desk(store: Store) -> Desk:
    cashier = actor_by_name(store, "cashier")
    jane = add_customer(
        store, cashier, name="Jane Doe", phone="555-0101", email="jane@example.test"
    )
    (line,) = cart_lines(store, cashier, SOLD_PHONE)
    checkout = Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),), jane.id)
    sale = complete_sale(store, cashier, till_of(SHOP), checkout)
    return Desk(store, actor_by_name(store, "service"), cashier, jane, sale.number)


def open_tickets(qtbot: QtBot, store: Store, actor: Actor) -> TicketsView:
    return open_view(qtbot, TicketsView, store, actor, size=(1186, 700))


def take_in_foreign(desk: Desk, serial: str, **fields: object) -> TicketRecord:
    intake = Intake(serial=serial, problem="does not charge", device="Acme A1",
                    customer_id=desk.jane.id, **fields)  # type: ignore[arg-type]  # fmt: skip
    return open_ticket(desk.store, desk.service, intake)


def scan(qtbot: QtBot, view: TicketsView, code: str) -> None:
    qtbot.keyClicks(view.scan_edit, code)
    qtbot.keyClick(view.scan_edit, Qt.Key.Key_Return)
    settle(qtbot)
