"""A line's price overridden at the till: a manager approves it, a reason is given, audited."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import InvalidInput
from app.paperwork.receipts import receipt_text, sale_receipt
from app.pos.cart import Cart, CartLine, TenderInput, TenderKind
from app.pos.checkout import ApprovalRequired, Checkout, Till, complete_sale
from app.scan import ItemScan, UnitScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.users import audit
from app.users.roles import Actor
from tests.conftest import dump_tables

TILL = Till(name="TILL-1", location="Front")


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_item(store, manager, sku="CABLE", values=ItemFields(name="Cable", price=1000))
    create_item(
        store,
        manager,
        sku="PHONE",
        values=ItemFields(name="Phone", price=20000, serialized=True, warranty_days=365),
    )
    receive_quantity(store, manager, Receiving("CABLE", "Front"), 5)
    receive_serials(store, manager, Receiving("PHONE", "Front"), parse_list("P1"), method="list")
    return store


def line(
    store: Store, actor: Actor, code: str, price: int, reason: str = "box damaged"
) -> CartLine:
    found = resolve_scan(store, actor, code, location="Front")
    assert isinstance(found, (UnitScan, ItemScan))
    plain = found.unit.cart_line() if isinstance(found, UnitScan) else found.cart_line()
    cart = Cart([plain])
    cart.set_price(0, price, reason)
    return cart.lines[0]


def pay(store: Store, actor: Actor, ln: CartLine, approver: Actor | None = None):  # type: ignore[no-untyped-def]
    tenders = (TenderInput(TenderKind.CASH, ln.price * ln.qty),)
    return complete_sale(store, actor, TILL, Checkout((ln,), tenders), approver=approver)


def test_cart_set_price_keeps_the_reason_and_the_same_price_clears_it() -> None:
    cart = Cart([CartLine(1, "CABLE", "Cable", 1000, 0)])  # type: ignore[arg-type]
    cart.set_price(0, 800, " box damaged ")
    assert (cart.lines[0].price, cart.lines[0].override_reason) == (800, "box damaged")
    assert cart.has_price_override and cart.totals(prices_include_tax=True).total == 800
    cart.set_price(0, 1000, "never mind")
    assert cart.lines[0].price_override is None and not cart.has_price_override
    with pytest.raises(InvalidInput, match="reason"):
        cart.set_price(0, 800, "  ")
    with pytest.raises(InvalidInput, match="a price is between"):
        cart.set_price(0, -1, "why")


def test_an_approved_override_is_sold_at_its_price_and_audited(
    shop: Store, cashier: Actor, manager: Actor
) -> None:
    sale = pay(shop, cashier, line(shop, cashier, "P1", 15000, "display model"), approver=manager)
    (sold,) = sale.lines
    assert (sold.unit_price, sold.total, sold.list_price) == (15000, 15000, 20000)
    assert sale.total == 15000
    with shop.read() as session:
        (row,) = [r for r in audit.rows_for(session, sale.number) if r.action == "sale.price"]
    assert row.user == cashier.name and row.approved_by == manager.name
    assert row.detail == "PHONE P1: price 200.00 → 150.00; display model"
    assert row.at is not None
    text = receipt_text(sale_receipt(ShopSettings(), sale))
    assert "Price changed from $200.00" in text and "150.00" in text


def test_a_manager_overrides_a_price_on_their_own_approval(shop: Store, manager: Actor) -> None:
    sale = pay(shop, manager, line(shop, manager, "CABLE", 500))
    assert sale.total == 500
    with shop.read() as session:
        assert [r.action for r in audit.rows_for(session, sale.number)] == ["sale.price"]


@pytest.mark.parametrize("approver_role", [None, "cashier"])
def test_an_override_without_a_manager_is_refused_and_changes_nothing(
    shop: Store, cashier: Actor, approver_role: str | None
) -> None:
    ln = line(shop, cashier, "CABLE", 500)
    before = dump_tables(shop)
    with pytest.raises(ApprovalRequired, match="a changed price needs a manager's approval"):
        pay(shop, cashier, ln, approver=cashier if approver_role else None)
    assert dump_tables(shop) == before


@pytest.mark.parametrize(
    ("price", "reason", "match"),
    [(800, "", "reason"), (-5, "why", "a price is between"), (10**9, "why", "a price is between")],
)
def test_an_override_without_a_reason_or_with_a_bad_price_is_refused(
    shop: Store, manager: Actor, price: int, reason: str, match: str
) -> None:
    found = resolve_scan(shop, manager, "CABLE", location="Front")
    assert isinstance(found, ItemScan)
    forged = replace(found.cart_line(), price_override=price, override_reason=reason)
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match=match):
        pay(shop, manager, replace(forged, price_override=price))
    assert dump_tables(shop) == before


def test_one_approval_covers_a_changed_price_and_a_big_discount(
    shop: Store, cashier: Actor, manager: Actor
) -> None:
    ln = replace(line(shop, cashier, "CABLE", 800), discount_bp=5000)
    tenders = (TenderInput(TenderKind.CASH, 400),)
    sale = complete_sale(shop, cashier, TILL, Checkout((ln,), tenders), approver=manager)
    assert sale.total == 400
    with shop.read() as session:
        actions = [r.action for r in audit.rows_for(session, sale.number)]
    assert sorted(actions) == ["sale.discount", "sale.price"]


def test_a_small_discount_beside_a_changed_price_is_not_audited_as_approved(
    shop: Store, manager: Actor
) -> None:
    ln = replace(line(shop, manager, "CABLE", 800), discount_bp=500)
    tenders = (TenderInput(TenderKind.CASH, 760),)
    sale = complete_sale(shop, manager, TILL, Checkout((ln,), tenders))
    with shop.read() as session:
        assert [r.action for r in audit.rows_for(session, sale.number)] == ["sale.price"]
