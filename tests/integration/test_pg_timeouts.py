"""PostgreSQL: a stuck transaction elsewhere (another till, a psql session left open) holding
the sale counter or a unit's row does not stop the till for as long as it stays. The till's
sale waits at most lock_timeout, then is "the store is busy" in one line, with nothing
half-done; once the other lets go the same sale goes through. (Runs in the PostgreSQL pass:
SERIALPOS_TEST_PG; the SQLite lock is test_store_busy.py's.)"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, text

from app.db import engine as engine_module
from app.db.uow import Store, open_store
from app.errors import StoreBusy
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.scan import UnitScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.users.services import actor_by_name
from tests.conftest import dump_tables
from tests.integration.test_pos import TILL

LOCK_TIMEOUT_MS = 400  # the tills wait 5 s (engine.PG_LOCK_TIMEOUT_MS)


@pytest.fixture
def till_store(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    if not store_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's lock_timeout: runs in the PostgreSQL pass (SERIALPOS_TEST_PG)")
    monkeypatch.setattr(engine_module, "PG_LOCK_TIMEOUT_MS", LOCK_TIMEOUT_MS)
    store = open_store(store_url)
    manager = actor_by_name(store, "manager")
    create_location(store, manager, name="Front")
    create_item(store, manager, sku="PHONE", values=ItemFields(
        name="Phone", price=12000, serialized=True))  # fmt: skip
    receive_serials(store, manager, Receiving(sku="PHONE", location="Front"),
                    parse_list("P1,P2,P3"), method="list")  # fmt: skip
    yield store
    store.dispose()


@pytest.fixture
def other_session(store_url: str) -> Iterator[Connection]:
    """Someone else's connection, its transaction left open (no timeouts of its own)."""
    engine = create_engine(store_url.replace("postgresql:", "postgresql+psycopg:", 1))
    conn = engine.connect()
    yield conn
    conn.rollback()
    conn.close()
    engine.dispose()


def _sell(store: Store, serial: str) -> str:
    cashier = actor_by_name(store, "cashier")
    found = resolve_scan(store, cashier, serial, location="Front")
    assert isinstance(found, UnitScan)
    line = found.unit.cart_line()
    checkout = Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),), None, 0)
    # As the window's Ops does it: made again while the store is busy, within reason.
    return store.retrying(lambda: complete_sale(store, cashier, TILL, checkout)).number


def _refused_busy(store: Store, serial: str) -> float:
    before = dump_tables(store)
    started = time.monotonic()
    with pytest.raises(StoreBusy) as refused:
        _sell(store, serial)
    waited = time.monotonic() - started
    assert str(refused.value) == "the store is busy; try again"
    assert dump_tables(store) == before  # nothing half-done
    return waited


@pytest.mark.parametrize(
    "hold",
    [
        "SELECT value FROM counters WHERE name = 'sale' FOR UPDATE",  # the sale counter
        "SELECT id FROM serial_units WHERE serial = 'P2' FOR UPDATE",  # the unit being sold
    ],
)
def test_a_stuck_transaction_makes_the_sale_busy_within_the_lock_timeout(
    till_store: Store, other_session: Connection, hold: str
) -> None:
    assert _sell(till_store, "P1") == "R-000001"  # the counter row exists from here on
    assert other_session.execute(text(hold)).all()
    waited = _refused_busy(till_store, "P2")
    # One wait of lock_timeout (no retries behind a lock that was waited for already),
    # far below the 30 s statement_timeout.
    assert LOCK_TIMEOUT_MS / 1000 <= waited < LOCK_TIMEOUT_MS / 1000 + 3
    other_session.rollback()  # it lets go: the same sale goes through, numbered next
    assert _sell(till_store, "P2") == "R-000002"


def test_a_statement_past_the_statement_timeout_is_busy_too(till_store: Store) -> None:
    with till_store.engine.connect() as conn:
        timeouts = conn.execute(text("SELECT current_setting('lock_timeout'),"
                                     " current_setting('statement_timeout')")).one()  # fmt: skip
    assert timeouts == (f"{LOCK_TIMEOUT_MS}ms", f"{engine_module.PG_STATEMENT_TIMEOUT_MS // 1000}s")
    before = dump_tables(till_store)
    with pytest.raises(StoreBusy), till_store.write() as session:
        session.execute(text("SET LOCAL statement_timeout = 200"))
        session.execute(text("UPDATE counters SET value = value WHERE true"))
        session.execute(text("SELECT pg_sleep(2)"))
    assert dump_tables(till_store) == before
