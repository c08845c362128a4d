"""Alembic, driven from code: the app and the CLI bring any store up to the latest schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

# Alembic reads env.py and versions/*.py from disk. Frozen (PyInstaller), __file__ is
# sys._MEIPASS/app/db/migrate.pyc and packaging/serialpos.spec puts the folder beside it.
MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Migrates the store; a store already at head costs one small query."""
    if current_revision(engine) == head_revision():
        return
    run_migration(engine, lambda cfg: command.upgrade(cfg, "head"))


def run_migration(engine: Engine, step: Callable[[Config], None]) -> None:
    """Runs an Alembic command in one transaction. On SQLite, altering a column rebuilds
    its table, and dropping the old copy would trip the foreign keys of rows that point at
    it (refund lines at sale lines): the keys are checked once, at the end, instead, as
    SQLite's own procedure for altering tables says."""
    cfg = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: SQLAlchemy would open a transaction first
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                step(cfg)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"migration left a broken reference in {broken[0]}")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
