"""URL -> engine. SQLite gets WAL, NORMAL sync, a busy timeout, foreign keys, and takes
its write lock up front (BEGIN IMMEDIATE) for write transactions only."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from app.errors import InvalidInput, StoreBusy, StoreUnavailable

WRITE_OPTION = "serialpos_write"
BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, idle_checkpoints: bool = False) -> Engine:
    """Creates the engine for any SQLAlchemy URL; SQLite files get their folder made.

    `idle_checkpoints`: SQLite does not fold its write-ahead log into the store file inside
    a commit (auto-checkpoint off); the owner calls `Store.idle()` when the till waits."""
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput(f"{url!r} is not a database URL") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database, idle_checkpoints)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        # No pre-ping: it is a round trip before every transaction; a dead connection
        # fails the first statement instead, before anything is written (Store.write).
        return create_engine(url, **_server_options(parsed))
    except (ImportError, NoSuchModuleError, ArgumentError):
        # mysql://, oracle://...: SQLAlchemy knows them but their driver is not installed.
        raise InvalidInput(
            f"cannot open the store: no driver for {parsed.drivername!r} here"
            " (SerialPOS uses sqlite:/// or postgresql://)"
        ) from None


# Till work must not wait behind a stuck transaction: a lock not granted within LOCK_TIMEOUT,
# or a statement running past STATEMENT_TIMEOUT, fails — the user is told the store is busy
# (store_trouble, below, says so in one line) and tries again.
PG_LOCK_TIMEOUT_MS = 5_000
PG_STATEMENT_TIMEOUT_MS = 30_000


def _server_options(parsed: URL) -> dict[str, Any]:
    if parsed.get_backend_name() != "postgresql":
        return {}
    options = f"-c lock_timeout={PG_LOCK_TIMEOUT_MS} -c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"
    return {"connect_args": {"options": options}}


def _owner_only(path: Path) -> None:
    """Creates the store file 0600, and takes group and others off an existing one."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    try:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)
    except OSError:  # read-only media, or not ours: it opens as it is
        pass


def _read_only(database: str | None) -> bool:
    """An existing store file we may not write (read-only media, or its mode): it opens
    read-only instead of failing, so the reading commands still work."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return False
    path = Path(database).expanduser()
    if not path.is_file():
        return False
    # The mode's owner write bit too: root may write anything, but a 0400 store is meant
    # to be left alone.
    writable = os.access(path, os.W_OK) and bool(path.stat().st_mode & stat.S_IWUSR)
    return not (writable and os.access(path.parent, os.W_OK))


def is_read_only(engine: Engine) -> bool:
    """Opened read-only (see _read_only): writes would fail, so none is tried."""
    return engine.url.query.get("mode") == "ro" or "mode=ro" in (engine.url.database or "")


def _sqlite_engine(url: str, database: str | None, idle_checkpoints: bool = False) -> Engine:
    read_only = _read_only(database)
    if read_only and database:
        # immutable: nobody can write it, so SQLite needs no -shm/-wal beside it (which it
        # could not create on read-only media).
        path = Path(database).expanduser().resolve()
        url = f"sqlite:///file:{path}?mode=ro&immutable=1&uri=true"
    elif database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            # Owner-only: the store holds the PIN hashes, costs and customers. SQLite gives
            # its -wal and -shm files the store file's mode, so making the file 0600 first
            # covers them too.
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _owner_only(Path(database).expanduser())
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot open the store: folder {folder}: {exc.strerror}"
            ) from None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how a transaction starts (see below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in (
            *(() if read_only else ("journal_mode=WAL",)),
            "synchronous=NORMAL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
            *(("wal_autocheckpoint=0",) if idle_checkpoints and not read_only else ()),
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write takes the lock before it reads, so two tills cannot both read "in stock"
        # and then deadlock upgrading; plain reads never block the other till.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def store_trouble(error: BaseException) -> str | None:
    """One line for a store error that is nobody's bug — the store busy past the timeouts,
    the disk full, the file read-only — or None for anything else (a real bug: traceback)."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0].lower()
    code = getattr(getattr(error, "orig", None), "sqlstate", None)
    if (
        "database is locked" in reason
        or "database table is locked" in reason
        or code in ("55P03", "57014", "40P01")  # lock timeout, statement timeout, deadlock
    ):
        return StoreBusy.MESSAGE
    if "disk is full" in reason or "no space left" in reason:
        return "the store's disk is full; nothing was saved — free some space and try again"
    if "readonly database" in reason or "read-only" in reason:
        return "the store is read-only here; only reading commands work"
    if "disk i/o error" in reason or "unable to open database" in reason:
        return f"the store cannot be read or written: {reason}"
    return None
