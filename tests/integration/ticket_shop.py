"""A small repair shop for the ticket tests: phones we sold, parts on the shelf."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.customers.services import CustomerRecord, add_customer
from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.pos.day import business_day
from app.scan import UnitScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.tickets.intake import Intake, open_ticket, set_item_carries_imei
from app.tickets.records import TicketRecord
from app.users import services as users
from app.users.roles import Actor

TILL = Till(name="TILL-1", location="Front", prices_include_tax=True)
GOOD_IMEI = "490154203237518"
BAD_IMEI = "490154203237519"


@dataclass(frozen=True)
class Shop:
    store: Store
    manager: Actor
    service: Actor
    cashier: Actor
    jane: CustomerRecord
    sold_on: date
    receipt: str


def sell_to(store: Store, cashier: Actor, serial: str, customer_id: int) -> str:
    scan = resolve_scan(store, cashier, serial, location="Front")
    assert isinstance(scan, UnitScan)
    line = scan.unit.cart_line()
    checkout = Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),), customer_id)
    return complete_sale(store, cashier, TILL, checkout).number


def make_shop(store: Store, manager: Actor) -> Shop:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Workshop", sellable=False)
    phone = ItemFields(name="Phone X", price=12000, serialized=True, warranty_days=365)
    create_item(store, manager, sku="PHONE", values=phone)
    create_item(
        store, manager, sku="TABLET", values=ItemFields(name="Tablet", price=20000, serialized=True)
    )
    screen = ItemFields(name="Screen X", price=5000, serialized=True, tax_rate_bp=2000)
    create_item(store, manager, sku="SCREEN", values=screen)
    create_item(
        store, manager, sku="GLUE", values=ItemFields(name="Glue", price=200, tax_rate_bp=2000)
    )
    set_item_carries_imei(store, manager, "PHONE", True)
    front = Receiving(sku="PHONE", location="Front")
    receive_serials(
        store, manager, front, parse_list(f"P1,P2,P3,SHARED,{GOOD_IMEI}"), method="list"
    )
    receive_serials(
        store, manager, Receiving(sku="TABLET", location="Front"), parse_list("SHARED"),
        method="list",
    )  # fmt: skip
    receive_serials(
        store, manager, Receiving(sku="SCREEN", location="Workshop"), parse_list("S1,S2"),
        method="list",
    )  # fmt: skip
    receive_quantity(store, manager, Receiving(sku="GLUE", location="Workshop"), 10)
    cashier = users.actor_by_name(store, "cashier")
    jane = add_customer(store, cashier, name="Jane Doe", phone="555-1", email="jane@example.test")
    receipt = sell_to(store, cashier, "P1", jane.id)
    sell_to(store, cashier, GOOD_IMEI, jane.id)
    return Shop(
        store, manager, users.actor_by_name(store, "service"), cashier, jane,
        business_day(), receipt,
    )  # fmt: skip


def take_in(shop: Shop, serial: str = "P1", **fields: object) -> TicketRecord:
    intake = Intake(serial=serial, problem=str(fields.pop("problem", "screen dead")), **fields)  # type: ignore[arg-type]
    return open_ticket(shop.store, shop.service, intake)
