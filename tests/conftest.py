"""Shared fixtures: a fresh, migrated SQLite store per test, copied from a template."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt aborts without a display; every test runs offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The PIN pepper (app.users.pins) of a test run lives in its own folder, never the user's, and
# is the same for every test of a worker (and its child processes): the template store's
# PINs are hashed with it. The process that makes the folder (the run's first) removes it.
if "SERIALPOS_PIN_KEY_FILE" not in os.environ:
    import atexit
    import tempfile

    _pepper_folder = tempfile.mkdtemp(prefix="serialpos-test-pepper-")
    atexit.register(shutil.rmtree, _pepper_folder, ignore_errors=True)
    os.environ["SERIALPOS_PIN_KEY_FILE"] = str(Path(_pepper_folder) / "pin.key")

from app.db.uow import Store, open_store, sqlite_url
from app.users import pins
from app.users import services as users
from app.users.roles import Actor, Role

# PIN hashing is slow on purpose; the tests hash and check thousands of PINs, so in this
# process they use a small cost (child processes the tests start use the real one).
REAL_PIN_COST = pins.COST_N
pins.COST_N = 2**4

PINS = {"manager": "9999", "backoffice": "3333", "cashier": "1111", "service": "2222"}


# SERIALPOS_TEST_PG=postgresql://user:pw@127.0.0.1/postgres runs the store tests on PostgreSQL.
PG_ADMIN_URL = os.environ.get("SERIALPOS_TEST_PG", "")


def _seed_users(store: Store) -> None:
    manager = users.create_first_manager(store, name="manager", pin=PINS["manager"])
    users.add_user(store, manager, name="backoffice", role=Role.BACK_OFFICE, pin=PINS["backoffice"])
    users.add_user(store, manager, name="cashier", role=Role.CASHIER, pin=PINS["cashier"])
    users.add_user(store, manager, name="service", role=Role.SERVICE, pin=PINS["service"])


@pytest.fixture(autouse=True)
def _secret_key_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Fernet key (app.vault) of each test lives in its own folder, never the user's."""
    monkeypatch.setenv("SERIALPOS_KEY_FILE", str(tmp_path / "secret.key"))
    monkeypatch.setenv("SERIALPOS_SESSION_FILE", str(tmp_path / "session.json"))
    for name in ("SERIALPOS_PIN", "SERIALPOS_USER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def real_pin_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production PIN hash cost, for the tests that measure it."""
    monkeypatch.setattr(pins, "COST_N", REAL_PIN_COST)


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per worker, with one user per role (PIN hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    store = open_store(sqlite_url(path))
    _seed_users(store)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.dispose()
    return path


@pytest.fixture
def store_path(template_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "shop.sqlite3"
    shutil.copyfile(template_store, path)
    return path


def _pg_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _pg_admin(sql: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(_pg_url("postgres").replace("postgresql:", "postgresql+psycopg:", 1),
                           isolation_level="AUTOCOMMIT")  # fmt: skip
    with engine.connect() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> str:
    name = f"serialpos_tmpl_{worker_id}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
    _pg_admin(f'CREATE DATABASE "{name}"')
    store = open_store(_pg_url(name))
    _seed_users(store)
    store.dispose()
    return name


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store with the four users: a copied SQLite file, or a PostgreSQL database
    cloned from a template when SERIALPOS_TEST_PG is set."""
    if not PG_ADMIN_URL:
        yield sqlite_url(request.getfixturevalue("store_path"))
        return
    template = request.getfixturevalue("pg_template")
    name = f"serialpos_t_{os.getpid()}_{tmp_path.name[-30:]}".lower().replace("-", "_")
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _pg_url(name)
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def manager(store: Store) -> Actor:
    return users.actor_by_name(store, "manager")


@pytest.fixture
def backoffice(store: Store) -> Actor:
    return users.actor_by_name(store, "backoffice")


@pytest.fixture
def cashier(store: Store) -> Actor:
    return users.actor_by_name(store, "cashier")


def dump_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, for asserting that a refused call changed nothing — except
    the wrong-PIN brake's attempts, which a refused PIN adds on purpose (tests/unit/
    test_pin_brake.py checks those)."""
    from sqlalchemy import inspect, text

    skip = {"alembic_version", "pin_failures"}
    tables = sorted(t for t in inspect(store.engine).get_table_names() if t not in skip)
    with store.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))]
            for t in tables
        }


@pytest.fixture
def unchanged(store: Store) -> Iterator[None]:
    """Use as `with unchanged:`-style fixture: asserts the store is the same afterwards."""
    before = dump_tables(store)
    yield
    assert dump_tables(store) == before, "a refused call changed the store"
