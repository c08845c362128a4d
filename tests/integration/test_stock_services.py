"""Domain rules of serialized stock (PRODUCT.md), each pinned against a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UserError
from app.stock import queries
from app.stock import receiving as stock_receiving
from app.stock.conversion import serialize_item, unserialize_item
from app.stock.items import ItemFields, create_item, deactivate_item, edit_item
from app.stock.locations import create_location
from app.stock.lookups import DuplicateSerials
from app.stock.models import Movement, SerialUnit
from app.stock.moves import transfer_units, write_off
from app.stock.queries import UnitFilter
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.serial_csv import parse_csv
from app.stock.serials import SerialEntry, parse_list, parse_range
from app.users.roles import Actor
from tests.conftest import dump_tables


@contextmanager
def refused(store: Store, error: type[UserError], match: str) -> Iterator[None]:
    """The call inside raises `error` with a message matching `match`, and changes nothing."""
    before = dump_tables(store)
    with pytest.raises(error, match=match):
        yield
    assert dump_tables(store) == before, "a refused call changed the store"


PHONE = ItemFields(
    name="Phone X",
    price=49900,
    cost=30000,
    serialized=True,
    warranty_days=365,
    serial_prefix="PX",
    serial_digits=4,
)
CABLE = ItemFields(name="USB cable", price=999, cost=200)


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    create_item(store, manager, sku="PHONE", values=PHONE)
    create_item(store, manager, sku="CABLE", values=CABLE)
    return store


def receive(
    store: Store,
    actor: Actor,
    text: str,
    *,
    sku: str = "PHONE",
    where: str = "Front",
    expect: int | None = None,
    cost: int | None = None,
) -> list[str]:
    rcv = Receiving(sku=sku, location=where, expect=expect, cost=cost, supplier_warranty_days=90)
    entries = parse_range(text) if "..." in text else parse_list(text)
    return receive_serials(store, actor, rcv, entries, method="list").serials


def unit(store: Store, actor: Actor, serial: str):  # type: ignore[no-untyped-def]
    (found,) = queries.find_units(store, actor, serial)
    return found


# ---------------------------------------------------------------- items


def test_sku_is_unique_ignoring_case(shop: Store, manager: Actor) -> None:
    with refused(shop, Conflict, "already exists"):
        create_item(shop, manager, sku="phone", values=PHONE)


def test_item_name_with_control_characters_is_refused(shop: Store, manager: Actor) -> None:
    with refused(shop, InvalidInput, "control character"):
        create_item(shop, manager, sku="X1", values=ItemFields(name="a\x07b", price=1))


def test_product_barcode_belongs_to_one_item(shop: Store, manager: Actor) -> None:
    edit_item(shop, manager, "PHONE", ItemFields(barcode="4006381333931"))
    with refused(shop, Conflict, "already belongs to item PHONE"):
        edit_item(shop, manager, "CABLE", ItemFields(barcode="4006381333931"))


def test_serialized_flag_cannot_flip_while_units_on_hand(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "A1")
    with refused(shop, Conflict, "serialize procedure|unserialize procedure"):
        edit_item(shop, manager, "PHONE", ItemFields(serialized=False))


def test_serialized_flag_cannot_flip_while_bulk_on_hand(shop: Store, manager: Actor) -> None:
    receive_quantity(shop, manager, Receiving(sku="CABLE", location="Front"), 5)
    with refused(shop, Conflict, "has 5 on hand"):
        edit_item(shop, manager, "CABLE", ItemFields(serialized=True))


def test_serialized_flag_flips_when_nothing_on_hand(shop: Store, manager: Actor) -> None:
    item = edit_item(shop, manager, "CABLE", ItemFields(serialized=True))
    assert item.serialized


def test_item_with_stock_cannot_be_deactivated(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "A1")
    with refused(shop, Conflict, "still has 1 on hand"):
        deactivate_item(shop, manager, "PHONE")


def test_deactivated_item_cannot_be_received(shop: Store, manager: Actor) -> None:
    deactivate_item(shop, manager, "CABLE")
    with refused(shop, Conflict, "deactivated"):
        receive_quantity(shop, manager, Receiving(sku="CABLE", location="Front"), 1)


def test_item_edit_is_audited(shop: Store, manager: Actor) -> None:
    edit_item(shop, manager, "PHONE", ItemFields(price=45000))
    rows = dump_tables(shop)["audit_log"]
    assert any("item.edit" in row and "price=45000" in row for row in rows)


# ---------------------------------------------------------------- receiving


def test_range_keeps_prefix_and_zero_padding(shop: Store, manager: Actor) -> None:
    assert receive(shop, manager, "SN0098...SN0102") == [
        "SN0098",
        "SN0099",
        "SN0100",
        "SN0101",
        "SN0102",
    ]


def test_count_must_equal_the_expected_quantity(shop: Store, manager: Actor) -> None:
    with refused(shop, InvalidInput, "expected 10 serials, got 9"):
        receive(shop, manager, "1000...1008", expect=10)


def test_duplicates_in_the_input_are_named_and_nothing_saved(shop: Store, manager: Actor) -> None:
    with refused(shop, DuplicateSerials, "A1, b2") as _:
        receive(shop, manager, "A1, b2, a1; B2, C3")


def test_duplicates_against_existing_units_are_each_named(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "A1, A2, A3")
    with refused(shop, DuplicateSerials, "already has serials: a1, A3; nothing was saved"):
        receive(shop, manager, "a1, X9, A3 ")


def test_duplicate_error_carries_every_serial(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "1...50")
    with pytest.raises(DuplicateSerials) as caught:
        receive(shop, manager, "1...60")
    assert caught.value.serials == [str(n) for n in range(1, 51)]
    assert "and 30 more" in str(caught.value)


def test_leading_zeros_are_significant(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "00123, 123, 0123")
    assert len(queries.find_units(shop, manager, "123")) == 1
    assert len(queries.find_units(shop, manager, "00123")) == 1


def test_same_serial_may_exist_under_two_items(shop: Store, manager: Actor) -> None:
    create_item(shop, manager, sku="TAB", values=PHONE)
    receive(shop, manager, "SHARED1")
    receive(shop, manager, "shared1", sku="TAB")
    assert {u.sku for u in queries.find_units(shop, manager, "SHARED1")} == {"PHONE", "TAB"}


def test_lookup_ignores_case_and_surrounding_space(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "AbC-77")
    assert unit(shop, manager, "  abc-77\t").serial == "AbC-77"


def test_received_unit_has_cost_location_and_supplier_warranty(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "S1", cost=31234)
    u = unit(shop, manager, "S1")
    assert (u.status, u.location, u.cost) == ("in_stock", "Front", 31234)
    assert u.supplier_warranty_end == date.today() + timedelta(days=90)


def test_unit_cost_defaults_to_item_cost(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "S1")
    assert unit(shop, manager, "S1").cost == 30000


def test_csv_rows_bring_asset_tags_and_costs(shop: Store, manager: Actor) -> None:
    entries = parse_csv("serial,asset_tag,cost\nC1,AT-1,10.50\nC2,AT-2,11\n")
    rcv = Receiving(sku="PHONE", location="Front")
    receive_serials(shop, manager, rcv, entries, method="csv")
    assert (unit(shop, manager, "C1").asset_tag, unit(shop, manager, "C1").cost) == ("AT-1", 1050)
    assert unit(shop, manager, "C2").cost == 1100


def test_generated_serials_follow_the_scheme_and_advance(shop: Store, manager: Actor) -> None:
    rcv = Receiving(sku="PHONE", location="Front")
    first = generate_serials(shop, manager, rcv, 3).serials
    second = generate_serials(shop, manager, rcv, 2).serials
    assert first + second == ["PX0001", "PX0002", "PX0003", "PX0004", "PX0005"]


def test_generated_serials_never_collide_with_existing(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "PX0002, px0003")
    made = generate_serials(shop, manager, Receiving(sku="PHONE", location="Front"), 3)
    assert made.serials == ["PX0001", "PX0004", "PX0005"]


def test_random_serials_are_unique_and_unambiguous(shop: Store, manager: Actor) -> None:
    edit_item(shop, manager, "PHONE", ItemFields(serial_random=True, serial_digits=8))
    made = generate_serials(shop, manager, Receiving(sku="PHONE", location="Front"), 200)
    assert len({s.lower() for s in made.serials}) == 200
    assert all(s.startswith("PX") and not set(s[2:]) & set("01OI") for s in made.serials)


def test_bulk_item_cannot_take_serials(shop: Store, manager: Actor) -> None:
    with refused(shop, Conflict, "not serialized"):
        receive(shop, manager, "Z1", sku="CABLE")


def test_serialized_item_cannot_take_a_bare_quantity(shop: Store, manager: Actor) -> None:
    with refused(shop, Conflict, "enter the serial of each unit"):
        receive_quantity(shop, manager, Receiving(sku="PHONE", location="Front"), 3)


def test_unknown_location_is_refused(shop: Store, manager: Actor) -> None:
    with refused(shop, NotFound, "no location named 'Attic'"):
        receive(shop, manager, "Z1", where="Attic")


def test_receiving_writes_one_ledger_row_per_unit(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "1...25")
    with shop.read() as s:
        kinds = s.execute(select(Movement.kind, func.count()).group_by(Movement.kind)).all()
    assert kinds == [("receive", 25)]


def test_crash_mid_receive_leaves_nothing(
    shop: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The units are written; the power goes before their ledger rows are.
    def failing_ledger(kind: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(stock_receiving, "_ledger_rows", failing_ledger)
    before = dump_tables(shop)
    with pytest.raises(RuntimeError):
        receive(shop, manager, "1...10")
    assert dump_tables(shop) == before


# ---------------------------------------------------------------- roles


def test_cashier_cannot_receive(shop: Store, cashier: Actor) -> None:
    with refused(shop, PermissionDenied, "cashier.*may not receive"):
        receive(shop, cashier, "Q1")


def test_cashier_cannot_write_off(shop: Store, manager: Actor, cashier: Actor) -> None:
    receive(shop, manager, "Q1")
    with refused(shop, PermissionDenied, "may not write off"):
        write_off(shop, cashier, "Q1", reason="broken")


def test_back_office_write_off_needs_a_manager(
    shop: Store, backoffice: Actor, manager: Actor
) -> None:
    receive(shop, manager, "Q1")
    with refused(shop, PermissionDenied, "needs a manager's approval"):
        write_off(shop, backoffice, "Q1", reason="broken")
    with refused(shop, PermissionDenied, "is not a manager"):
        write_off(shop, backoffice, "Q1", reason="broken", approver=backoffice)
    write_off(shop, backoffice, "Q1", reason="broken", approver=manager)
    assert unit(shop, manager, "Q1").status == "adjusted_out"


# ---------------------------------------------------------------- transfers and write-offs


def test_transfer_moves_units_and_records_it(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "T1, T2")
    transfer_units(shop, manager, ["T1", "t2"], to_location="Back")
    assert {unit(shop, manager, s).location for s in ("T1", "T2")} == {"Back"}
    assert [h.kind for h in queries.unit_history(shop, manager, "T1")] == ["receive", "transfer"]


def test_transfer_is_all_or_nothing(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "T1")
    with refused(shop, NotFound, "no unit with serial NOPE"):
        transfer_units(shop, manager, ["T1", "NOPE"], to_location="Back")


def test_written_off_unit_cannot_move_and_says_where_it_is(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "W1")
    write_off(shop, manager, "W1", reason="water damage")
    with refused(shop, Conflict, "W1 was written off: cannot transfer it"):
        transfer_units(shop, manager, ["W1"], to_location="Back")
    with refused(shop, Conflict, "cannot write it off"):
        write_off(shop, manager, "W1", reason="again")


def test_write_off_needs_a_reason(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "W1")
    with refused(shop, InvalidInput, "reason is required"):
        write_off(shop, manager, "W1", reason="   ")


def test_ambiguous_serial_asks_for_the_sku(shop: Store, manager: Actor) -> None:
    create_item(shop, manager, sku="TAB", values=PHONE)
    receive(shop, manager, "DUP")
    receive(shop, manager, "DUP", sku="TAB")
    with refused(shop, Conflict, "several items \\(PHONE, TAB\\); give the SKU"):
        write_off(shop, manager, "DUP", reason="x")
    write_off(shop, manager, "DUP", reason="x", sku="TAB")


# ---------------------------------------------------------------- serialize / unserialize


def test_serialize_gives_each_bulk_unit_a_serial(shop: Store, manager: Actor) -> None:
    edit_item(shop, manager, "CABLE", ItemFields(serial_prefix="CB", serial_digits=3))
    for where, qty in (("Front", 2), ("Back", 3)):
        receive_quantity(shop, manager, Receiving(sku="CABLE", location=where), qty)
    result = serialize_item(shop, manager, "CABLE")
    assert result.qty_by_location == {"Front": 2, "Back": 3}
    assert "not rewritten" in result.warning
    assert sorted(result.serials) == ["CB001", "CB002", "CB003", "CB004", "CB005"]
    rows = {(r.location, r.qty) for r in queries.stock_by_location(shop, manager, sku="CABLE")}
    assert rows == {("Front", 2), ("Back", 3)}


def test_unserialize_collapses_in_stock_units_to_quantities(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "U1, U2")
    receive(shop, manager, "U3", where="Back")
    result = unserialize_item(shop, manager, "PHONE")
    assert result.qty_by_location == {"Front": 2, "Back": 1}
    rows = {(r.location, r.qty, r.serialized) for r in queries.stock_by_location(shop, manager)}
    assert rows == {("Front", 2, False), ("Back", 1, False)}
    assert [h.kind for h in queries.unit_history(shop, manager, "U1")] == ["receive", "unserialize"]


# ---------------------------------------------------------------- ledger and read side


def test_replaying_the_ledger_gives_each_units_state(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "L1, L2, L3, L4")
    transfer_units(shop, manager, ["L1", "L2"], to_location="Back")
    write_off(shop, manager, "L2", reason="lost")
    transfer_units(shop, manager, ["L1"], to_location="Front")
    with shop.read() as s:
        state = {u.id: (u.status, u.location_id) for u in s.scalars(select(SerialUnit))}
        replayed: dict[int, tuple[str | None, int | None]] = {}
        for m in s.scalars(
            select(Movement).where(Movement.unit_id.is_not(None)).order_by(Movement.id)
        ):
            assert m.unit_id is not None
            if m.unit_id in replayed:
                assert replayed[m.unit_id] == (m.from_status, m.from_location_id)
            replayed[m.unit_id] = (m.to_status, m.to_location_id)
    assert replayed == state


def test_unit_list_pages_cover_every_unit_once(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "P000...P099")
    receive(shop, manager, "p100...p149", where="Back")
    seen, after = [], None
    while True:
        page = queries.list_units(shop, manager, UnitFilter(sku="PHONE"), limit=7, after=after)
        seen += [u.serial for u in page.units]
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == 150 and len(set(seen)) == 150
    assert seen == sorted(seen, key=str.lower)


def test_unit_list_filters(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "SN-A1, SN-A2, SN-B1, XX-A1")
    receive(shop, manager, "SN-C9", where="Back")
    write_off(shop, manager, "SN-A2", reason="x")

    def serials(f: UnitFilter) -> list[str]:
        return [u.serial for u in queries.list_units(shop, manager, f).units]

    assert serials(UnitFilter(prefix="sn-a")) == ["SN-A1", "SN-A2"]
    assert serials(UnitFilter(prefix="sn-", status="in_stock")) == ["SN-A1", "SN-B1", "SN-C9"]
    assert serials(UnitFilter(search="-a1")) == ["SN-A1", "XX-A1"]
    assert serials(UnitFilter(location="Back")) == ["SN-C9"]
    assert serials(UnitFilter(search="%")) == []
    with refused(shop, InvalidInput, "unknown status"):
        queries.list_units(shop, manager, UnitFilter(status="lost"))


def test_valuation_uses_each_units_specific_cost(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "V1", cost=10000)
    receive(shop, manager, "V2", cost=12500)
    receive_quantity(shop, manager, Receiving(sku="CABLE", location="Front"), 4)
    rows = {r.sku: (r.qty, r.value) for r in queries.valuation(shop, manager)}
    assert rows == {"PHONE": (2, 22500), "CABLE": (4, 800)}


def test_history_names_who_did_what(shop: Store, manager: Actor, backoffice: Actor) -> None:
    receive(shop, backoffice, "H1")
    write_off(shop, backoffice, "H1", reason="cracked", approver=manager)
    history = queries.unit_history(shop, manager, "h1")
    assert [(h.kind, h.user, h.reason) for h in history] == [
        ("receive", "backoffice", None),
        ("write_off", "backoffice", "cracked"),
    ]
    assert history[0].to_state == "in stock at Front"


def test_huge_paste_is_refused_before_touching_the_store(shop: Store, manager: Actor) -> None:
    with refused(shop, InvalidInput, "too large"):
        receive(shop, manager, "A," * 3_000_000)


def test_scanner_noise_is_refused(shop: Store, manager: Actor) -> None:
    with refused(shop, InvalidInput, "control"):
        receive(shop, manager, "GOOD1\n\x1b[2~BAD\n")


def test_sequence_of_entries_over_the_limit_is_refused(shop: Store, manager: Actor) -> None:
    entries = [SerialEntry(f"E{n}") for n in range(100_001)]
    rcv = Receiving(sku="PHONE", location="Front")
    with refused(shop, InvalidInput, "over the limit"):
        receive_serials(shop, manager, rcv, entries, method="list")


def test_blank_or_odd_prefixes_do_not_break_the_list(shop: Store, manager: Actor) -> None:
    receive(shop, manager, "Q1, Q2")
    assert len(queries.list_units(shop, manager, UnitFilter(prefix="   ")).units) == 2
    assert queries.list_units(shop, manager, UnitFilter(prefix="Q\U0010ffff")).units == []
