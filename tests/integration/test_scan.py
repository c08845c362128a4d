"""The scan resolver, in PRODUCT.md's order: GS1, serial, barcode/SKU, receipt, unknown."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.uow import Store
from app.scan import ItemScan, SaleScan, SerialChoice, UnitScan, UnknownScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.users.roles import Actor
from tests.conftest import dump_tables


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    for sku, barcode in (("PHONE", "09506000134352"), ("TAB", None)):
        fields = ItemFields(name=sku.title(), price=100, serialized=True, barcode=barcode)
        create_item(store, manager, sku=sku, values=fields)
    create_item(
        store,
        manager,
        sku="CABLE",
        values=ItemFields(name="Cable", price=5, barcode="4006381333931"),
    )
    receive_serials(
        store,
        manager,
        Receiving(sku="PHONE", location="Front"),
        parse_list("SN-1,SN-2,SHARED"),
        method="list",
    )
    receive_serials(
        store, manager, Receiving(sku="PHONE", location="Back"), parse_list("SN-9"), method="list"
    )
    receive_serials(
        store, manager, Receiving(sku="TAB", location="Front"), parse_list("shared"), method="list"
    )
    return store


def scan(store: Store, actor: Actor, code: str):  # type: ignore[no-untyped-def]
    return resolve_scan(store, actor, code, location="Front")


@pytest.mark.parametrize(
    "code",
    [
        "010950600013435221SN-1",
        "]C1010950600013435221SN-1",
        "(01)09506000134352(21)SN-1",
        "010950600013435221SN-1\x1d10LOT7",
    ],
)
def test_gs1_element_string_finds_the_unit(shop: Store, cashier: Actor, code: str) -> None:
    result = scan(shop, cashier, code)
    assert (
        isinstance(result, UnitScan) and result.unit.serial == "SN-1" and result.unit.reason is None
    )


def test_gs1_with_an_unknown_serial_says_so(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, "010950600013435221NOPE")
    assert (
        isinstance(result, UnknownScan) and "PHONE has no unit with serial 'NOPE'" in result.message
    )


def test_exact_serial(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, " sn-2 ")
    assert isinstance(result, UnitScan) and result.unit.item.sku == "PHONE"


def test_serial_under_two_items_asks_which(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, "SHARED")
    assert isinstance(result, SerialChoice)
    assert sorted(u.item.sku for u in result.units) == ["PHONE", "TAB"]


def test_sku_of_a_serialized_item_lists_units_at_this_location(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, "phone")
    assert isinstance(result, ItemScan) and result.item.serialized
    assert [u.serial for u in result.units_here] == ["SHARED", "SN-1", "SN-2"]


def test_bulk_barcode_adds_one(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, "4006381333931")
    assert isinstance(result, ItemScan) and not result.item.serialized
    assert result.cart_line().qty == 1


def test_receipt_number(shop: Store, cashier: Actor) -> None:
    from app.pos.cart import TenderInput, TenderKind
    from app.pos.checkout import Checkout, Till, complete_sale

    line = scan(shop, cashier, "SN-1").unit.cart_line()
    till = Till("T1", "Front")
    sale = complete_sale(
        shop, cashier, till, Checkout((line,), (TenderInput(TenderKind.CASH, 100),))
    )
    assert scan(shop, cashier, sale.number.lower()) == SaleScan(sale.number)
    assert isinstance(scan(shop, cashier, "R-999999"), UnknownScan)


def test_unknown_code(shop: Store, cashier: Actor) -> None:
    result = scan(shop, cashier, "NOTHING-HERE")
    assert isinstance(result, UnknownScan) and result.message == "unknown code 'NOTHING-HERE'"


def test_scanner_noise_and_huge_input_are_unknown(shop: Store, cashier: Actor) -> None:
    assert "scanner noise" in scan(shop, cashier, "SN\x00-1").message
    assert "too long" in scan(shop, cashier, "X" * 10_000).message


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(code=st.text(max_size=300))
def test_any_input_resolves_without_error_and_changes_nothing(
    shop: Store, cashier: Actor, code: str
) -> None:
    before = dump_tables(shop)
    result = scan(shop, cashier, code)
    assert isinstance(result, UnitScan | SerialChoice | ItemScan | SaleScan | UnknownScan)
    if isinstance(result, UnknownScan):
        assert "\n" not in result.message
    assert dump_tables(shop) == before
