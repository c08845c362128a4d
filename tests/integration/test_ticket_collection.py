"""Collection (PRODUCT.md: Tickets, Scans): a ready ticket is paid and closed at the till in
one sale, or handed back without charge; never twice; its used parts are not for sale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import Conflict, InvalidInput
from app.paperwork.receipts import sale_receipt
from app.pos import ticket_sale
from app.pos.cart import Cart, TenderInput, TenderKind
from app.pos.checkout import Checkout, UnitUnavailable, complete_sale
from app.pos.parking import park_sale, resume_sale
from app.pos.records import SaleRecord
from app.pos.sales import get_sale
from app.printing.escpos import render_receipt
from app.scan import TicketScan, UnitScan, resolve_scan
from app.stock import queries
from app.tickets.collection import collect_without_charge, ticket_charges
from app.tickets.common import claim_status, get_ticket
from app.tickets.events import TicketCollected
from app.tickets.intake import NewCustomer
from app.tickets.parts import add_labour, use_part
from app.tickets.passcode import reveal_passcode
from app.tickets.queries import TicketFilter, list_tickets, open_ticket_of, ticket_detail
from app.tickets.statuses import TicketStatus
from app.tickets.workflow import change_status
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.ticket_shop import TILL, Shop, make_shop, take_in
from tests.support.escpos_decode import decode, lines

OPEN_ONES = TicketFilter()


@pytest.fixture
def shop(store: Store, manager: Actor) -> Shop:
    return make_shop(store, manager)


def ready_paid_ticket(shop: Shop, **fields: object) -> str:
    t = take_in(shop, "ZX-1", device="Other phone", customer_id=shop.jane.id, **fields).number
    change_status(shop.store, shop.service, t, "diagnosing")
    use_part(shop.store, shop.service, t, "S1")
    add_labour(shop.store, shop.service, t, "fit screen", 2500)
    change_status(shop.store, shop.service, t, "ready")
    return t


def pay(shop: Shop, cart: Cart, amount: int) -> SaleRecord:
    tenders = (TenderInput(TenderKind.CASH, amount),) if amount else ()
    checkout = Checkout(
        tuple(cart.lines), tenders, cart.customer_id, ticket_number=cart.ticket_number
    )
    return complete_sale(shop.store, shop.cashier, TILL, checkout)


def test_scanning_a_ticket_number_at_the_till_loads_its_charges(shop: Shop) -> None:
    t = ready_paid_ticket(shop)
    assert resolve_scan(shop.store, shop.cashier, t.lower(), location="Front") == TicketScan(
        t, "ready"
    )
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    assert [(ln.sku, ln.name, ln.unit_price, ln.unit_id) for ln in cart.lines] == [
        (t, "Screen X S/N S1", 5000, None),
        (t, "fit screen", 2500, None),
    ]
    assert (cart.ticket_number, cart.customer_id) == (t, shop.jane.id)


def test_paying_the_ticket_collects_it_in_the_same_sale(shop: Shop) -> None:
    t = ready_paid_ticket(shop, passcode="0000")
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    with shop.store.capture() as events:
        sale = pay(shop, cart, 7500)
    assert sale.total == 7500 and sale.customer == "Jane Doe"
    assert [ln.description for ln in sale.lines] == ["Screen X S/N S1", "fit screen"]
    ticket = ticket_detail(shop.store, shop.service, t)
    assert (ticket.status, ticket.sale_number, ticket.has_passcode) == (
        "collected",
        sale.number,
        False,
    )
    assert any(isinstance(e, TicketCollected) and e.sale_number == sale.number for e in events)
    with pytest.raises(Exception, match="no passcode"):
        reveal_passcode(shop.store, shop.service, t)


def test_a_ticket_cannot_be_collected_twice(shop: Shop) -> None:
    t = ready_paid_ticket(shop)
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    pay(shop, cart, 7500)
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="is collected: only a ready ticket can be collected"):
        pay(shop, cart, 7500)
    with pytest.raises(Conflict, match="only a ready ticket"):
        collect_without_charge(shop.store, shop.cashier, t)
    assert dump_tables(shop.store) == before


def test_a_ticket_changed_since_it_was_scanned_is_refused_whole(shop: Shop) -> None:
    t = ready_paid_ticket(shop)
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    change_status(shop.store, shop.service, t, "in_repair")
    add_labour(shop.store, shop.service, t, "more work", 1000)
    change_status(shop.store, shop.service, t, "ready")
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="changed since it was scanned"):
        pay(shop, cart, 7500)
    assert dump_tables(shop.store) == before


def test_a_ticket_that_is_not_ready_is_not_charged(shop: Shop) -> None:
    t = take_in(shop).number
    with pytest.raises(Conflict, match=f"{t} is new: only a ready ticket"):
        ticket_charges(shop.store, shop.cashier, t)


def test_a_used_part_cannot_also_be_sold_at_the_till(shop: Shop) -> None:
    ready_paid_ticket(shop)
    scan = resolve_scan(shop.store, shop.cashier, "S1", location="Workshop")
    assert isinstance(scan, UnitScan) and scan.unit.reason == "S1 was used as a part"
    line = scan.unit.cart_line()
    before = dump_tables(shop.store)
    with pytest.raises(UnitUnavailable, match="S1 was used as a part"):
        complete_sale(
            shop.store, shop.cashier, TILL,
            Checkout((line,), (TenderInput(TenderKind.CASH, 5000),)),
        )  # fmt: skip
    assert dump_tables(shop.store) == before


def test_a_warranty_repair_is_collected_at_the_till_at_zero_charge(shop: Shop) -> None:
    t = take_in(shop).number  # P1: under warranty, the part is free
    change_status(shop.store, shop.service, t, "diagnosing")
    use_part(shop.store, shop.service, t, "S1")
    change_status(shop.store, shop.service, t, "ready")
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    sale = pay(shop, cart, 0)
    assert sale.total == 0 and sale.tenders == []
    assert ticket_detail(shop.store, shop.service, t).status == "collected"


def test_a_no_charge_ticket_is_collected_without_a_sale(shop: Shop) -> None:
    free = take_in(shop).number
    change_status(shop.store, shop.service, free, "diagnosing")
    change_status(shop.store, shop.service, free, "ready")
    ticket = collect_without_charge(shop.store, shop.cashier, free)
    assert (ticket.status, ticket.sale_number) == ("collected", None)
    paid = ready_paid_ticket(shop)
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match=r"comes to 75\.00: take payment at the till"):
        collect_without_charge(shop.store, shop.cashier, paid)
    assert dump_tables(shop.store) == before


def test_a_units_history_shows_its_sale_and_its_tickets(shop: Shop) -> None:
    t = take_in(shop).number
    change_status(shop.store, shop.service, t, "diagnosing")
    change_status(shop.store, shop.service, t, "ready")
    collect_without_charge(shop.store, shop.cashier, t)
    history = queries.unit_history(shop.store, shop.manager, "P1")
    assert [(h.kind, h.document) for h in history][-3:] == [
        ("sale", shop.receipt), ("ticket_in", t), ("ticket_out", t),
    ]  # fmt: skip
    assert history[-1].to_state == "sold to Jane Doe"  # a note: the unit did not move


def test_the_list_filters_by_status_technician_overdue_and_search(shop: Shop) -> None:
    late = shop.sold_on - timedelta(days=1)
    a = take_in(shop, promised=late, technician_id=shop.service.id).number
    b = take_in(shop, "ZX-5", device="Pixel", new_customer=NewCustomer("Bob Stone")).number
    c = take_in(shop, "P2", customer_id=shop.jane.id).number
    change_status(shop.store, shop.service, c, "cancelled")

    def numbers(f: TicketFilter = OPEN_ONES, **kw: object) -> list[str]:
        page = list_tickets(shop.store, shop.service, f, **kw)  # type: ignore[arg-type]
        return [s.number for s in page.tickets]

    assert numbers() == [b, a]
    assert numbers(TicketFilter(closed_too=True)) == [c, b, a]
    assert numbers(TicketFilter(status=TicketStatus.CANCELLED)) == [c]
    assert numbers(TicketFilter(technician_id=shop.service.id)) == [a]
    assert numbers(TicketFilter(overdue=True)) == [a]
    assert numbers(TicketFilter(search=b.lower())) == [b]
    assert numbers(TicketFilter(search="bob")) == [b]
    assert numbers(TicketFilter(search="zx-5")) == [b]
    first = list_tickets(shop.store, shop.service, TicketFilter(closed_too=True), limit=2)
    assert [s.number for s in first.tickets] == [c, b] and first.next_after is not None
    rest = list_tickets(
        shop.store, shop.service, TicketFilter(closed_too=True), after=first.next_after, limit=2
    )
    assert [s.number for s in rest.tickets] == [a] and rest.next_after is None
    (row,) = list_tickets(shop.store, shop.service, TicketFilter(overdue=True)).tickets
    assert row.overdue and row.customer == "Jane Doe" and row.technician == "service"
    p1 = next(u for u in queries.find_units(shop.store, shop.manager, "P1"))
    assert open_ticket_of(shop.store, shop.service, p1.id) == a


def test_two_desks_collecting_at_once_only_one_wins(shop: Shop) -> None:
    """The collection claims `ready` with a conditional update: a desk that read the ticket
    before the other desk collected it gets 0 rows and a Conflict, and writes nothing."""
    t = take_in(shop).number
    change_status(shop.store, shop.service, t, "diagnosing")
    change_status(shop.store, shop.service, t, "ready")
    with Session(shop.store.engine, expire_on_commit=False) as stale:
        ticket = get_ticket(stale, t)  # read as "ready" at desk one
        stale.expunge(ticket)
    collect_without_charge(shop.store, shop.cashier, t)  # desk two wins
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="changed at another desk"), shop.store.write() as session:
        session.add(ticket)
        claim_status(session, ticket, "collected")
    assert dump_tables(shop.store) == before


def test_a_parked_ticket_sale_comes_back_with_its_ticket(shop: Shop) -> None:
    t = ready_paid_ticket(shop)
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    parked_id = park_sale(
        shop.store, shop.cashier, TILL, cart.lines, label="Jane", ticket_number=t,
        customer_id=cart.customer_id,
    )  # fmt: skip
    back = resume_sale(shop.store, shop.cashier, parked_id)
    assert back.ticket_number == t and back.lines == tuple(cart.lines)
    resumed = Cart(back.lines)
    resumed.ticket_number, resumed.customer_id = back.ticket_number, back.customer_id
    sale = pay(shop, resumed, 7500)
    assert ticket_detail(shop.store, shop.service, t).sale_number == sale.number


def test_ticket_lines_are_not_parked_without_their_ticket(shop: Shop) -> None:
    t = ready_paid_ticket(shop)
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    before = dump_tables(shop.store)
    with pytest.raises(InvalidInput, match="ticket lines but no ticket"):
        park_sale(shop.store, shop.cashier, TILL, cart.lines, label="Jane")
    assert dump_tables(shop.store) == before


def _printed(sale: SaleRecord, width_mm: int) -> list[str]:
    receipt = sale_receipt(ShopSettings(name="Repair Shop"), sale)
    return [line.text for line in lines(decode(render_receipt(receipt, width_mm=width_mm)))]


@pytest.mark.parametrize("width_mm", [58, 80])
def test_the_receipt_of_a_collected_ticket_carries_its_number(shop: Shop, width_mm: int) -> None:
    t = ready_paid_ticket(shop)
    cart = Cart()
    ticket_sale.add_to_cart(shop.store, shop.cashier, cart, t)
    sale = pay(shop, cart, 7500)
    printed = _printed(sale, width_mm)
    assert f"Repair ticket: {t}" in printed, printed
    # the reprint, read back from the store, says it too
    assert f"Repair ticket: {t}" in _printed(get_sale(shop.store, shop.cashier, sale.number), 58)


def test_a_plain_sale_names_no_ticket(shop: Shop) -> None:
    sale = get_sale(shop.store, shop.cashier, shop.receipt)
    assert not any("ticket" in text.lower() for text in _printed(sale, 80))
