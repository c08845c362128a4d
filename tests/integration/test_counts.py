"""Physical count: live tally, double scans, resume, variance, apply once (PRODUCT.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.stock import count_apply
from app.stock.count_apply import apply_count, finish_count, variance_page
from app.stock.count_export import VARIANCE_HEADER, write_variance_csv
from app.stock.count_log import latest_count_scans
from app.stock.count_records import Listed, ScanVerdict, VarianceKind
from app.stock.counts import count_quantity, count_tally, open_counts, scan_count, start_count
from app.stock.items import ItemFields, create_item
from app.stock.models import Movement, SerialUnit, StockLevel
from app.stock.moves import write_off
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import SerialEntry
from app.stock.session_models import CountScan
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.backoffice_support import refused, sell, stock_shop


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    return stock_shop(store, manager)


def unit(store: Store, serial: str) -> SerialUnit:
    with store.read() as s:
        return s.scalars(select(SerialUnit).where(SerialUnit.serial == serial)).one()


def test_a_count_starts_with_the_in_stock_units_expected(shop: Store, backoffice: Actor) -> None:
    tally = start_count(shop, backoffice, "front")
    assert (tally.location, tally.expected, tally.counted, tally.missing) == ("Front", 4, 0, 4)


def test_scanning_ticks_expected_units_and_a_double_scan_counts_once(
    shop: Store, backoffice: Actor
) -> None:
    count = start_count(shop, backoffice, "Front").count_id
    first = scan_count(shop, backoffice, count, " p1 ")
    assert first.verdict is ScanVerdict.EXPECTED and not first.already_scanned
    assert first.sku == "PHONE" and first.tally.counted == 1 and first.tally.missing == 3
    before = dump_tables(shop)
    again = scan_count(shop, backoffice, count, "P1")
    assert again.already_scanned and "already scanned" in again.message
    assert again.tally.counted == 1 and dump_tables(shop) == before


def test_unexpected_scans_say_why(shop: Store, backoffice: Actor, cashier: Actor) -> None:
    sell(shop, cashier, "P4")
    count = start_count(shop, backoffice, "Front").count_id
    elsewhere = scan_count(shop, backoffice, count, "B1")
    sold = scan_count(shop, backoffice, count, "P4")
    unknown = scan_count(shop, backoffice, count, "NOPE-1")
    assert elsewhere.verdict is ScanVerdict.OTHER_LOCATION and "at Back" in elsewhere.message
    assert sold.verdict is ScanVerdict.OTHER_STATUS and "sold" in sold.message
    assert unknown.verdict is ScanVerdict.UNKNOWN and unknown.sku is None
    assert unknown.tally.unexpected == 3 and unknown.tally.counted == 3
    assert scan_count(shop, backoffice, count, "nope-1").already_scanned


def test_a_count_is_saved_and_resumed(shop: Store, backoffice: Actor) -> None:
    count = start_count(shop, backoffice, "Front").count_id
    scan_count(shop, backoffice, count, "P2")
    assert [t.count_id for t in open_counts(shop, backoffice)] == [count]
    assert count_tally(shop, backoffice, count).counted == 1
    with refused(shop, Conflict, "still open: resume it"):
        start_count(shop, backoffice, "Front")


def test_finishing_shows_the_variance_and_writes_nothing(
    shop: Store, backoffice: Actor, cashier: Actor
) -> None:
    sell(shop, cashier, "P4")
    count = start_count(shop, backoffice, "Front").count_id
    for code in ("P1", "P2", "B1", "P4", "NEW-9"):
        scan_count(shop, backoffice, count, code)
    count_quantity(shop, backoffice, count, "CABLE", 8)
    before = dump_tables(shop)
    variance = finish_count(shop, backoffice, count)
    assert dump_tables(shop) == before
    assert [u.serial for u in variance.missing.first] == ["P3"] and variance.missing.total == 1
    assert [u.serial for u in variance.moved_here.first] == ["B1"]
    assert [u.serial for u in variance.not_moved.first] == ["P4"]
    assert variance.unknown == Listed(1, ("NEW-9",)) and variance.found.total == 0
    assert [(q.sku, q.on_record, q.counted, q.difference) for q in variance.quantities] == [
        ("CABLE", 10, 8, -2)
    ]


def test_applying_writes_missing_off_moves_found_in_and_adjusts_bulk(
    shop: Store, manager: Actor, cashier: Actor
) -> None:
    sell(shop, cashier, "P4")
    count = start_count(shop, manager, "Front").count_id
    for code in ("P1", "P2", "B1", "P4", "NEW-9"):
        scan_count(shop, manager, count, code)
    count_quantity(shop, manager, count, "CABLE", 12)
    applied = apply_count(shop, manager, count)
    assert applied.variance.unknown.first == ("NEW-9",)
    assert applied.variance.tally.status == "applied"
    p3, b1, p4 = unit(shop, "P3"), unit(shop, "B1"), unit(shop, "P4")
    assert (p3.status, p3.location_id) == ("adjusted_out", None)
    assert b1.status == "in_stock" and b1.location_id == unit(shop, "P1").location_id
    assert p4.status == "sold"
    with shop.read() as s:
        rows = s.scalars(select(Movement).where(Movement.document == f"count:{count}")).all()
        level = s.scalars(select(StockLevel).where(StockLevel.qty == 12)).one()
    kinds = sorted((m.kind, m.reason, m.qty) for m in rows)
    assert kinds == [
        ("count_found", "counted", 2),
        ("count_missing", "missing at count", 1),
        ("transfer", "found at count", 1),
    ]
    assert level.location_id == b1.location_id


def test_a_count_is_applied_once(shop: Store, manager: Actor) -> None:
    count = start_count(shop, manager, "Back").count_id
    scan_count(shop, manager, count, "B1")
    scan_count(shop, manager, count, "B2")
    apply_count(shop, manager, count)
    with refused(shop, Conflict, "already applied"):
        apply_count(shop, manager, count)
    with refused(shop, Conflict, "was applied"):
        scan_count(shop, manager, count, "P1")


def test_writing_off_missing_units_needs_a_manager(
    shop: Store, backoffice: Actor, manager: Actor, cashier: Actor
) -> None:
    count = start_count(shop, backoffice, "Back").count_id
    scan_count(shop, backoffice, count, "B1")
    with refused(shop, PermissionDenied, "needs a manager's approval"):
        apply_count(shop, backoffice, count)
    with refused(shop, PermissionDenied, "not a manager"):
        apply_count(shop, backoffice, count, approver=cashier)
    applied = apply_count(shop, backoffice, count, approver=manager)
    assert applied.approved_by == "manager" and unit(shop, "B2").status == "adjusted_out"


def test_a_count_with_nothing_missing_needs_no_approval(shop: Store, backoffice: Actor) -> None:
    count = start_count(shop, backoffice, "Back").count_id
    scan_count(shop, backoffice, count, "B1")
    scan_count(shop, backoffice, count, "B2")
    assert apply_count(shop, backoffice, count).approved_by is None


def test_a_written_off_unit_found_on_the_shelf_comes_back(shop: Store, manager: Actor) -> None:
    write_off(shop, manager, "B2", reason="stolen")
    count = start_count(shop, manager, "Back").count_id
    scan_count(shop, manager, count, "B1")
    assert scan_count(shop, manager, count, "B2").verdict is ScanVerdict.OTHER_STATUS
    variance = apply_count(shop, manager, count).variance
    assert [u.serial for u in variance.found.first] == ["B2"]
    assert unit(shop, "B2").status == "in_stock"


def test_a_resumed_count_lists_its_scans_newest_first(
    shop: Store, backoffice: Actor, cashier: Actor
) -> None:
    count = start_count(shop, backoffice, "Front").count_id
    for serial in ("P1", "B1", "NOPE-1", "p1"):  # a second P1 adds no row
        scan_count(shop, backoffice, count, serial)
    seen = latest_count_scans(shop, backoffice, count)
    assert [(s.serial, s.verdict) for s in seen] == [
        ("NOPE-1", ScanVerdict.UNKNOWN),
        ("B1", ScanVerdict.OTHER_LOCATION),
        ("P1", ScanVerdict.EXPECTED),
    ]
    assert seen[1].message == "B1 in stock at another location: unexpected"
    assert [s.serial for s in latest_count_scans(shop, backoffice, count, limit=1)] == ["NOPE-1"]
    with refused(shop, PermissionDenied, "may not count stock"):
        latest_count_scans(shop, cashier, count)
    with refused(shop, NotFound, "count"):
        latest_count_scans(shop, backoffice, count + 99)


def test_only_back_office_and_managers_count(shop: Store, cashier: Actor) -> None:
    with refused(shop, PermissionDenied, "may not count stock"):
        start_count(shop, cashier, "Front")


def test_bad_scans_and_quantities_are_refused(shop: Store, backoffice: Actor) -> None:
    count = start_count(shop, backoffice, "Front").count_id
    with refused(shop, InvalidInput, "control character"):
        scan_count(shop, backoffice, count, "P\x071")
    with refused(shop, Conflict, "is serialized"):
        count_quantity(shop, backoffice, count, "PHONE", 3)
    with refused(shop, InvalidInput, "between 0 and"):
        count_quantity(shop, backoffice, count, "CABLE", -1)
    with refused(shop, NotFound, "no count number 999"):
        scan_count(shop, backoffice, 999, "P1")
    with refused(shop, NotFound, "no location"):
        start_count(shop, backoffice, "Attic")


def test_a_serial_of_two_items_is_taken_as_the_one_here(shop: Store, manager: Actor) -> None:
    create_item(shop, manager, sku="TAB", values=ItemFields(name="Tab", price=1, serialized=True))
    rcv = Receiving(sku="TAB", location="Back")
    receive_serials(shop, manager, rcv, [SerialEntry("P1")], method="list")
    count = start_count(shop, manager, "Front").count_id
    assert scan_count(shop, manager, count, "P1").sku == "PHONE"
    other = start_count(shop, manager, "Back").count_id
    assert scan_count(shop, manager, other, "P1").sku == "TAB"


def test_applying_tells_the_views_units_moved(shop: Store, manager: Actor) -> None:
    from app.stock.events import UnitsMoved

    count = start_count(shop, manager, "Back").count_id
    scan_count(shop, manager, count, "B1")
    with shop.capture() as events:
        apply_count(shop, manager, count)
    assert events == [UnitsMoved(kind="count", count=1)]


def test_a_deactivated_user_cannot_scan_and_nothing_is_recorded(
    shop: Store, manager: Actor, backoffice: Actor
) -> None:
    from app.users.management import deactivate_user

    count = start_count(shop, backoffice, "Front").count_id
    deactivate_user(shop, manager, backoffice.name)
    with refused(shop, PermissionDenied, "is deactivated"):
        scan_count(shop, backoffice, count, "P1")


def test_a_scan_with_its_sku_takes_that_items_unit(shop: Store, manager: Actor) -> None:
    create_item(shop, manager, sku="TAB", values=ItemFields(name="Tab", price=1, serialized=True))
    rcv = Receiving(sku="TAB", location="Back")
    receive_serials(shop, manager, rcv, [SerialEntry("P1")], method="list")
    count = start_count(shop, manager, "Front").count_id
    tab = scan_count(shop, manager, count, "P1", sku="TAB")
    assert (tab.sku, tab.verdict) == ("TAB", ScanVerdict.OTHER_LOCATION)
    assert scan_count(shop, manager, count, "P1", sku="PHONE").verdict is ScanVerdict.EXPECTED
    unknown = scan_count(shop, manager, count, "B1", sku="TAB")  # no TAB has serial B1
    assert unknown.verdict is ScanVerdict.UNKNOWN and unknown.tally.counted == 3


def test_a_large_variance_is_counted_in_the_store_and_listed_a_page_at_a_time(
    shop: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    serials = [SerialEntry(f"M{n:03d}") for n in range(40)]
    receive_serials(shop, manager, Receiving("PHONE", "Front"), serials, method="list")
    count = start_count(shop, manager, "Front").count_id
    scan_count(shop, manager, count, "P1")
    for code in ("NEW-1", "NEW-2", "NEW-3"):
        scan_count(shop, manager, count, code)
    variance = finish_count(shop, manager, count)
    assert variance.missing.total == 43  # P2, P3, P4 and the forty
    assert len(variance.missing.first) == count_apply.SHOWN
    listed, after = [], 0
    while after is not None:
        page = variance_page(shop, manager, count, VarianceKind.MISSING, after=after, limit=7)
        listed += [u.serial for u in page.units]
        after = page.next_after
    assert listed == ["P2", "P3", "P4", *(s.serial for s in serials)]
    unknown = variance_page(shop, manager, count, VarianceKind.UNKNOWN, limit=2)
    assert [u.serial for u in unknown.units] == ["NEW-1", "NEW-2"] and unknown.next_after

    monkeypatch.setattr(count_apply, "PAGE", 4)  # exporting and applying: 4 units at a time
    csv_path = tmp_path / "variance.csv"
    assert write_variance_csv(shop, manager, count, csv_path) == 46
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(VARIANCE_HEADER) and len(lines) == 47
    assert lines[1] == "missing,PHONE,P2,in_stock,Front,is in stock at Front"
    assert lines[-1] == "unknown,,NEW-3,unknown,,unknown"
    applied = apply_count(shop, manager, count)
    assert applied.variance.missing.total == 43
    assert all(unit(shop, s.serial).status == "adjusted_out" for s in serials)
    assert unit(shop, "P1").status == "in_stock"
    with shop.read() as s:
        written_off = s.scalars(select(Movement).where(Movement.document == f"count:{count}")).all()
    assert len(written_off) == 43


def test_two_tills_scanning_the_same_shelf_count_each_unit_once(
    shop: Store, manager: Actor
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    serials = [SerialEntry(f"T{n:03d}") for n in range(30)]
    receive_serials(shop, manager, Receiving("PHONE", "Back"), serials, method="list")
    count = start_count(shop, manager, "Back").count_id

    def till() -> list[bool]:
        return [scan_count(shop, manager, count, s.serial).already_scanned for s in serials]

    with ThreadPoolExecutor(2) as pool:
        first, second = pool.submit(till), pool.submit(till)
        again = first.result() + second.result()
    assert sum(again) == len(serials)  # each unit scanned twice, counted once
    with shop.read() as s:
        rows = s.scalars(select(CountScan).where(CountScan.session_id == count)).all()
    assert len(rows) == len(serials)
    assert count_tally(shop, manager, count).counted == len(serials)
