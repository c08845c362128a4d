"""Backups of the store, and restoring one: consistent while tills keep selling.

SQLite is copied with its online backup API (pages copied under a read lock, so a sale
committed during the copy is either wholly in the backup or not at all); PostgreSQL with
`pg_dump` when it is installed. A restore checks the backup before it touches anything,
keeps the old store aside, and the app migrates an older backup on its next open.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from app.db.uow import Store
from app.errors import InvalidInput, NotFound, StoreUnavailable

OWNER_ONLY = 0o600
SQLITE_SUFFIXES = ("-wal", "-shm")


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int


@dataclass(frozen=True)
class RestoreDone:
    restored_from: Path
    old_store_kept_at: Path | None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for a server store (or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def backup_store(store: Store, target: Path) -> BackupMade:
    """Writes a consistent copy of the open store to `target` (owner-only), atomically:
    a backup that fails half-way leaves no file that looks like a backup."""
    if not target.parent.is_dir():
        raise NotFound(f"folder {str(target.parent)!r} does not exist")
    part = target.with_name(target.name + ".part")
    try:
        if store.is_sqlite:
            _sqlite_backup(store, part)
        else:
            _pg_dump(store, part)
        os.chmod(part, OWNER_ONLY)
        os.replace(part, target)
    except OSError as exc:
        raise InvalidInput(f"cannot write {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:  # "database or disk is full" from the copy's pages
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InvalidInput(f"cannot write {target}: {reason}") from None
    finally:
        part.unlink(missing_ok=True)
    return BackupMade(target, target.stat().st_size)


def _sqlite_backup(store: Store, part: Path) -> None:
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        # Created owner-only before any page is written: a backup holds every PIN hash.
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        os.close(fd)
        copy = sqlite3.connect(part)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()


def _pg_dump(store: Store, part: Path) -> None:
    tool = shutil.which("pg_dump")
    if tool is None:
        raise StoreUnavailable(
            "backing up a PostgreSQL store needs pg_dump (Debian: postgresql-client)"
        )
    url = store.engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # never on the command line
    dsn = url.set(password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [tool, "--format=custom", f"--file={part}", dsn],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["pg_dump failed"])[-1]
        raise StoreUnavailable(f"backup failed: {reason}")


def check_backup(path: Path) -> None:
    """Refuses a file that is not a whole SerialPOS store (checked before any restore)."""
    if not path.is_file():
        raise NotFound(f"backup {str(path)!r} not found")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            ok = db.execute("PRAGMA quick_check").fetchone()
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        raise InvalidInput(f"{path} is not a SerialPOS backup (not an SQLite file)") from None
    if not ok or ok[0] != "ok":
        raise InvalidInput(f"{path} is damaged ({ok[0] if ok else 'unreadable'})")
    if not {"alembic_version", "users", "serial_units", "movements"} <= tables:
        raise InvalidInput(f"{path} is not a SerialPOS backup (its tables are missing)")


def restore_sqlite(backup: Path, store_file: Path, *, now: datetime) -> RestoreDone:
    """Puts `backup` in place of the (closed) store file; the old one is renamed aside."""
    check_backup(backup)
    kept: Path | None = None
    if store_file.exists():
        kept = store_file.with_name(f"{store_file.name}.before-restore-{now:%Y%m%d-%H%M%S}")
        _fold_wal(store_file)
        os.replace(store_file, kept)
    for suffix in SQLITE_SUFFIXES:
        Path(f"{store_file}{suffix}").unlink(missing_ok=True)
    part = store_file.with_name(store_file.name + ".part")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        os.close(fd)
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as source:
            copy = sqlite3.connect(part)
            try:
                source.backup(copy)
            finally:
                copy.close()
        os.replace(part, store_file)
    except (OSError, sqlite3.Error) as exc:
        part.unlink(missing_ok=True)
        if kept is not None and not store_file.exists():
            os.replace(kept, store_file)  # put the old store back: nothing changed
        raise InvalidInput(f"cannot restore into {store_file}: {exc}") from None
    return RestoreDone(backup, kept)


def _fold_wal(store_file: Path) -> None:
    """Checkpoints the WAL into the file, so the store kept aside is whole on its own."""
    with sqlite3.connect(store_file) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


SCHEDULED_PREFIX = "serialpos-"
SCHEDULED_SUFFIX = ".sqlite3"
PG_DUMP_SUFFIX = ".pgdump"  # a PostgreSQL store's backup is pg_dump's custom format


def scheduled_backups(folder: Path) -> list[Path]:
    """The scheduled backups in `folder`, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir()
         if p.name.startswith(SCHEDULED_PREFIX)
         and p.name.endswith((SCHEDULED_SUFFIX, PG_DUMP_SUFFIX))),
        key=lambda p: p.name.split(".")[0],
    )  # fmt: skip


def backup_due(folder: Path, now: datetime, every_hours: int = 24) -> bool:
    """Whether the newest scheduled backup is older than `every_hours` (or there is none)."""
    made = scheduled_backups(folder)
    if not made:
        return True
    stamp = made[-1].name[len(SCHEDULED_PREFIX) :].split(".")[0]
    try:
        newest = datetime.strptime(stamp, "%Y%m%d-%H%M%S")
    except ValueError:
        return True
    return (now - newest).total_seconds() >= every_hours * 3600


def scheduled_backup(store: Store, folder: Path, *, keep: int, now: datetime) -> BackupMade:
    """Today's backup into `folder`, keeping the newest `keep` and removing older ones.
    A backup that fails removes nothing: the older backups are all still there."""
    if keep < 1:
        raise InvalidInput("keep at least one backup")
    if not folder.is_dir():
        # Not made here: a folder that is gone is most often a drive not plugged in, and a
        # folder made in its place would fill the till's own disk unseen.
        raise NotFound(f"backup folder {str(folder)!r} is not there (is its drive plugged in?)")
    suffix = SCHEDULED_SUFFIX if store.is_sqlite else PG_DUMP_SUFFIX
    made = backup_store(store, folder / f"{SCHEDULED_PREFIX}{now:%Y%m%d-%H%M%S}{suffix}")
    for old in scheduled_backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return made
