"""Store.quick_read and prepared statements: the scan's thin read path."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import bindparam, event, literal_column, select
from sqlalchemy.exc import DBAPIError

from app.db.prepared import Prepared
from app.db.uow import Store
from app.pos.models import Sale
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.models import Item, Location, SerialUnit, UnitStatus
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.users.roles import Actor

_UNIT = Prepared(
    select(SerialUnit.serial, SerialUnit.status, Location.sellable, Item.serialized)
    .join(Item, Item.id == SerialUnit.item_id)
    .join(Location, Location.id == SerialUnit.location_id)
    .where(SerialUnit.serial_key == bindparam("key"))
    .limit(5)
)
_DAY = Prepared(select(Sale.business_day).where(Sale.id == bindparam("id")))


def _shop(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Front")
    create_item(
        store, manager, sku="PHONE", values=ItemFields(name="Phone", price=100, serialized=True)
    )


def _receive(store: Store, manager: Actor, serials: str) -> None:
    rcv = Receiving(sku="PHONE", location="Front")
    receive_serials(store, manager, rcv, parse_list(serials), method="list")


def test_values_come_back_as_the_column_types_read_them(store: Store, manager: Actor) -> None:
    _shop(store, manager)
    _receive(store, manager, "A1")
    with store.quick_read() as db:
        row = db.first(_UNIT, key="a1")
        assert db.first(_DAY, id=1) is None
    assert row == ("A1", UnitStatus.IN_STOCK, True, True)
    assert isinstance(row[1], UnitStatus) and row[2] is True


def test_each_read_sees_the_latest_commit(store: Store, manager: Actor) -> None:
    """No snapshot is kept between two quick reads, nor inside one."""
    _shop(store, manager)
    with store.quick_read() as db:
        assert db.rows(_UNIT, key="b1") == []
        _receive(store, manager, "B1")
        assert [r[0] for r in db.rows(_UNIT, key="b1")] == ["B1"]


def test_connections_are_lent_not_kept_per_thread(store: Store, manager: Actor) -> None:
    """Threads that come and go (the window's workers) share the few connections: one
    per read going on at the same moment."""
    _shop(store, manager)
    seen: list[int] = []

    def read() -> None:
        with store.quick_read() as db:
            db.rows(_UNIT, key="x")
            seen.append(id(db.connection))

    for _ in range(5):
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    with store.quick_read() as outer, store.quick_read() as inner:  # two at once: two
        assert outer.connection is not inner.connection
    read()
    assert len(set(seen)) == 1


def test_the_engines_cursor_events_see_quick_reads(store: Store, manager: Actor) -> None:
    _shop(store, manager)
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        with store.quick_read() as db:
            db.rows(_UNIT, key="c1")
    finally:
        event.remove(store.engine, "before_cursor_execute", note)
    assert len(sent) == 1 and "serial_key" in sent[0]


def test_a_failed_read_is_a_store_error_and_the_next_read_works(
    store: Store, manager: Actor
) -> None:
    _shop(store, manager)
    broken = Prepared(select(literal_column("no_such_column")).select_from(SerialUnit))
    with pytest.raises(DBAPIError), store.quick_read() as db:
        db.rows(broken)
    _receive(store, manager, "D1")
    with store.quick_read() as db:
        assert [r[0] for r in db.rows(_UNIT, key="d1")] == ["D1"]
