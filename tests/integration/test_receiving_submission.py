"""A receipt is saved once per submission, however often it is sent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.db.uow import Store
from app.errors import InvalidInput
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.models import ReceivingBatch, SerialUnit, StockLevel
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.serials import SerialEntry
from app.users.roles import Actor


@pytest.fixture
def shop(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Front")
    create_item(store, manager, sku="PH1", values=ItemFields(
        name="Phone", price=49900, cost=35000, serialized=True, serial_prefix="P", serial_digits=4,
    ))  # fmt: skip
    create_item(store, manager, sku="CAB", values=ItemFields(name="Cable", price=999))


def _count(store: Store, what: object) -> int:
    with store.read() as session:
        return int(session.scalar(select(func.count()).select_from(what)) or 0)  # type: ignore[arg-type]


def test_generating_twice_with_one_token_makes_one_batch(
    store: Store, manager: Actor, shop: None
) -> None:
    rcv = Receiving(sku="PH1", location="Front", expect=10)
    first = generate_serials(store, manager, rcv, 10, submission="dialog-1-token")
    again = generate_serials(store, manager, rcv, 10, submission="dialog-1-token")
    assert again == first
    assert _count(store, ReceivingBatch) == 1 and _count(store, SerialUnit) == 10
    other = generate_serials(store, manager, rcv, 10, submission="dialog-2-token")
    assert other.batch_id != first.batch_id and _count(store, SerialUnit) == 20


def test_a_list_and_a_quantity_are_saved_once_per_token(
    store: Store, manager: Actor, shop: None
) -> None:
    rcv = Receiving(sku="PH1", location="Front")
    entries = [SerialEntry("A1"), SerialEntry("A2")]
    first = receive_serials(store, manager, rcv, entries, method="list", submission="tok-list-1")
    assert (
        receive_serials(store, manager, rcv, entries, method="list", submission="tok-list-1")
        == first
    )  # not "PH1 already has serials"
    bulk = Receiving(sku="CAB", location="Front")
    one = receive_quantity(store, manager, bulk, 25, submission="tok-bulk-1")
    assert receive_quantity(store, manager, bulk, 25, submission="tok-bulk-1") == one
    with store.read() as session:
        assert session.scalar(select(StockLevel.qty)) == 25


def test_a_bad_token_is_refused(store: Store, manager: Actor, shop: None) -> None:
    with pytest.raises(InvalidInput, match="submission token"):
        receive_quantity(store, manager, Receiving(sku="CAB", location="Front"), 1, submission="x")
