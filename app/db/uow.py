"""One unit of work = one transaction. Services open one with `store.write()`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.db.engine import WRITE_OPTION, make_engine
from app.errors import Conflict, StoreUnavailable


class Store:
    """The shop's database: a read side and a write side over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        A unique or foreign-key clash with another till's write that committed first (on
        PostgreSQL two writers do not wait for each other the way SQLite's lock makes them)
        is a Conflict the user can retry, not a crash.
        """
        try:
            with Session(self._write_engine, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError:
            raise Conflict("another till changed the same records just now; try again") from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (never takes the write lock)."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Opens (and by default migrates) the store at `url`."""
    store = Store(make_engine(url))
    try:
        if migrate:
            from app.db.migrate import upgrade_to_head

            upgrade_to_head(store.engine)
        else:
            with store.engine.connect():
                pass
    except OperationalError as exc:
        store.dispose()
        where = store.engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreUnavailable(f"cannot open the store {where}: {reason}") from None
    return store


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
