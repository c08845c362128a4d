"""New rows written with one INSERT per table, past the ORM's unit of work.

The unit of work writes new objects one INSERT each where the database cannot promise the
order of RETURNING (SQLite), and costs more in Python than the INSERT itself. A service
that makes new rows nobody changes again in its transaction (a sale, its lines and
tenders) builds them as plain dataclasses and writes them here: one statement per table
(a prepared one, or SQLAlchemy's insertmanyvalues for several rows whose ids come back),
the ids matched back by a column unique among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Connection, Table, insert
from sqlalchemy.orm import Session

from app.db.prepared import Params, PreparedWrite, Written


def core(session: Session) -> Connection:
    """The session's connection, for a Core statement on the hot paths: the session's
    pending changes are flushed first (as `session.execute` would), but the statement
    skips the ORM's per-statement work, which costs more than SQLite's."""
    session.flush()
    return session.connection()


def write(session: Session, statement: PreparedWrite, params: Params | Sequence[Params]) -> Written:
    """Runs a prepared INSERT or UPDATE in the session's transaction (app.db.prepared)."""
    return statement.run(core(session), params)


# One prepared INSERT per table, and per table and column whose value matches an id back.
_INSERTS: dict[tuple[str, str | None], PreparedWrite] = {}


def _insert(table: Table, ids_by: str | None) -> PreparedWrite:
    found = _INSERTS.get((table.name, ids_by))
    if found is None:
        statement = insert(table)
        if ids_by is not None:
            statement = statement.returning(table.c.id, table.c[ids_by])
        found = _INSERTS[table.name, ids_by] = PreparedWrite(statement)
    return found


def insert_new(
    session: Session, table: Table, rows: Sequence[Any], *, ids_by: str | None = None
) -> None:
    """Writes `rows` (dataclasses whose fields are `table`'s columns, `id` last and left
    to the database); with `ids_by`, a column whose value is unique among them, each row
    gets its id back."""
    if not rows:
        return
    names = [f.name for f in fields(rows[0]) if f.name != "id"]
    params = [{name: getattr(row, name) for name in names} for row in rows]
    if ids_by is None:
        write(session, _insert(table, None), params)
        return
    if len(params) == 1:  # one row (a sale): its id comes back from a plain execute
        ids = dict((key, id_) for id_, key in write(session, _insert(table, ids_by), params[0]))
    else:  # SQLAlchemy's insertmanyvalues: one INSERT of them all, every id back
        statement = insert(table).returning(table.c.id, table.c[ids_by])
        ids = dict((key, id_) for id_, key in core(session).execute(statement, params))
    for row, values in zip(rows, params, strict=True):
        row.id = ids[values[ids_by]]
