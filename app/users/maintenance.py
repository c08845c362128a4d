"""Backups and restores are a manager's job: checked here, not only by the command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.db import backup
from app.db.uow import Store
from app.errors import InvalidInput
from app.users import audit
from app.users.roles import Actor, Permission, require


def back_up(store: Store, actor: Actor, target: Path) -> backup.BackupMade:
    """A consistent copy of the store while tills keep working (manager only)."""
    require(actor, Permission.MANAGE_STORE)
    made = backup.backup_store(store, target)
    with store.write() as session:
        audit.record(session, actor, "store.backup", str(target), f"{made.size} bytes")
    return made


def restore(store: Store, actor: Actor, source: Path, *, now: datetime) -> backup.RestoreDone:
    """Replaces the store with a backup (manager only); the old store is kept aside.
    `store` is closed here; open it again (it migrates an older backup)."""
    require(actor, Permission.MANAGE_STORE)
    url = store.engine.url.render_as_string(hide_password=False)
    target = backup.sqlite_path(url)
    if target is None:
        raise InvalidInput(
            "restoring a PostgreSQL store is done with pg_restore on the server;"
            " this command restores SQLite stores"
        )
    backup.check_backup(source)
    if source.resolve() == target.resolve():
        raise InvalidInput("that backup is the store itself")
    store.dispose()
    return backup.restore_sqlite(source, target, now=now)
