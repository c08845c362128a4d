"""PostgreSQL: the store's connections are not pinged before each transaction (a round trip
a sale), so a connection the server dropped (a restart, an administrator) is found by the
call's first statement. Nothing was written then: the till's retry makes the sale again on
a fresh connection, and a call made once says it in one line with nothing changed. (Runs in
the PostgreSQL pass: SERIALPOS_TEST_PG.)"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app.db.uow import Store
from app.errors import StoreBusy
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.pos.sales import recent_sales
from app.scan import UnitScan, resolve_scan
from app.users.services import actor_by_name
from tests.conftest import dump_tables
from tests.integration.test_pg_timeouts import till_store as till_store  # PostgreSQL only
from tests.integration.test_pos import TILL


def _checkout(store: Store, serial: str) -> Checkout:
    found = resolve_scan(store, actor_by_name(store, "cashier"), serial, location="Front")
    assert isinstance(found, UnitScan)
    line = found.unit.cart_line()
    return Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),))


def _drop_connections(store_url: str) -> None:
    """The server ends every other session on the store's database (as a restart would)."""
    admin = create_engine(store_url.replace("postgresql:", "postgresql+psycopg:", 1))
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"))  # fmt: skip
        conn.commit()
    admin.dispose()


def _second_sale(store: Store) -> Checkout:
    """One sale made (the pool holds its connection), the next one scanned."""
    complete_sale(store, actor_by_name(store, "cashier"), TILL, _checkout(store, "P1"))
    return _checkout(store, "P2")


def test_a_sale_on_a_dropped_connection_goes_through_when_retried(
    till_store: Store, store_url: str
) -> None:
    cashier = actor_by_name(till_store, "cashier")
    checkout = _second_sale(till_store)
    _drop_connections(store_url)
    record = till_store.retrying(lambda: complete_sale(till_store, cashier, TILL, checkout))
    assert record.number == "R-000002"
    assert [s.number for s in recent_sales(till_store, cashier)] == ["R-000002", "R-000001"]


def test_a_sale_made_once_on_a_dropped_connection_is_one_line_and_changes_nothing(
    till_store: Store, store_url: str
) -> None:
    cashier = actor_by_name(till_store, "cashier")
    checkout = _second_sale(till_store)
    before = dump_tables(till_store)
    _drop_connections(store_url)
    with pytest.raises(StoreBusy) as refused:
        complete_sale(till_store, cashier, TILL, checkout)
    assert str(refused.value) == (
        "the connection to the store was lost; nothing was saved: try again"
    )
    assert refused.value.retry
    assert dump_tables(till_store) == before
    assert complete_sale(till_store, cashier, TILL, checkout).number == "R-000002"
