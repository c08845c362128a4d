"""One unit of work = one transaction. Services open one with `store.write()`."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from app.db.engine import WRITE_OPTION, make_engine, store_trouble
from app.db.head import HEAD, stored_revision
from app.errors import Conflict, StoreBusy, StoreUnavailable
from app.events import Event, Listener

if TYPE_CHECKING:  # the ORM is imported with the first transaction, not with the window
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
_EVENTS = "serialpos.events"
# A call that lost the write lock is made again this many times, after these pauses.
BUSY_RETRY_PAUSES_S = (0.05, 0.25)


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig or exc).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or _sqlstate(exc) == PG_DEADLOCK  # one of the two is rolled back: made again
    )


def _sqlstate(exc: OperationalError) -> str | None:
    code = getattr(exc.orig, "sqlstate", None)
    return code if isinstance(code, str) else None


PG_DEADLOCK = "40P01"
# PostgreSQL's lock_timeout and statement_timeout (app.db.engine sets both for till work):
# the call waited its whole timeout behind another transaction and was rolled back.
PG_TIMED_OUT = ("55P03", "57014")


def record(session: Session, *events: Event) -> None:
    """Note what this transaction changed; delivered to the store's listeners after commit."""
    session.info.setdefault(_EVENTS, []).extend(events)


class Store:
    """The shop's database: a read side and a write side over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._captured = threading.local()
        self._commits = threading.local()  # writes committed on each thread (for retries)

    @contextmanager
    def capture(self) -> Iterator[list[Event]]:
        """Collects the events committed on this thread inside the block: what one call
        changed (the window's operations tell the views from this)."""
        stack: list[list[Event]] = self._captured.__dict__.setdefault("stack", [])
        events: list[Event] = []
        stack.append(events)
        try:
            yield events
        finally:
            stack.remove(events)

    def listen(self, listener: Listener) -> None:
        """Call `listener(events)` after every committed write that recorded events (on the
        thread that wrote). A listener's failure is logged; it never undoes the write."""
        with self._lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _deliver(self, events: Sequence[Event]) -> None:
        for captured in self._captured.__dict__.get("stack", []):
            captured.extend(events)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(events)
            except Exception:  # an effect's bug must not turn a committed sale into an error
                log.exception("after-commit listener %r failed", listener)

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
        from sqlalchemy.orm import Session

        try:
            with Session(self._write_engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
                events: list[Event] = session.info.pop(_EVENTS, [])
        except IntegrityError:
            raise Conflict("another till changed the same records just now; try again") from None
        except OperationalError as exc:
            if _is_busy(exc):  # another till kept the lock past the busy timeout
                raise StoreBusy() from None
            if _sqlstate(exc) in PG_TIMED_OUT:
                raise StoreBusy(retry=False) from None
            reason = str(exc.orig or exc).strip().splitlines()[0]
            trouble = store_trouble(exc)  # a full disk, a read-only file: said plainly
            raise StoreUnavailable(trouble or f"the store could not save this: {reason}") from None
        self._commits.count = self.committed_here + 1
        if events:
            self._deliver(events)

    @property
    def committed_here(self) -> int:
        """How many write transactions this thread has committed."""
        count: int = getattr(self._commits, "count", 0)
        return count

    def retrying(self, call: Callable[[], T]) -> T:
        """Makes `call` (one or more service calls) and makes it again, after a short pause,
        when the store was busy — but only while it has committed nothing: a busy write
        rolled back, so the call starts over from a store it has not touched. A call that
        committed a write and then found the store busy is not repeated (StoreBusy)."""
        for pause in (*BUSY_RETRY_PAUSES_S, None):
            before = self.committed_here
            try:
                return call()
            except StoreBusy as busy:
                if pause is None or not busy.retry or self.committed_here != before:
                    raise
                log.info("store busy; trying again in %.2f s", pause)
                time.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (never takes the write lock)."""
        from sqlalchemy.orm import Session

        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Opens (and by default migrates) the store at `url`."""
    store = Store(make_engine(url))
    try:
        if not migrate:
            with store.engine.connect():  # an unreachable store fails here, not later
                pass
        elif stored_revision(store.engine) != HEAD:
            from app.db.migrate import upgrade_to_head  # Alembic only when there is work

            upgrade_to_head(store.engine)
    except OperationalError as exc:
        store.dispose()
        where = store.engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreUnavailable(f"cannot open the store {where}: {reason}") from None
    return store


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
