"""SQLite's write-ahead log is folded into the store when the till is idle (Store.idle,
from the window's watcher), never inside a sale's commit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, text

from app.db import uow
from app.db.uow import Store, open_store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.users import services as users
from tests.integration.test_pos import TILL, line_for
from tests.integration.test_pos import shop as shop  # the fixture


@pytest.fixture
def till_store(shop: Store, store_url: str) -> Iterator[Store]:
    if not shop.is_sqlite:
        pytest.skip("PostgreSQL has no write-ahead log to fold here")
    store = open_store(store_url, idle_checkpoints=True)
    yield store
    store.dispose()


def _checkpoints(store: Store) -> list[str]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "wal_checkpoint" in statement:
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    return seen


def _sell(store: Store, code: str) -> None:
    cashier = users.actor_by_name(store, "cashier")
    line = line_for(store, cashier, code)
    checkout = Checkout((line,), (TenderInput(TenderKind.CASH, line.unit_price),))
    complete_sale(store, cashier, TILL, checkout)


def test_a_sale_commits_without_folding_the_log_and_idle_folds_it(
    till_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uow, "IDLE_CHECKPOINT_AFTER_WRITES", 2)
    with till_store.read() as session:
        assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    seen = _checkpoints(till_store)
    _sell(till_store, "P1")
    till_store.idle()
    assert seen == []  # one sale since the last fold: not yet worth the log's restart
    _sell(till_store, "P2")
    assert seen == []  # SQLite's own auto-checkpoint is off, and the sale asks for none
    till_store.idle()
    assert seen == ["PRAGMA wal_checkpoint(PASSIVE)"]
    till_store.idle()  # nothing written since
    assert seen == ["PRAGMA wal_checkpoint(PASSIVE)"]
    with till_store.read() as session:  # folded: nothing left in the log to copy
        busy, logged, copied = session.execute(text("PRAGMA wal_checkpoint(PASSIVE)")).one()
    assert busy == 0 and logged == copied


def test_a_till_never_idle_folds_the_log_after_many_writes(
    till_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uow, "CHECKPOINT_AFTER_WRITES", 2)
    seen = _checkpoints(till_store)
    _sell(till_store, "P1")
    assert seen == []
    _sell(till_store, "P2")  # after its commit, not inside it
    assert seen == ["PRAGMA wal_checkpoint(PASSIVE)"]


def test_a_store_without_idle_checkpoints_leaves_sqlite_to_it(shop: Store) -> None:
    seen = _checkpoints(shop)
    shop.idle()
    assert seen == []
    if shop.is_sqlite:
        with shop.read() as session:
            assert session.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000
