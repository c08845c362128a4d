"""Prepared writes (app.db.prepared.PreparedWrite): a sale's INSERTs and UPDATEs as one
driver call each, in the write transaction, written exactly as SQLAlchemy writes them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import bindparam, event, insert, select, update

from app.db.counters import Counter
from app.db.prepared import PreparedWrite
from app.db.rows import write
from app.db.uow import Store
from app.errors import Conflict
from app.stock.models import Movement, SerialUnit, UnitStatus
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.test_pos import shop as shop  # the fixture: P1..P4 in stock

_units = SerialUnit.__table__
_SELL = PreparedWrite(
    update(_units)  # type: ignore[arg-type]
    .where(_units.c.serial == bindparam("of_serial"), _units.c.status == bindparam("was"))  # type: ignore[attr-defined]
    .values(status=bindparam("now"), warranty_start=bindparam("start"))
)
_counters = Counter.__table__
_BUMP = PreparedWrite(
    update(_counters)  # type: ignore[arg-type]
    .where(_counters.c.name == bindparam("counter"))  # type: ignore[attr-defined]
    .values(value=_counters.c.value + 1)  # type: ignore[attr-defined]
    .returning(_counters.c.value)  # type: ignore[attr-defined]
)
_NEW_COUNTER = PreparedWrite(insert(_counters))  # type: ignore[arg-type]
_LEDGER = PreparedWrite(insert(Movement.__table__))  # type: ignore[arg-type]


def test_each_row_of_a_list_is_written_and_counted(shop: Store) -> None:
    rows = [{"of_serial": s, "was": "in_stock", "now": UnitStatus.SOLD, "start": date(2026, 1, 2)}
            for s in ("P1", "P2", "NOPE")]  # fmt: skip
    with shop.write() as session:
        written = write(session, _SELL, rows)
    assert written.rowcount == 2  # NOPE matched no row
    with shop.read() as session:
        sold = session.execute(
            select(SerialUnit.serial, SerialUnit.status, SerialUnit.warranty_start)
            .where(SerialUnit.serial.in_(("P1", "P2", "P3"))).order_by(SerialUnit.serial)
        ).all()  # fmt: skip
    assert [tuple(r) for r in sold] == [
        ("P1", UnitStatus.SOLD, date(2026, 1, 2)),  # the enum and the date read back as such
        ("P2", UnitStatus.SOLD, date(2026, 1, 2)),
        ("P3", UnitStatus.IN_STOCK, None),
    ]


def test_returning_and_values_bound_in_the_statement(shop: Store) -> None:
    with shop.write() as session:
        write(session, _NEW_COUNTER, {"name": "bench", "value": 41})
        assert write(session, _BUMP, {"counter": "bench"}).scalar() == 42
        assert write(session, _BUMP, {"counter": "nothing"}).scalar() is None


def test_statements_are_seen_by_the_engine_s_cursor_events(shop: Store) -> None:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    event.listen(shop.engine, "before_cursor_execute", note)
    try:
        with shop.write() as session:
            sell = {"of_serial": "P1", "was": "in_stock", "now": "sold", "start": None}
            write(session, _SELL, sell)
    finally:
        event.remove(shop.engine, "before_cursor_execute", note)
    assert any(s.lstrip().upper().startswith("UPDATE SERIAL_UNITS") for s in seen), seen


def test_a_column_left_to_its_python_default_is_filled_as_sqlalchemy_fills_it(
    shop: Store, manager: Actor
) -> None:
    with shop.read() as session:
        item_id = session.scalar(select(SerialUnit.item_id).limit(1))
    with shop.write() as session:
        write(session, _LEDGER, {"user_id": manager.id, "kind": "note", "item_id": item_id,
                                 "document": "PREPARED"})  # fmt: skip
    with shop.read() as session:
        at, qty = session.execute(
            select(Movement.at, Movement.qty).where(Movement.document == "PREPARED")
        ).one()
    assert isinstance(at, datetime) and qty == 1


def test_a_refused_write_is_said_as_the_store_says_it_and_changes_nothing(shop: Store) -> None:
    with shop.write() as session:
        write(session, _NEW_COUNTER, {"name": "bench", "value": 1})
    before = dump_tables(shop)
    refused = pytest.raises(Conflict, match="another till changed the same records")
    with refused, shop.write() as session:
        write(session, _BUMP, {"counter": "bench"})
        write(session, _NEW_COUNTER, {"name": "bench", "value": 7})  # its key is taken
    assert dump_tables(shop) == before
