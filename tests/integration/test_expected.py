"""Receiving against the supplier's expected list: tick by scan, flag strays, confirm once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, PermissionDenied
from app.stock import queries
from app.stock.events import UnitsReceived
from app.stock.expected import (
    TickVerdict,
    confirm_expected,
    expected_delivery,
    import_expected,
    open_deliveries,
    tick_expected,
    unticked_serials,
)
from app.stock.lookups import DuplicateSerials
from app.stock.models import ReceivingBatch
from app.stock.receiving import Receiving
from app.stock.serial_csv import parse_csv
from app.stock.serials import parse_list
from app.users.roles import Actor
from tests.integration.backoffice_support import refused, stock_shop

RCV = Receiving(sku="PHONE", location="Back", supplier="Acme Phones", cost=7000)


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    return stock_shop(store, manager)


def test_ticking_flags_strays_and_double_scans_at_once(shop: Store, backoffice: Actor) -> None:
    delivery = import_expected(shop, backoffice, RCV, parse_list("E1\nE2\nE3"))
    assert (delivery.listed, delivery.ticked, delivery.missing) == (3, 0, 3)
    first = tick_expected(shop, backoffice, delivery.id, " e1 ")
    stray = tick_expected(shop, backoffice, delivery.id, "ZZ9")
    twice = tick_expected(shop, backoffice, delivery.id, "E1")
    assert first.verdict is TickVerdict.TICKED and first.delivery.ticked == 1
    assert (
        stray.verdict is TickVerdict.NOT_ON_LIST and "not on the supplier's list" in stray.message
    )
    assert twice.verdict is TickVerdict.ALREADY_TICKED and twice.delivery.ticked == 1


def test_a_check_is_resumed_from_the_store(shop: Store, backoffice: Actor) -> None:
    delivery = import_expected(shop, backoffice, RCV, parse_list("E1,E2"))
    tick_expected(shop, backoffice, delivery.id, "E2")
    assert [d.id for d in open_deliveries(shop, backoffice)] == [delivery.id]
    assert expected_delivery(shop, backoffice, delivery.id).ticked == 1
    assert unticked_serials(shop, backoffice, delivery.id) == ["E1"]


def test_confirming_receives_only_the_ticked_and_reports_the_missing(
    shop: Store, backoffice: Actor
) -> None:
    delivery = import_expected(shop, backoffice, RCV, parse_list("E1,E2,E3"))
    tick_expected(shop, backoffice, delivery.id, "E1")
    tick_expected(shop, backoffice, delivery.id, "E3")
    with shop.capture() as seen:
        done = confirm_expected(shop, backoffice, delivery.id)
    assert done.missing == ["E2"] and done.received.serials == ["E1", "E3"]
    assert done.delivery.status == "received"
    assert seen == [UnitsReceived("PHONE", "Back", 2, done.received.batch_id)]
    units = {u.serial: u for u in queries.find_units(shop, backoffice, "E1")}
    assert units["E1"].location == "Back" and units["E1"].cost == 7000
    assert not queries.find_units(shop, backoffice, "E2")
    with shop.read() as s:
        batch = s.get_one(ReceivingBatch, done.received.batch_id)
    assert (batch.supplier, batch.method) == ("Acme Phones", "expected")


def test_confirming_twice_is_refused(shop: Store, backoffice: Actor) -> None:
    delivery = import_expected(shop, backoffice, RCV, parse_list("E1"))
    tick_expected(shop, backoffice, delivery.id, "E1")
    confirm_expected(shop, backoffice, delivery.id)
    with refused(shop, Conflict, "already received"):
        confirm_expected(shop, backoffice, delivery.id)
    with refused(shop, Conflict, "already received"):
        tick_expected(shop, backoffice, delivery.id, "E1")


def test_nothing_ticked_is_not_confirmed(shop: Store, backoffice: Actor) -> None:
    delivery = import_expected(shop, backoffice, RCV, parse_list("E1"))
    with refused(shop, InvalidInput, "nothing on expected delivery"):
        confirm_expected(shop, backoffice, delivery.id)


def test_a_bad_list_is_refused_whole(shop: Store, backoffice: Actor, cashier: Actor) -> None:
    with refused(shop, DuplicateSerials, "repeated in the supplier's list: E1"):
        import_expected(shop, backoffice, RCV, parse_list("E1,e1"))
    with refused(shop, DuplicateSerials, "already has serials: P1"):
        import_expected(shop, backoffice, RCV, parse_list("E1,P1"))
    with refused(shop, Conflict, "not serialized"):
        import_expected(shop, backoffice, Receiving(sku="CABLE", location="Back"), parse_list("X"))
    with refused(shop, PermissionDenied, "may not receive"):
        import_expected(shop, cashier, RCV, parse_list("E1"))


def test_a_csv_list_keeps_asset_tags_and_costs(shop: Store, backoffice: Actor) -> None:
    entries = parse_csv("serial,asset_tag,cost\nE1,T-1,12.50\nE2,T-2,13.00\n")
    rcv = Receiving(sku="PHONE", location="Back")
    delivery = import_expected(shop, backoffice, rcv, entries)
    tick_expected(shop, backoffice, delivery.id, "E2")
    confirm_expected(shop, backoffice, delivery.id)
    (unit,) = queries.find_units(shop, backoffice, "E2")
    assert (unit.asset_tag, unit.cost) == ("T-2", 1300)
    with shop.read() as s:
        assert s.scalar(select(ReceivingBatch.supplier).order_by(ReceivingBatch.id.desc())) is None
