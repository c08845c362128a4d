"""A small stocked shop for the back-office service tests (counts, recalls, warranty...)."""

from __future__ import annotations

from app.customers import services as customers
from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.pos.records import SaleRecord
from app.scan import UnitScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.users.roles import Actor
from tests.integration.test_stock_services import refused

__all__ = ["refused"]  # one refused-and-unchanged check for every stock test

TILL = Till(name="TILL-1", location="Front", prices_include_tax=True, discount_limit_bp=1000)
PHONE = ItemFields(name="Phone X", price=12000, cost=8000, serialized=True, warranty_days=365)
CABLE = ItemFields(name="Cable", price=1000, cost=200)


def stock_shop(store: Store, manager: Actor) -> Store:
    """Front: P1..P4 and 10 cables; Back: B1, B2 and 5 cables."""
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    create_item(store, manager, sku="PHONE", values=PHONE)
    create_item(store, manager, sku="CABLE", values=CABLE)
    receive(store, manager, "P1,P2,P3,P4", "Front")
    receive(store, manager, "B1,B2", "Back")
    receive_quantity(store, manager, Receiving(sku="CABLE", location="Front"), 10)
    receive_quantity(store, manager, Receiving(sku="CABLE", location="Back"), 5)
    return store


def receive(store: Store, actor: Actor, serials: str, where: str, **extra: object) -> int | None:
    rcv = Receiving(sku="PHONE", location=where, **extra)  # type: ignore[arg-type]
    return receive_serials(store, actor, rcv, parse_list(serials), method="list").batch_id


def sell(store: Store, actor: Actor, serial: str, *, customer: str | None = None) -> SaleRecord:
    result = resolve_scan(store, actor, serial, location="Front")
    assert isinstance(result, UnitScan)
    customer_id = None
    if customer:
        made = customers.add_customer(
            store, actor, name=customer, phone="555-0101", email="jane@example.com"
        )
        customer_id = made.id
    line = result.unit.cart_line()
    tender = TenderInput(TenderKind.CASH, line.unit_price)
    checkout = Checkout((line,), (tender,), customer_id=customer_id)
    return complete_sale(store, actor, TILL, checkout)
