"""UI fixtures: the demo store (demo manager PIN 1234), copied per test from a template."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_shop import EXTRA_PHONES
from PySide6.QtCore import QThreadPool

from app.config import ShopSettings
from app.db.uow import Store, open_store
from app.demo import DEMO_MANAGER, ensure_demo_store
from app.stock.receiving import Receiving, generate_serials
from app.ui.formatting import ShopFormat
from app.users.roles import Actor
from app.users.services import actor_by_name
from tests.ui.hand_clock import clock, wedge  # noqa: F401 (hand-clock fixtures for the UI tests)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once per worker (PIN hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("ui-template") / "demo.sqlite3"
    store = open_store(f"sqlite:///{path}")
    ensure_demo_store(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "s.sqlite3"
    shutil.copyfile(demo_template, path)
    store = open_store(f"sqlite:///{path}")
    yield store
    store.dispose()


@pytest.fixture
def demo_manager(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, DEMO_MANAGER[0])


@pytest.fixture
def busy_store(demo_store: Store, demo_manager: Actor) -> Store:
    """The demo store plus a delivery of 300 phones: enough rows to need several pages."""
    delivery = Receiving(sku="PH-X200", location="Front store", supplier_warranty_days=365)
    generate_serials(demo_store, demo_manager, delivery, EXTRA_PHONES)
    return demo_store


@pytest.fixture(autouse=True)
def _operations_end_with_the_test() -> Iterator[None]:
    """No worker of one test still reads a store the next test has already thrown away."""
    yield
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def fmt() -> ShopFormat:
    return ShopFormat(ShopSettings())
