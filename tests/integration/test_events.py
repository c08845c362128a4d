"""Events are handed out only after their transaction commits, once, to every listener."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from app.db.uow import Store, open_store, record
from app.errors import InvalidInput
from app.events import Change, Event, changes_of


@dataclass(frozen=True)
class Noted(Event):
    changes: ClassVar[frozenset[Change]] = frozenset({Change.UNITS})
    what: str


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")


def test_listeners_hear_events_after_commit(store: Store) -> None:
    heard: list[Sequence[Event]] = []
    store.listen(heard.append)
    with store.write() as session:
        record(session, Noted("a"), Noted("b"))
        assert heard == []  # not before the commit
    assert heard == [[Noted("a"), Noted("b")]]
    assert changes_of(heard[0]) == {Change.UNITS}


def test_a_rolled_back_write_tells_nobody(store: Store) -> None:
    heard: list[Sequence[Event]] = []
    store.listen(heard.append)
    with pytest.raises(InvalidInput), store.write() as session:
        record(session, Noted("a"))
        raise InvalidInput("refused")
    with store.write():
        pass  # a later write does not carry the refused one's events
    assert heard == []


def test_capture_collects_what_one_call_committed(store: Store) -> None:
    with store.write() as session:
        record(session, Noted("before"))
    with store.capture() as events, store.write() as session:
        record(session, Noted("inside"))
    with store.write() as session:
        record(session, Noted("after"))
    assert events == [Noted("inside")]


def test_a_failing_listener_does_not_stop_the_others(store: Store) -> None:
    heard: list[Sequence[Event]] = []

    def broken(_events: Sequence[Event]) -> None:
        raise RuntimeError("bug")

    store.listen(broken)
    store.listen(heard.append)
    with store.write() as session:
        record(session, Noted("a"))
    assert heard == [[Noted("a")]]


def test_stock_services_say_what_they_changed(tmp_path: Path) -> None:
    from app.stock.events import ItemsChanged, LocationsChanged, UnitsMoved, UnitsReceived
    from app.stock.items import ItemFields, create_item
    from app.stock.locations import create_location
    from app.stock.moves import transfer_units
    from app.stock.receiving import Receiving, generate_serials
    from app.users.services import create_first_manager

    store = open_store(f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    boss = create_first_manager(store, name="boss", pin="4321")
    heard: list[Event] = []
    store.listen(lambda events: heard.extend(events))
    create_location(store, boss, name="Front", sellable=True)
    create_location(store, boss, name="Back", sellable=False)
    values = ItemFields(name="Phone", price=100, serialized=True, serial_prefix="P")
    create_item(store, boss, sku="PH", values=values)
    generate_serials(store, boss, Receiving(sku="PH", location="Front"), 2)
    transfer_units(store, boss, ["P000001"], to_location="Back")
    assert heard == [
        LocationsChanged("Front"),
        LocationsChanged("Back"),
        ItemsChanged("PH"),
        UnitsReceived("PH", "Front", 2, heard[3].batch_id),  # type: ignore[attr-defined]
        UnitsMoved("transfer", 1),
    ]
    assert changes_of(heard) == {Change.LOCATIONS, Change.ITEMS, Change.UNITS}
    store.dispose()
