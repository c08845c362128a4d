"""'contains' search index on unit serials and asset tags

SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+) over serial_units'
serial_key and asset_tag (external content: the index holds only the trigrams), kept by
triggers in the same transaction as every insert, serial/asset-tag update and delete.
PostgreSQL: pg_trgm GIN indexes on serial_key and lower(asset_tag), which serve
LIKE '%...%'. Existing stores get the index built from the rows already there.

Follows 0008.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 21:40:00
"""

from __future__ import annotations

import logging

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# The query side is app.stock.queries._contains (it names this table).
SEARCH_TABLE = "serial_units_search"
_SQLITE = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5("
    "serial_key, asset_tag, content='serial_units', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER serial_units_search_insert AFTER INSERT ON serial_units BEGIN
        INSERT INTO {SEARCH_TABLE} (rowid, serial_key, asset_tag)
        VALUES (new.id, new.serial_key, new.asset_tag);
    END""",
    f"""CREATE TRIGGER serial_units_search_delete AFTER DELETE ON serial_units BEGIN
        INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, serial_key, asset_tag)
        VALUES ('delete', old.id, old.serial_key, old.asset_tag);
    END""",
    f"""CREATE TRIGGER serial_units_search_update
    AFTER UPDATE OF serial, serial_key, asset_tag ON serial_units BEGIN
        INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, serial_key, asset_tag)
        VALUES ('delete', old.id, old.serial_key, old.asset_tag);
        INSERT INTO {SEARCH_TABLE} (rowid, serial_key, asset_tag)
        VALUES (new.id, new.serial_key, new.asset_tag);
    END""",
    # The units already in the store.
    f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('rebuild')",
]
_PG_INDEXES = [
    "CREATE INDEX ix_serial_units_serial_key_trgm ON serial_units "
    "USING gin (serial_key gin_trgm_ops)",
    "CREATE INDEX ix_serial_units_asset_tag_trgm ON serial_units "
    "USING gin (lower(asset_tag) gin_trgm_ops)",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for sql in _SQLITE:
            op.execute(sql)
    elif bind.dialect.name == "postgresql":
        # The extension needs a role that may create it; without it 'contains' still works
        # (LIKE walks the table), so a store is never left unopenable for want of it.
        try:
            with bind.begin_nested():
                op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # noqa: BLE001 - any refusal: go on without the index
            log.warning("pg_trgm unavailable (%s): 'contains' search runs unindexed", exc)
            return
        for sql in _PG_INDEXES:
            op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS serial_units_search_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_serial_units_asset_tag_trgm")
        op.execute("DROP INDEX IF EXISTS ix_serial_units_serial_key_trgm")
