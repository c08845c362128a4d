"""Rules found missing in review: each refused input changes nothing, each rule holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import load_settings
from app.errors import Conflict, InvalidInput
from app.money import parse_money
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.pos.records import SaleRecord
from app.pos.refunds import RefundLineRequest, RefundRequest, refund_sale
from app.pos.sales import find_sale_of_unit
from app.scan import AddLine, UnitScan, resolve_scan, sale_step
from app.stock import queries
from app.stock.conversion import serialize_item, unserialize_item
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.test_cli import Shop
from tests.integration.test_stock_services import refused

CASH = TenderKind.CASH


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "review.sqlite3", capsys)
    assert s("init", "--manager", "boss", "--demo", new_pin="4321", user=None)[0] == 0
    return s


def test_failed_deactivation_leaves_the_item_as_it_was(shop: Shop) -> None:
    shop.refused("item", "edit", "PH-X200", "--price", "7", "--deactivate", match="on hand")


def test_refused_sale_adds_no_customer(shop: Shop) -> None:
    shop.refused(
        "sell", "PX000001", "--pay", "cash:1", "--customer", "Newbie One", match="still to pay"
    )
    code, _, err = shop("sell", "PX000001", "--pay", "cash", "--customer", "Newbie One")
    assert code == 0, err
    assert shop.json("serials", "--search", "PX000001")[0]["customer"] == "Newbie One"


@pytest.mark.parametrize("text", ["1,50", "12,5", "1,2345"])
def test_a_decimal_comma_is_refused_not_misread(text: str) -> None:
    with pytest.raises(InvalidInput, match="use a point for decimals"):
        parse_money(text)


def test_thousands_separators_still_read() -> None:
    assert parse_money("1,234.50") == 123450


def test_file_errors_are_one_line(shop: Shop, tmp_path: Path) -> None:
    shop.refused("export", "serials", str(tmp_path), match="cannot write")
    shop.refused("end-of-day", "--day", "2024-13-45", match="YYYY-MM-DD")


def test_equivalent_gtins_are_one_barcode(shop: Shop) -> None:
    shop.refused(
        "item",
        "add",
        "T10",
        "Other",
        "--price",
        "10",
        "--barcode",
        "04006381333931",
        match="already belongs to item PH-X200",
    )


def test_serial_scheme_is_checked_with_the_items_current_values(shop: Shop) -> None:
    shop.refused(
        "item", "add", "T2", "Test", "--price", "10", "--serial-digits", "0", match="1 to 20"
    )


def test_a_barcode_can_be_cleared(shop: Shop) -> None:
    assert shop("item", "edit", "PH-X200", "--barcode", "")[0] == 0
    item = next(i for i in shop.json("item", "list") if i["sku"] == "PH-X200")
    assert item["barcode"] is None


def test_bad_shop_settings_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    for body, message in (
        ('[shop]\ntill = "FRONT-COUNTER-TILL-NUMBER-1"\n', "till must be 1 to 20"),
        ('[shop]\nmax_range = "abc"\n', "max_range must be int"),
        ("shop = 5\n", "must be a table"),
    ):
        path.write_text(body, encoding="utf-8")
        with pytest.raises(InvalidInput, match=message):
            load_settings(path)


# ---------------------------------------------------------------- via the services


@pytest.fixture
def demo(store, manager):  # type: ignore[no-untyped-def]
    create_location(store, manager, name="Front")
    fields = ItemFields(name="Phone", price=100, serialized=True, barcode="4006381333931")
    create_item(store, manager, sku="PH", values=fields)
    create_item(store, manager, sku="CB", values=ItemFields(name="Cable", price=10))
    receive_serials(store, manager, Receiving("PH", "Front"), parse_list("AB1,P2"), method="list")
    receive_quantity(store, manager, Receiving("CB", "Front"), 5)
    return store


def _sell(store, actor: Actor, *codes: str) -> SaleRecord:  # type: ignore[no-untyped-def]
    lines = []
    for code in codes:
        step = sale_step(resolve_scan(store, actor, code, location="Front"), location="Front")
        assert isinstance(step, AddLine), step
        lines.append(step.line)
    total = sum(line.unit_price for line in lines)
    return complete_sale(
        store,
        actor,
        Till("T1", "Front"),
        Checkout(tuple(lines), (TenderInput(CASH, total),)),
    )


def test_scanning_a_unit_finds_its_sale_whatever_the_letters(demo, manager: Actor) -> None:  # type: ignore[no-untyped-def]
    # (Serials are printable ASCII now — what a label's barcode carries — so no "ÄB1".)
    sale = _sell(demo, manager, "AB1")
    assert find_sale_of_unit(demo, manager, "ab1").number == sale.number


def test_gs1_scan_with_the_ean_padded_to_gtin14(demo, manager: Actor) -> None:  # type: ignore[no-untyped-def]
    found = resolve_scan(demo, manager, "(01)04006381333931(21)P2", location="Front")
    assert isinstance(found, UnitScan) and found.unit.serial == "P2"


def test_refund_after_unserialize_is_refused_with_the_reason(demo, manager: Actor) -> None:  # type: ignore[no-untyped-def]
    sale = _sell(demo, manager, "P2")
    unserialize_item(demo, manager, "PH")
    line = RefundLineRequest(sale.lines[0].id, 1)
    request = RefundRequest(sale.number, (line,), "faulty", "Front")
    with refused(demo, Conflict, "counted by quantity since this sale"):
        refund_sale(demo, manager, Till("T1", "Front"), request, approver=None)


def test_refund_of_bulk_after_serialize_is_refused_with_the_reason(demo, manager: Actor) -> None:  # type: ignore[no-untyped-def]
    sale = _sell(demo, manager, "CB")
    serialize_item(demo, manager, "CB")
    line = RefundLineRequest(sale.lines[0].id, 1)
    request = RefundRequest(sale.number, (line,), "faulty", "Front")
    with refused(demo, Conflict, "serialized since this sale"):
        refund_sale(demo, manager, Till("T1", "Front"), request, approver=None)


def test_a_clash_on_commit_is_a_conflict_not_a_crash(demo, manager: Actor) -> None:  # type: ignore[no-untyped-def]
    from app.stock.models import Location

    before = dump_tables(demo)
    with pytest.raises(Conflict, match="try again"), demo.write() as session:
        session.add(Location(name="Front", sellable=True, active=True))  # unique name taken
    assert dump_tables(demo) == before
    assert [loc.name for loc in queries.list_locations(demo, manager)] == ["Front"]
