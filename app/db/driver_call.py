"""One statement sent straight to the driver inside a SQLAlchemy transaction, for the paths
that prebuild their SQL (prepared writes, bulk inserts): the engine's cursor events still
fire (tests slow or count them), a driver error is raised as SQLAlchemy raises it, and a
dead connection is given up as SQLAlchemy gives it up, so the store's rules for a busy,
full or lost store hold on these paths too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


def send(
    connection: Connection, sql: str, params: Any, *, many: bool, returning: bool = False
) -> tuple[int, list[tuple[Any, ...]]]:
    """Runs `sql` once with `params`, or with each row of it (`many`); returns the rows
    changed and, with `returning`, the rows the statement answered."""
    dialect = connection.dialect
    cursor = connection.connection.cursor()
    try:
        for hook in connection.dispatch.before_cursor_execute:
            hook(connection, cursor, sql, params, None, many)
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        returned = [tuple(r) for r in cursor.fetchall()] if returning else []
        changed = cursor.rowcount
        for hook in connection.dispatch.after_cursor_execute:
            hook(connection, cursor, sql, params, None, many)
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql, params[:1] if many else params, exc, dialect.loaded_dbapi.Error,
            connection_invalidated=lost, dialect=dialect,
        ) from exc  # fmt: skip
    finally:
        cursor.close()
    return changed, returned
