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
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from app.db.engine import WRITE_OPTION, is_read_only, make_engine, store_trouble
from app.db.head import HEAD, stored_revision
from app.db.prepared import QuickReader, QuickReads
from app.errors import Conflict, StoreBusy, StoreUnavailable
from app.events import Event, Listener

if TYPE_CHECKING:  # the ORM is imported with the first transaction, not with the window
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
T = TypeVar("T")
_EVENTS = "serialpos.events"
# A call that lost the write lock is made again this many times, after these pauses.
BUSY_RETRY_PAUSES_S = (0.05, 0.25)
# With idle checkpoints, the log is folded at an idle moment once this till has committed
# this many writes since it last was: the first commit after a fold restarts the log,
# which costs that commit one sync of the log's header, so folding after every sale
# would put a sync into every sale.
IDLE_CHECKPOINT_AFTER_WRITES = 25
# A store written this often without an idle moment folds its log after a commit anyway,
# so the log never grows without bound.
CHECKPOINT_AFTER_WRITES = 500


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


def _connection_lost(committing: bool) -> StoreUnavailable:
    if committing:
        return StoreUnavailable(
            "the connection to the store was lost while saving: look before trying again"
        )
    return StoreBusy("the connection to the store was lost; nothing was saved: try again")


def record(session: Session, *events: Event) -> None:
    """Note what this transaction changed; delivered to the store's listeners after commit."""
    session.info.setdefault(_EVENTS, []).extend(events)


class Store:
    """The shop's database: a read side and a write side over one engine."""

    def __init__(self, engine: Engine, *, idle_checkpoints: bool = False) -> None:
        self.engine = engine
        self.idle_checkpoints = (
            idle_checkpoints and engine.dialect.name == "sqlite" and not is_read_only(engine)
        )
        self._writes = 0  # commits since the last checkpoint (idle_checkpoints only; approximate)
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._captured = threading.local()
        self._commits = threading.local()  # writes committed on each thread (for retries)
        self._quick = QuickReads(engine)

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

        The connection is not pinged before use (a round trip per transaction on a server):
        a connection found dead (a restarted server) fails the call's first statement,
        before anything was written, and that is StoreBusy, made again by `retrying` on a
        fresh connection; lost while committing, whether it saved is not known: said so.
        """
        from sqlalchemy.orm import Session

        committing = False
        try:
            with Session(self._write_engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
                    committing = True
                events: list[Event] = session.info.pop(_EVENTS, [])
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise _connection_lost(committing) from None
            if isinstance(exc, IntegrityError):
                raise Conflict(
                    "another till changed the same records just now; try again"
                ) from None
            if not isinstance(exc, OperationalError):
                raise
            if _is_busy(exc):  # another till kept the lock past the busy timeout
                raise StoreBusy() from None
            if _sqlstate(exc) in PG_TIMED_OUT:
                raise StoreBusy(retry=False) from None
            reason = str(exc.orig or exc).strip().splitlines()[0]
            trouble = store_trouble(exc)  # a full disk, a read-only file: said plainly
            raise StoreUnavailable(trouble or f"the store could not save this: {reason}") from None
        self._commits.count = self.committed_here + 1
        if self.idle_checkpoints:
            self._writes += 1
            if self._writes >= CHECKPOINT_AFTER_WRITES:  # never idle: fold the log now
                self._checkpoint()
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
        """A read-only transaction (never takes the write lock). A dead connection (see
        `write`) is StoreBusy: a read is always safe to make again."""
        from sqlalchemy.orm import Session

        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise _connection_lost(committing=False) from None
            raise

    @contextmanager
    def quick_read(self) -> Iterator[QuickReader]:
        """The till's hottest reads (a scan): prepared statements (app.db.prepared) on a
        driver connection kept open, in autocommit — no Session, pool check-out or ORM
        objects per call, and each statement sees the latest commit."""
        with self._quick.reader() as reader:
            yield reader

    def idle(self) -> None:
        """The till is waiting: fold SQLite's write-ahead log into the store file now,
        outside any sale's commit (with `idle_checkpoints`; otherwise SQLite does it itself,
        inside the commit that fills the log), when this till has written enough since the
        last fold (IDLE_CHECKPOINT_AFTER_WRITES). PASSIVE: never waits for another till."""
        if self.idle_checkpoints and self._writes >= IDLE_CHECKPOINT_AFTER_WRITES:
            self._checkpoint()

    def _checkpoint(self) -> None:
        self._writes = 0
        with self.quick_read() as db:
            db.pragma("wal_checkpoint(PASSIVE)")

    def dispose(self) -> None:
        self._quick.close()
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True, idle_checkpoints: bool = False) -> Store:
    """Opens (and by default migrates) the store at `url`; `idle_checkpoints` for a till
    that calls `Store.idle()` when it waits (see app.db.engine.make_engine)."""
    engine = make_engine(url, idle_checkpoints=idle_checkpoints)
    store = Store(engine, idle_checkpoints=idle_checkpoints)
    where = store.engine.url.render_as_string(hide_password=True)
    try:
        if not migrate:
            with store.engine.connect():  # an unreachable store fails here, not later
                pass
        elif (stored := stored_revision(store.engine)) != HEAD:
            # Revisions are 4-digit numbers: a store ahead of HEAD was made by a newer app,
            # and Alembic would only say it cannot find that revision.
            if stored is not None and stored > HEAD:
                raise StoreUnavailable(
                    f"cannot open the store {where}: it is at schema {stored}, newer than"
                    f" this SerialPOS ({HEAD}); update SerialPOS"
                )
            from app.db.migrate import upgrade_to_head  # Alembic only when there is work

            upgrade_to_head(store.engine)
    except OperationalError as exc:
        store.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreUnavailable(f"cannot open the store {where}: {reason}") from None
    except StoreUnavailable:
        store.dispose()
        raise
    return store


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
