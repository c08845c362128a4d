"""Demo data for a new store: users, locations, a few serialized and bulk items with stock.

Used by `serialpos init --demo` and by the app's first start; everything goes through the
services, so demo data obeys the same rules as real data.
"""

from __future__ import annotations

from app.db.uow import Store
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.serials import parse_range
from app.users import services as users
from app.users.roles import Actor, Role

DEMO_MANAGER = ("manager", "1234")
DEMO_USERS = (
    ("cashier", Role.CASHIER, "1111"),
    ("service", Role.SERVICE, "2222"),
    ("backoffice", Role.BACK_OFFICE, "3333"),
)
LOCATIONS = ("Front store", "Back room")
# The back room keeps stock, the front store sells it: a till with no location set sells
# from the store's one sellable location.
NOT_SELLABLE = frozenset({"Back room"})

# sku, name, price, cost, barcode, serialized, warranty days, serial prefix, tax (bp)
ITEMS = (
    ("PH-X200", "Phone X200 128 GB", 49900, 36000, "4006381333931", True, 365, "PX", 2000),
    ("LT-AIR14", "Laptop Air 14", 109900, 82000, "5012345678900", True, 730, "LA", 2000),
    ("CAM-Z5", "Camera Z5 body", 89900, 61000, None, True, 365, "CZ", 2000),
    ("DRL-18V", "Cordless drill 18V", 12900, 7400, None, True, 1095, "DR", 2000),
    ("CBL-USBC", "USB-C cable 1 m", 1299, 300, "4006381333948", False, 0, "", 2000),
    ("SCR-PH1", "Screen protector X200", 999, 150, None, False, 0, "", 2000),
)


def seed_demo(store: Store, manager: Actor) -> None:
    """Adds the demo users (if missing), locations, items and stock."""
    existing = {u.name for u in users.list_users(store)}
    for name, role, pin in DEMO_USERS:
        if name not in existing:
            users.add_user(store, manager, name=name, role=role, pin=pin)
    for location in LOCATIONS:
        create_location(store, manager, name=location, sellable=location not in NOT_SELLABLE)
    for sku, name, price, cost, barcode, serialized, days, prefix, tax in ITEMS:
        fields = ItemFields(
            name=name,
            price=price,
            cost=cost,
            barcode=barcode,
            serialized=serialized,
            warranty_days=days,
            serial_prefix=prefix,
            serial_digits=6,
            tax_rate_bp=tax,
        )
        create_item(store, manager, sku=sku, values=fields)
        front = Receiving(sku=sku, location=LOCATIONS[0], supplier_warranty_days=days)
        if serialized:
            generate_serials(store, manager, front, 12)
        else:
            receive_quantity(store, manager, front, 40)
    back = Receiving(sku="PH-X200", location=LOCATIONS[1], cost=35500, supplier_warranty_days=365)
    receive_serials(store, manager, back, parse_range("SN0098...SN0102"), method="range")


def ensure_demo_store(store: Store) -> bool:
    """On a store with no users: the demo manager and demo data. True if it seeded."""
    if users.has_users(store):
        return False
    name, pin = DEMO_MANAGER
    manager = users.create_first_manager(store, name=name, pin=pin)
    seed_demo(store, manager)
    return True
