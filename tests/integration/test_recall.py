"""Recall look-up: by range, list, batch, supplier, receipt date; buyers and repair parts."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.db.uow import Store
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.pos.recall import RecallQuery, recall_units
from app.pos.recall_export import recall_csv, recall_lines, safe_cell, write_recall_csv
from app.stock.ledger import move_unit
from app.stock.lifecycle import Move
from app.stock.lookups import find_unit_states
from app.users.roles import Actor
from tests.integration.backoffice_support import receive, sell, stock_shop


@pytest.fixture
def shop(store: Store, manager: Actor, cashier: Actor) -> Store:
    stock_shop(store, manager)
    receive(store, manager, "SN0098,SN0099,SN0100,SN0101,SN0102,SN00Z9", "Front", supplier="Acme")
    receive(store, manager, "98,99,100,101,102,0100", "Front")
    sell(store, cashier, "SN0100", customer="Jane Doe")
    with store.write() as session:  # a repair uses a unit as a part (as tickets do)
        (unit,) = find_unit_states(session, "SN0101", "PHONE")
        move_unit(session, manager, unit, Move.USE, to_location_id=None, document="T-000007")
    return store


def serials(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [r.serial for r in rows]


def test_a_padded_range_lists_exactly_its_serials(shop: Store, backoffice: Actor) -> None:
    rows = recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="SN0098...SN0102"))
    assert serials(rows) == ["SN0098", "SN0099", "SN0100", "SN0101", "SN0102"]


def test_an_unpadded_range_crosses_a_width(shop: Store, backoffice: Actor) -> None:
    rows = recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="98...101"))
    assert serials(rows) == ["100", "101", "98", "99"]  # by key; "0100" is not in it


def test_each_unit_says_where_it_is_who_bought_it_or_which_repair(
    shop: Store, backoffice: Actor
) -> None:
    rows = recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="SN0099...SN0101"))
    by = {r.serial: r for r in rows}
    assert by["SN0099"].status == "in_stock" and by["SN0099"].location == "Front"
    sold = by["SN0100"]
    assert (sold.customer, sold.phone, sold.email) == ("Jane Doe", "555-0101", "jane@example.com")
    assert sold.receipt is not None and sold.sale_date is not None
    assert by["SN0101"].status == "used" and by["SN0101"].ticket == "T-000007"
    assert by["SN0099"].supplier == "Acme"


def test_by_list_batch_supplier_and_date(shop: Store, backoffice: Actor) -> None:
    listed = recall_units(shop, backoffice, RecallQuery("PHONE", serials=("sn0102", "P1", "X")))
    assert serials(listed) == ["P1", "SN0102"]
    batch = listed[1].batch_id
    assert len(recall_units(shop, backoffice, RecallQuery("PHONE", batch_id=batch))) == 6
    assert len(recall_units(shop, backoffice, RecallQuery("PHONE", supplier="acme"))) == 6
    today = date.today()
    every = recall_units(shop, backoffice, RecallQuery("PHONE", received_from=today - timedelta(1)))
    assert len(every) == 18
    none = RecallQuery(
        "PHONE", received_from=today + timedelta(2), received_to=today + timedelta(3)
    )
    assert recall_units(shop, backoffice, none) == []
    both = RecallQuery("PHONE", supplier="Acme", serial_range="SN0101...SN0102")
    assert serials(recall_units(shop, backoffice, both)) == ["SN0101", "SN0102"]


def test_bad_recall_queries_are_refused(shop: Store, backoffice: Actor, cashier: Actor) -> None:
    with pytest.raises(InvalidInput, match="more than the limit"):
        recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="1...20"), range_limit=10)
    with pytest.raises(InvalidInput, match="must ascend"):
        recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="SN0102...SN0098"))
    with pytest.raises(InvalidInput, match="earlier date"):
        recall_units(
            shop, backoffice, RecallQuery("PHONE", received_from=date(2026, 2, 1),
                                          received_to=date(2026, 1, 1))
        )  # fmt: skip
    with pytest.raises(NotFound, match="no item"):
        recall_units(shop, backoffice, RecallQuery("NOPE"))
    with pytest.raises(PermissionDenied, match="may not recall"):
        recall_units(shop, cashier, RecallQuery("PHONE"))


def test_csv_export_neutralises_formulas(shop: Store, backoffice: Actor, tmp_path: Path) -> None:
    assert [safe_cell(v) for v in ("=1+1", "+3", "-2", "@x", "\tx", "ok", None)] == [
        "'=1+1", "'+3", "'-2", "'@x", "'\tx", "ok", ""
    ]  # fmt: skip
    rows = recall_units(shop, backoffice, RecallQuery("PHONE", serial_range="SN0099...SN0100"))
    parsed = list(csv.DictReader(io.StringIO(recall_csv(rows))))
    assert [r["serial"] for r in parsed] == ["SN0099", "SN0100"]
    assert parsed[1]["customer"] == "Jane Doe" and parsed[1]["receipt"]
    path = tmp_path / "recall.csv"
    assert write_recall_csv(path, rows) == 2 and path.read_text().startswith("sku,serial")
    lines = recall_lines("Recall PHONE SN0099...SN0100", rows)
    assert lines[0].startswith("Recall") and "Jane Doe" in lines[3] and lines[-1] == "2 units"
