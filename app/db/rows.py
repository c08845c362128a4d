"""New rows written with one INSERT per table, past the ORM's unit of work.

The unit of work writes new objects one INSERT each where the database cannot promise the
order of RETURNING (SQLite), and costs more in Python than the INSERT itself. A service
that makes many new rows nobody changes again in its transaction (a sale's lines and
tenders) builds them as mapped objects as usual, and writes them here: one statement per
table (SQLAlchemy's insertmanyvalues), the ids matched back by a column unique among them.
The objects stay outside the session; columns they leave unset get their defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, ColumnDefault, Connection, Table, insert
from sqlalchemy.orm import Session

from app.db.base import Base
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


def insert_new(session: Session, rows: Sequence[Base], *, ids_by: str | None = None) -> None:
    """Writes `rows` (new objects of one mapped class); with `ids_by`, a column whose
    value is unique among them, each row gets its id back."""
    if not rows:
        return
    table: Table = rows[0].__table__  # type: ignore[assignment]
    columns = [c for c in table.columns if not c.primary_key]
    groups: dict[tuple[str, ...], list[tuple[Base, dict[str, Any]]]] = {}
    for row in rows:
        _fill_defaults(row, columns)
        state = row.__dict__
        values = {c.key: state[c.key] for c in columns if c.key in state}
        groups.setdefault(tuple(values), []).append((row, values))
    for group in groups.values():  # rows setting the same columns: one statement
        params = [values for _, values in group]
        if ids_by is None:
            write(session, _insert(table, None), params)
            continue
        if len(params) == 1:  # one row (a sale): its id comes back from a plain execute
            ids = dict((key, id_) for id_, key in write(session, _insert(table, ids_by), params[0]))
        else:  # SQLAlchemy's insertmanyvalues: one INSERT of them all, every id back
            statement = insert(table).returning(table.c.id, table.c[ids_by])
            ids = dict((key, id_) for id_, key in core(session).execute(statement, params))
        for row, values in group:
            row.id = ids[values[ids_by]]  # type: ignore[attr-defined]


def _fill_defaults(row: Base, columns: Sequence[Column[Any]]) -> None:
    """Gives the row its columns' Python-side defaults, as a flush would (the row then
    reads as it was written)."""
    for column in columns:
        default = column.default
        if column.key in row.__dict__ or not isinstance(default, ColumnDefault):
            continue
        value = default.arg(None) if default.is_callable else default.arg  # type: ignore[operator]
        setattr(row, column.key, value)
