"""URL -> engine. SQLite gets WAL, NORMAL sync, a busy timeout, foreign keys, and takes
its write lock up front (BEGIN IMMEDIATE) for write transactions only."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from app.errors import InvalidInput, StoreUnavailable

WRITE_OPTION = "serialpos_write"
BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str) -> Engine:
    """Creates the engine for any SQLAlchemy URL; SQLite files get their folder made."""
    try:
        parsed = make_url(url)
    except Exception:
        raise InvalidInput(f"{url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


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


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:" and not database.startswith("file:"):
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
            "journal_mode=WAL",
            "synchronous=NORMAL",
            f"busy_timeout={BUSY_TIMEOUT_MS}",
            "foreign_keys=ON",
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
