"""POS and refunds against a real store: the cashier's rules from PRODUCT.md."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.customers.services import add_customer
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.pos.cart import CartLine, TenderInput, TenderKind
from app.pos.checkout import ApprovalRequired, Checkout, Till, UnitUnavailable, complete_sale
from app.pos.day import end_of_day
from app.pos.parking import list_parked, park_sale, resume_sale
from app.pos.refunds import RefundLineRequest, RefundRequest, lines_for_serials, refund_sale
from app.pos.sales import find_sale_of_unit, get_sale
from app.scan import ItemScan, UnitScan, resolve_scan
from app.stock import queries
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.users.roles import Actor
from tests.conftest import dump_tables

TILL = Till(name="TILL-1", location="Front", prices_include_tax=True, discount_limit_bp=1000)
CASH, CARD = TenderKind.CASH, TenderKind.CARD


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    create_location(store, manager, name="Workshop", sellable=False)
    create_item(
        store,
        manager,
        sku="PHONE",
        values=ItemFields(
            name="Phone X",
            price=12000,
            cost=8000,
            serialized=True,
            warranty_days=365,
            tax_rate_bp=2000,
            barcode="4006381333931",
        ),
    )
    create_item(
        store, manager, sku="CABLE", values=ItemFields(name="Cable", price=1000, tax_rate_bp=2000)
    )
    rcv = Receiving(sku="PHONE", location="Front")
    receive_serials(store, manager, rcv, parse_list("P1,P2,P3,P4"), method="list")
    receive_serials(
        store, manager, Receiving(sku="PHONE", location="Workshop"), parse_list("W1"), method="list"
    )
    receive_quantity(store, manager, Receiving(sku="CABLE", location="Front"), 10)
    return store


def line_for(store: Store, actor: Actor, code: str) -> CartLine:
    result = resolve_scan(store, actor, code, location="Front")
    if isinstance(result, UnitScan):
        return result.unit.cart_line()
    assert isinstance(result, ItemScan)
    return result.cart_line()


def sell(
    store: Store,
    actor: Actor,
    *codes: str,
    tenders: tuple[TenderInput, ...] | None = None,
    customer_id: int | None = None,
    sale_bp: int = 0,
    approver: Actor | None = None,
):  # type: ignore[no-untyped-def]
    lines = tuple(line_for(store, actor, c) for c in codes)
    total = sum(ln.unit_price * ln.qty for ln in lines)
    checkout = Checkout(lines, tenders or (TenderInput(CASH, total),), customer_id, sale_bp)
    return complete_sale(store, actor, TILL, checkout, approver=approver)


def test_sale_moves_units_to_sold_with_customer_and_warranty(shop: Store, cashier: Actor) -> None:
    jane = add_customer(shop, cashier, name="Jane Doe", phone="555-0100")
    sale = sell(shop, cashier, "P1", "CABLE", customer_id=jane.id)
    assert sale.number == "R-000001" and sale.total == 13000 and sale.tax == 2167
    (unit,) = queries.find_units(shop, cashier, "P1")
    today = date.today()
    assert (unit.status, unit.customer, unit.location) == ("sold", "Jane Doe", None)
    assert (unit.warranty_start, unit.warranty_end) == (today, today + timedelta(days=365))
    assert sale.lines[0].warranty_end == today + timedelta(days=365)
    stock = {(r.sku, r.location): r.qty for r in queries.stock_by_location(shop, cashier)}
    assert stock[("CABLE", "Front")] == 9 and stock[("PHONE", "Front")] == 3
    assert [h.kind for h in queries.unit_history(shop, cashier, "P1")] == ["receive", "sale"]


def test_sale_numbers_follow_each_other(shop: Store, cashier: Actor) -> None:
    assert [sell(shop, cashier, s).number for s in ("P1", "P2")] == ["R-000001", "R-000002"]


def test_anonymous_sale_is_allowed(shop: Store, cashier: Actor) -> None:
    assert sell(shop, cashier, "P1").customer is None


def test_a_sold_unit_says_when_and_on_which_receipt(shop: Store, cashier: Actor) -> None:
    sell(shop, cashier, "P1")
    result = resolve_scan(shop, cashier, "p1", location="Front")
    assert isinstance(result, UnitScan)
    assert result.unit.reason == f"P1 was sold on {date.today().isoformat()} (receipt R-000001)"


def test_a_unit_in_a_non_sellable_location_cannot_be_sold(shop: Store, cashier: Actor) -> None:
    before = dump_tables(shop)
    with pytest.raises(UnitUnavailable, match="W1 is at Workshop, which is not for sale"):
        sell(shop, cashier, "W1")
    assert dump_tables(shop) == before


def test_the_losing_till_gets_a_clear_message_and_nothing_changes(
    shop: Store, cashier: Actor
) -> None:
    mine = line_for(shop, cashier, "P1"), line_for(shop, cashier, "P2")
    sell(shop, cashier, "P2")  # the other till was quicker with P2
    before = dump_tables(shop)
    with pytest.raises(UnitUnavailable, match="P2 was sold on") as caught:
        complete_sale(shop, cashier, TILL, Checkout(mine, (TenderInput(CASH, 24000),)))
    assert caught.value.unit_id == mine[1].unit_id
    assert dump_tables(shop) == before


def test_same_unit_twice_in_one_sale_is_refused(shop: Store, cashier: Actor) -> None:
    line = line_for(shop, cashier, "P1")
    with pytest.raises(InvalidInput, match="P1 is already in this sale"):
        complete_sale(shop, cashier, TILL, Checkout((line, line), (TenderInput(CASH, 24000),)))


def test_bulk_cannot_go_below_zero(shop: Store, cashier: Actor) -> None:
    cable = line_for(shop, cashier, "CABLE")
    lines = (CartLine(**{**cable.__dict__, "qty": 11}),)
    before = dump_tables(shop)
    with pytest.raises(Conflict, match="only 10 in stock"):
        complete_sale(shop, cashier, TILL, Checkout(lines, (TenderInput(CASH, 11000),)))
    assert dump_tables(shop) == before


def test_big_discount_needs_a_manager(shop: Store, cashier: Actor, manager: Actor) -> None:
    before = dump_tables(shop)
    with pytest.raises(ApprovalRequired, match="above 10 % needs a manager"):
        sell(shop, cashier, "P1", sale_bp=1500)
    assert dump_tables(shop) == before
    sale = sell(shop, cashier, "P1", sale_bp=1500, approver=manager)
    assert sale.discount == 1800 and sale.total == 10200


def test_split_tender_and_change(shop: Store, cashier: Actor) -> None:
    sale = sell(
        shop, cashier, "P1", tenders=(TenderInput(CARD, 10000, "AUTH77"), TenderInput(CASH, 5000))
    )
    assert sale.change == 3000 and [t.kind for t in sale.tenders] == ["card", "cash"]


def test_short_payment_changes_nothing(shop: Store, cashier: Actor) -> None:
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match="still to pay"):
        sell(shop, cashier, "P1", tenders=(TenderInput(CASH, 100),))
    assert dump_tables(shop) == before


def test_scan_product_barcode_lists_units_here(shop: Store, cashier: Actor) -> None:
    result = resolve_scan(shop, cashier, "4006381333931", location="Front")
    assert isinstance(result, ItemScan) and result.item.sku == "PHONE"
    assert [u.serial for u in result.units_here] == ["P1", "P2", "P3", "P4"]


# ---------------------------------------------------------------- refunds


def refund(
    store: Store,
    actor: Actor,
    number: str,
    *serials: str,
    restock: str = "Front",
    approver: Actor | None = None,
    reason: str = "changed mind",
    to_cash: bool = False,
):  # type: ignore[no-untyped-def]
    sale = get_sale(store, actor, number)
    request = RefundRequest(number, lines_for_serials(sale, serials), reason, restock, to_cash)
    return refund_sale(store, actor, TILL, request, approver=approver)


def test_refund_restocks_the_unit_and_ends_its_warranty(
    shop: Store, cashier: Actor, manager: Actor
) -> None:
    sale = sell(shop, cashier, "P1", "P2")
    back = refund(shop, cashier, sale.number, "p2", approver=manager)
    assert back.number == "RF-000001" and back.total == 12000 and back.approved_by == "manager"
    (unit,) = queries.find_units(shop, cashier, "P2")
    assert (unit.status, unit.location, unit.customer, unit.warranty_end) == (
        "in_stock",
        "Front",
        None,
        None,
    )
    assert [h.kind for h in queries.unit_history(shop, cashier, "P2")] == [
        "receive",
        "sale",
        "refund",
    ]
    assert queries.find_units(shop, cashier, "P1")[0].status == "sold"


def test_a_unit_is_refunded_once(shop: Store, cashier: Actor, manager: Actor) -> None:
    sale = sell(shop, cashier, "P1")
    refund(shop, cashier, sale.number, "P1", approver=manager)
    before = dump_tables(shop)
    with pytest.raises(Conflict, match="already been refunded"):
        refund(shop, cashier, sale.number, "P1", approver=manager)
    assert dump_tables(shop) == before


def test_refund_needs_manager_and_reason(shop: Store, cashier: Actor, manager: Actor) -> None:
    sale = sell(shop, cashier, "P1")
    before = dump_tables(shop)
    with pytest.raises(PermissionDenied, match="manager's approval"):
        refund(shop, cashier, sale.number, "P1")
    with pytest.raises(InvalidInput, match="reason is required"):
        refund(shop, cashier, sale.number, "P1", approver=manager, reason=" ")
    assert dump_tables(shop) == before


def test_refund_to_defective(shop: Store, cashier: Actor, manager: Actor) -> None:
    sale = sell(shop, cashier, "P1")
    refund(shop, cashier, sale.number, "P1", restock="defective", approver=manager)
    assert queries.find_units(shop, cashier, "P1")[0].status == "defective"


def test_refunded_unit_can_be_sold_again(shop: Store, cashier: Actor, manager: Actor) -> None:
    first = sell(shop, cashier, "P1")
    refund(shop, cashier, first.number, "P1", approver=manager)
    second = sell(shop, cashier, "P1")
    assert find_sale_of_unit(shop, cashier, "P1").number == second.number


def test_old_sale_cannot_refund_a_resold_unit(shop: Store, cashier: Actor, manager: Actor) -> None:
    first = sell(shop, cashier, "P1")
    refund(shop, cashier, first.number, "P1", approver=manager)
    sell(shop, cashier, "P1")
    with pytest.raises(Conflict, match="already been refunded"):
        refund(shop, cashier, first.number, "P1", approver=manager)


def test_partial_bulk_refund_and_original_card_tender(
    shop: Store, cashier: Actor, manager: Actor
) -> None:
    cable = line_for(shop, cashier, "CABLE")
    lines = (CartLine(**{**cable.__dict__, "qty": 3}),)
    sale = complete_sale(shop, cashier, TILL, Checkout(lines, (TenderInput(CARD, 3000, "C9"),)))
    two_back = (RefundLineRequest(sale.lines[0].id, 2),)
    request = RefundRequest(sale.number, two_back, "two too many", "Front")
    back = refund_sale(shop, cashier, TILL, request, approver=manager)
    assert back.total == 2000 and [(t.kind, t.reference) for t in back.tenders] == [("card", "C9")]
    assert get_sale(shop, cashier, sale.number).lines[0].refundable_qty == 1


def test_serial_not_on_the_sale_is_refused(shop: Store, cashier: Actor) -> None:
    sale = sell(shop, cashier, "P1")
    with pytest.raises(NotFound, match="P3 is not on sale R-000001"):
        lines_for_serials(get_sale(shop, cashier, sale.number), ["P3"])


# ---------------------------------------------------------------- park, end of day


def test_park_and_resume(shop: Store, cashier: Actor) -> None:
    lines = [line_for(shop, cashier, "P1"), line_for(shop, cashier, "CABLE")]
    parked_id = park_sale(
        shop, cashier, TILL, lines, label="man in blue coat", sale_discount_bp=500
    )
    assert [p.label for p in list_parked(shop, cashier, TILL)] == ["man in blue coat"]
    cart = resume_sale(shop, cashier, parked_id)
    assert list(cart.lines) == lines and cart.sale_discount_bp == 500
    assert list_parked(shop, cashier, TILL) == []
    with pytest.raises(NotFound):
        resume_sale(shop, cashier, parked_id)


def test_end_of_day_totals_by_tender(shop: Store, cashier: Actor, manager: Actor) -> None:
    sell(shop, cashier, "P1", tenders=(TenderInput(CASH, 15000),))
    second = sell(shop, cashier, "P2", tenders=(TenderInput(CARD, 12000, "A"),))
    refund(shop, cashier, second.number, "P2", approver=manager, to_cash=True)
    report = end_of_day(shop, cashier, TILL.name, date.today())
    assert report.sales == 2 and report.net_sales == 24000
    assert report.taken_by_tender == {"cash": 15000, "card": 12000} and report.change_given == 3000
    assert report.refunds == 1 and report.refunded_by_tender == {"cash": 12000}
    assert report.cash_expected == 15000 - 3000 - 12000


def test_a_refund_slip_is_not_taken_for_a_sale(shop: Store, cashier: Actor, manager: Actor) -> None:
    from app.scan import UnknownScan

    sale = sell(shop, cashier, "P1")
    slip = refund(shop, cashier, sale.number, "P1", approver=manager)
    result = resolve_scan(shop, cashier, slip.number, location="Front")
    assert isinstance(result, UnknownScan)
    assert result.message == f"{slip.number} is a refund slip; its sale is {sale.number}"
