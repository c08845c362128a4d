"""A big delivery: its units are written a batch at a time in a few statements, in the
order entered, each with its ledger row; a refusal anywhere in it saves nothing."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from app.db.bulk import BulkInsert
from app.db.uow import Store
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.lookups import DuplicateSerials
from app.stock.models import Movement, SerialUnit
from app.stock.receiving import UNIT_BATCH, Receiving, receive_serials
from app.stock.serials import SerialEntry, parse_range
from app.users.roles import Actor
from tests.conftest import dump_tables

BIG = 2 * UNIT_BATCH + 2_000  # three batches, the last one short


@pytest.fixture
def shop(store: Store, manager: Actor) -> Store:
    create_location(store, manager, name="Front")
    create_item(
        store,
        manager,
        sku="PHONE",
        values=ItemFields(name="Phone", price=500, cost=300, serialized=True),
    )
    return store


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn, _cursor, sql, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(sql)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)


def receive(store: Store, actor: Actor, entries: list[SerialEntry]) -> list[str]:
    rcv = Receiving(sku="PHONE", location="Front")
    return receive_serials(store, actor, rcv, entries, method="range").serials


def test_a_big_delivery_costs_a_few_statements_more_than_a_small_one(
    shop: Store, manager: Actor
) -> None:
    with counted(shop) as small:
        receive(shop, manager, parse_range("A1...A10"))
    with counted(shop) as big:
        receive(shop, manager, parse_range(f"B1...B{BIG}"))
    # Only the clash check (900 keys a statement) and the unit batches grow with the count.
    grows = (math.ceil(BIG / 900) - 1) + (math.ceil(BIG / UNIT_BATCH) - 1)
    assert len(big) - len(small) <= grows
    assert sum(sql.startswith("INSERT INTO serial_units") for sql in big) == 3


def test_a_big_delivery_keeps_the_order_entered_and_a_ledger_row_each(
    shop: Store, manager: Actor
) -> None:
    entries = parse_range(f"C1...C{BIG}")[::-1]  # entered high to low
    receive(shop, manager, entries)
    with shop.read() as s:
        units = s.execute(
            select(SerialUnit.id, SerialUnit.serial, SerialUnit.cost, SerialUnit.status).order_by(
                SerialUnit.id
            )
        ).all()
        ledger = s.execute(select(Movement.unit_id, Movement.document).order_by(Movement.id)).all()
    assert [u.serial for u in units] == [e.serial for e in entries]
    assert {(u.cost, u.status) for u in units} == {(300, "in_stock")}
    assert [unit_id for unit_id, _ in ledger] == [u.id for u in units]
    assert len({document for _, document in ledger}) == 1


def test_a_serial_repeated_across_batches_saves_nothing(shop: Store, manager: Actor) -> None:
    entries = parse_range(f"D1...D{BIG}")
    entries.append(SerialEntry("d7"))  # the same serial, in another letter case, batches later
    before = dump_tables(shop)
    with pytest.raises(DuplicateSerials, match=r"serials repeated in the input: D7; nothing"):
        receive(shop, manager, entries)
    assert dump_tables(shop) == before


def test_a_serial_in_stock_refuses_the_whole_big_delivery(shop: Store, manager: Actor) -> None:
    receive(shop, manager, [SerialEntry(f"E{BIG}")])
    before = dump_tables(shop)
    with pytest.raises(DuplicateSerials, match=rf"PHONE already has serials: E{BIG}; nothing"):
        receive(shop, manager, parse_range(f"E1...E{BIG}"))
    assert dump_tables(shop) == before


def test_a_value_needing_conversion_must_be_shared_not_varied() -> None:
    # A status (an enum) or a time varies per row only through bind processing, which the
    # bulk path skips: it is refused when the statement is compiled, not stored wrong.
    from sqlalchemy.dialects import sqlite

    rows = BulkInsert(SerialUnit.__table__, ("serial", "received_at"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="received_at needs bind processing"):
        rows._compile(sqlite.dialect(), ("item_id",))
