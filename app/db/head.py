"""The newest migration's revision, kept beside app/db/migrations: a store already at head
is opened without importing Alembic (and Mako) at all. Bump it with every new migration;
tests/integration/test_migration_head.py checks it against Alembic's own head."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

HEAD = "0010"


def stored_revision(engine: Engine) -> str | None:
    """The revision the store says it is at; None for a new store (no version table)."""
    with engine.connect() as conn:
        try:
            found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except (OperationalError, ProgrammingError):  # no alembic_version yet
            return None
        return None if found is None else str(found)
