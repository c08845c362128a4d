"""Bundles (kits): defining their components, selling them with scanned component serials,
refunding the components chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.paperwork.receipts import receipt_text, sale_receipt
from app.pos.cart import BundlePart, TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, UnitUnavailable, complete_sale
from app.pos.parking import park_sale, resume_sale
from app.pos.records import SaleRecord
from app.pos.refunds import RefundLineRequest, RefundRequest, lines_for_serials, refund_sale
from app.scan import AddLine, PickBundleUnits, Refuse, UnitScan, resolve_scan, sale_step
from app.stock import queries
from app.stock.bundles import ComponentInput, list_components, set_components
from app.stock.conversion import serialize_item
from app.stock.items import ItemFields, create_item, edit_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_quantity, receive_serials
from app.stock.serials import parse_list
from app.users import audit
from app.users.roles import Actor
from tests.conftest import dump_tables

TILL = Till(name="TILL-1", location="Front", prices_include_tax=True)
KIT = [ComponentInput("BODY"), ComponentInput("LENS"), ComponentInput("STRAP", 2)]


def _item(store: Store, actor: Actor, sku: str, name: str, price: int, **kw: object) -> None:
    create_item(store, actor, sku=sku, values=ItemFields(name=name, price=price, **kw))  # type: ignore[arg-type]


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    _item(store, manager, "BODY", "Camera body", 60000, serialized=True, warranty_days=730)
    _item(store, manager, "LENS", "Zoom lens", 30000, serialized=True, warranty_days=365)
    _item(store, manager, "STRAP", "Strap", 1000, tax_rate_bp=2000)
    _item(store, manager, "KIT", "Camera kit", 80000, tax_rate_bp=2000)
    _item(store, manager, "OLD", "Old part", 500)
    edit_item(store, manager, "OLD", ItemFields(active=False))
    front = "Front"
    receive_serials(store, manager, Receiving("BODY", front), parse_list("B1,B2"), method="list")
    receive_serials(store, manager, Receiving("LENS", front), parse_list("L1,L2"), method="list")
    receive_serials(store, manager, Receiving("LENS", "Back"), parse_list("LB"), method="list")
    receive_quantity(store, manager, Receiving("STRAP", front), 5)
    return store


def kit_step(store: Store, actor: Actor) -> PickBundleUnits:
    step = sale_step(resolve_scan(store, actor, "KIT", location="Front"), location="Front")
    assert isinstance(step, PickBundleUnits), step
    return step


def unit(store: Store, actor: Actor, serial: str):  # type: ignore[no-untyped-def]
    found = resolve_scan(store, actor, serial, location="Front")
    assert isinstance(found, UnitScan)
    return found.unit


def sell_kit(
    store: Store, actor: Actor, serials: Sequence[str] = ("B1", "L1"), **kw: object
) -> SaleRecord:
    step = kit_step(store, actor)
    line = step.line([unit(store, actor, s) for s in serials])
    return complete_sale(
        store,
        actor,
        TILL,
        Checkout((line,), (TenderInput(TenderKind.CASH, 80000),)),
        **kw,  # type: ignore[arg-type]
    )


def test_set_components_lists_them_in_order_and_is_audited(shop: Store, manager: Actor) -> None:
    parts = set_components(shop, manager, "kit", KIT)
    assert [(p.sku, p.qty, p.serialized) for p in parts] == [
        ("BODY", 1, True),
        ("LENS", 1, True),
        ("STRAP", 2, False),
    ]
    assert list_components(shop, manager, "KIT") == parts
    with shop.read() as session:
        (row,) = audit.rows_for(session, "KIT")[-1:]
    assert row.action == "item.bundle" and row.detail == "BODY x1, LENS x1, STRAP x2"
    again = set_components(shop, manager, "KIT", [ComponentInput("LENS", 2)])
    assert [(p.sku, p.qty) for p in again] == [("LENS", 2)]


@pytest.mark.parametrize(
    ("sku", "components", "error", "match"),
    [
        ("KIT", [], InvalidInput, "at least one component"),
        ("KIT", [ComponentInput("KIT")], InvalidInput, "component of itself"),
        ("KIT", [ComponentInput("NOPE")], NotFound, "no item with SKU 'NOPE'"),
        ("KIT", [ComponentInput("OLD")], Conflict, "deactivated"),
        ("KIT", [ComponentInput("STRAP", 0)], InvalidInput, "between 1 and 99"),
        ("KIT", [ComponentInput("STRAP", 100)], InvalidInput, "between 1 and 99"),
        ("KIT", [ComponentInput("LENS"), ComponentInput("lens")], InvalidInput, "listed twice"),
        ("BODY", [ComponentInput("STRAP")], Conflict, "serialized"),
        ("STRAP", [ComponentInput("LENS")], Conflict, "stock of its own"),
        ("NOPE", [ComponentInput("LENS")], NotFound, "no item"),
    ],
)
def test_set_components_refusals_change_nothing(
    shop: Store,
    manager: Actor,
    sku: str,
    components: list[ComponentInput],
    error: type[Exception],
    match: str,
) -> None:
    before = dump_tables(shop)
    with pytest.raises(error, match=match):
        set_components(shop, manager, sku, components)
    assert dump_tables(shop) == before


def test_bundles_do_not_nest_either_way(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    _item(shop, manager, "BIG", "Big kit", 90000)
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match="KIT is a bundle"):
        set_components(shop, manager, "BIG", [ComponentInput("KIT")])
    with pytest.raises(Conflict, match="component of another bundle"):
        set_components(shop, manager, "LENS", [ComponentInput("STRAP")])
    with pytest.raises(Conflict, match="KIT is a bundle"):
        serialize_item(shop, manager, "KIT")
    with pytest.raises(Conflict, match="KIT is a bundle"):
        edit_item(shop, manager, "KIT", ItemFields(serialized=True))
    assert dump_tables(shop) == before


def test_a_cashier_cannot_define_a_bundle(shop: Store, cashier: Actor) -> None:
    before = dump_tables(shop)
    with pytest.raises(PermissionDenied):
        set_components(shop, cashier, "KIT", KIT)
    assert dump_tables(shop) == before


def test_scanning_a_bundle_asks_for_each_serialized_component(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", [ComponentInput("BODY"), ComponentInput("LENS", 2)])
    step = kit_step(shop, manager)
    assert [a.component.sku for a in step.asks] == ["BODY", "LENS", "LENS"]
    # The picker lists the in-stock units at the till's location only.
    assert [u.serial for u in step.asks[1].units_here] == ["L1", "L2"]
    lens = unit(shop, manager, "L1")
    assert step.refusal(0, lens, ()) is not None and "not a Camera body" in str(
        step.refusal(0, lens, ())
    )
    assert step.refusal(1, lens, {lens.unit_id}) == "L1 is already in this sale"
    assert step.refusal(1, lens, ()) is None


def test_a_bundle_of_bulk_components_goes_straight_in(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", [ComponentInput("STRAP", 2)])
    step = sale_step(resolve_scan(shop, manager, "KIT", location="Front"), location="Front")
    assert isinstance(step, AddLine) and step.line.sku == "KIT"


def test_selling_a_bundle(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    sale = sell_kit(shop, manager, ("L1", "B1"))  # any order from the command line
    kit, body, lens, strap = sale.lines
    assert (kit.sku, kit.total, kit.unit_price, kit.bundle) == ("KIT", 80000, 80000, True)
    assert sale.total == 80000
    assert [(ln.sku, ln.serial, ln.qty, ln.total) for ln in (body, lens, strap)] == [
        ("BODY", "B1", 1, 0),
        ("LENS", "L1", 1, 0),
        ("STRAP", None, 2, 0),
    ]
    assert {ln.bundle_line_no for ln in (body, lens, strap)} == {kit.line_no}
    assert body.paid + lens.paid + strap.paid == kit.paid == 80000
    day = sale.business_day
    assert body.warranty_end is not None and (body.warranty_end - day).days == 730
    assert lens.warranty_end is not None and (lens.warranty_end - day).days == 365
    assert strap.warranty_end is None
    text = receipt_text(sale_receipt(ShopSettings(), sale))
    assert "S/N: B1" in text and "S/N: L1" in text and "+ 2 x Strap" in text
    assert f"Warranty until {body.warranty_end.isoformat()}" in text
    history = queries.unit_history(shop, manager, "B1")
    assert history[-1].kind == "sale" and history[-1].document == sale.number
    assert history[-1].reason == "in bundle KIT"
    (strap_row,) = queries.stock_by_location(shop, manager, sku="STRAP")
    assert (strap_row.location, strap_row.qty) == ("Front", 3)


@pytest.mark.parametrize(
    ("serials", "match"),
    [
        (("B1",), "needs 1 Zoom lens"),
        (("B1", "L1", "L2"), "needs 1 Zoom lens"),
        (("B1", "B2"), "needs 1 Camera body"),
    ],
)
def test_the_service_refuses_a_bundle_without_its_exact_units(
    shop: Store, manager: Actor, serials: tuple[str, ...], match: str
) -> None:
    set_components(shop, manager, "KIT", KIT)
    line = kit_step(shop, manager).line([unit(shop, manager, "B1"), unit(shop, manager, "L1")])
    found = [unit(shop, manager, s) for s in serials]
    forged = tuple(
        BundlePart(u.item.id, u.item.sku, u.item.name, u.unit_id, u.serial) for u in found
    )
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match=match):
        complete_sale(
            shop,
            manager,
            TILL,
            Checkout((replace(line, bundle_units=forged),), (TenderInput(TenderKind.CASH, 80000),)),
        )
    assert dump_tables(shop) == before


def test_parts_on_a_line_that_is_no_bundle_are_refused(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    line = kit_step(shop, manager).line([unit(shop, manager, "B1"), unit(shop, manager, "L1")])
    strap = sale_step(resolve_scan(shop, manager, "STRAP", location="Front"), location="Front")
    assert isinstance(strap, AddLine)
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match="STRAP is not a bundle"):
        complete_sale(
            shop,
            manager,
            TILL,
            Checkout(
                (replace(strap.line, bundle_units=line.bundle_units),),
                (TenderInput(TenderKind.CASH, 1000),),
            ),
        )
    assert dump_tables(shop) == before


def test_scanned_parts_that_do_not_fit_are_refused_before_the_cart(
    shop: Store, manager: Actor
) -> None:
    set_components(shop, manager, "KIT", KIT)
    step = kit_step(shop, manager)
    with pytest.raises(InvalidInput, match="not wanted for KIT"):
        step.line([unit(shop, manager, "B1"), unit(shop, manager, "B2")])
    with pytest.raises(InvalidInput, match="give its 2 component serials"):
        step.line([unit(shop, manager, "B1")])
    with pytest.raises(InvalidInput, match="already in this sale"):
        b1 = unit(shop, manager, "B1")
        step.line([b1, unit(shop, manager, "L1")], {b1.unit_id})


def test_a_bundle_part_sold_meanwhile_refuses_the_whole_sale(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    step = kit_step(shop, manager)
    line = step.line([unit(shop, manager, "B1"), unit(shop, manager, "L1")])
    sell_kit(shop, manager, ("B1", "L2"))
    before = dump_tables(shop)
    with pytest.raises(UnitUnavailable, match="B1 was sold"):
        complete_sale(
            shop, manager, TILL, Checkout((line,), (TenderInput(TenderKind.CASH, 80000),))
        )
    assert dump_tables(shop) == before


def test_not_enough_bulk_components_refuses_the_sale(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", [*KIT[:2], ComponentInput("STRAP", 6)])
    before = dump_tables(shop)
    with pytest.raises(Conflict, match="STRAP: only 5 in stock"):
        sell_kit(shop, manager)
    assert dump_tables(shop) == before


def test_a_deactivated_component_stops_the_bundle(shop: Store, manager: Actor) -> None:
    _item(shop, manager, "CAP", "Lens cap", 200)
    set_components(shop, manager, "KIT", [*KIT[:2], ComponentInput("CAP")])
    line = kit_step(shop, manager).line([unit(shop, manager, "B1"), unit(shop, manager, "L1")])
    edit_item(shop, manager, "CAP", ItemFields(active=False))
    step = sale_step(resolve_scan(shop, manager, "KIT", location="Front"), location="Front")
    assert isinstance(step, Refuse) and "deactivated component (CAP)" in step.message
    before = dump_tables(shop)
    with pytest.raises(Conflict, match="its component CAP is deactivated"):
        complete_sale(
            shop, manager, TILL, Checkout((line,), (TenderInput(TenderKind.CASH, 80000),))
        )
    assert dump_tables(shop) == before


def test_refunding_some_components_pays_back_their_share(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    sale = sell_kit(shop, manager)
    kit, body, _lens, strap = sale.lines
    request = RefundRequest(sale.number, lines_for_serials(sale, ["L1"]), "scratched", "Front")
    first = refund_sale(shop, manager, TILL, request, approver=None)
    # By the components' prices: lens 300 of (600 + 300 + 2 x 10) = 920 -> 80000 x 300/920.
    assert first.total in (80000 * 30000 // 92000, 80000 * 30000 // 92000 + 1)
    assert queries.unit_history(shop, manager, "L1")[-1].kind == "refund"
    again = get_sale_record(shop, manager, sale.number)
    rest = lines_for_serials(again, [])
    assert {r.sale_line_id for r in rest} == {body.id, strap.id}  # not the kit's own line
    second = refund_sale(
        shop,
        manager,
        TILL,
        RefundRequest(sale.number, rest, "changed mind", "Front"),
        approver=None,
    )
    assert first.total + second.total == 80000  # everything back: the whole bundle price
    assert first.tax + second.tax == kit.tax


def test_the_bundle_line_itself_is_not_refunded(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    sale = sell_kit(shop, manager)
    kit = sale.lines[0]
    before = dump_tables(shop)
    with pytest.raises(InvalidInput, match="choose which of its components"):
        refund_sale(
            shop,
            manager,
            TILL,
            RefundRequest(sale.number, (RefundLineRequest(kit.id, 1),), "no", "Front"),
            approver=None,
        )
    assert dump_tables(shop) == before


def test_a_parked_bundle_comes_back_with_its_serials(shop: Store, manager: Actor) -> None:
    set_components(shop, manager, "KIT", KIT)
    line = kit_step(shop, manager).line([unit(shop, manager, "B1"), unit(shop, manager, "L1")])
    parked = park_sale(shop, manager, TILL, [line], label="kit")
    assert resume_sale(shop, manager, parked).lines == (line,)


def get_sale_record(store: Store, actor: Actor, number: str) -> SaleRecord:
    from app.pos.sales import get_sale

    return get_sale(store, actor, number)
