"""PostgreSQL: the store's connections are not pinged before each transaction (a round trip
a sale), so a connection the server dropped (a restart, an administrator) is found by the
call's first statement. Nothing was written then: the till's retry makes the sale again on
a fresh connection, and a call made once says it in one line with nothing changed. (Runs in
the PostgreSQL pass: SERIALPOS_TEST_PG.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from app.db.uow import Store, open_store
from app.errors import StoreBusy
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.pos.sales import recent_sales
from app.scan import UnitScan, resolve_scan
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.users.services import actor_by_name
from tests.conftest import dump_tables
from tests.integration.test_pos import TILL


@pytest.fixture
def till_store(store_url: str) -> Iterator[Store]:
    if not store_url.startswith("postgresql"):
        pytest.skip("a server dropping connections: runs in the PostgreSQL pass")
    store = open_store(store_url)
    manager = actor_by_name(store, "manager")
    create_location(store, manager, name="Front")
    create_item(store, manager, sku="PHONE", values=ItemFields(
        name="Phone", price=12000, serialized=True))  # fmt: skip
    receive_serials(store, manager, Receiving(sku="PHONE", location="Front"),
                    parse_list("P1,P2,P3"), method="list")  # fmt: skip
    yield store
    store.dispose()


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


def test_a_sale_on_a_dropped_connection_goes_through_when_retried(
    till_store: Store, store_url: str
) -> None:
    cashier = actor_by_name(till_store, "cashier")
    complete_sale(till_store, cashier, TILL, _checkout(till_store, "P1"))
    checkout = _checkout(till_store, "P2")
    _drop_connections(store_url)
    record = till_store.retrying(lambda: complete_sale(till_store, cashier, TILL, checkout))
    assert record.number == "R-000002"
    assert [s.number for s in recent_sales(till_store, cashier)] == ["R-000002", "R-000001"]


def test_a_sale_made_once_on_a_dropped_connection_is_one_line_and_changes_nothing(
    till_store: Store, store_url: str
) -> None:
    cashier = actor_by_name(till_store, "cashier")
    complete_sale(till_store, cashier, TILL, _checkout(till_store, "P1"))
    checkout = _checkout(till_store, "P2")
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
