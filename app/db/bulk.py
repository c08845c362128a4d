"""Many new rows of one table in one executemany: a delivery's units.

SQLAlchemy's own executemany builds a parameter dictionary for every row and runs every
column's bind processing on it (a date, an enum), which costs as much Python as SQLite
spends writing the row. A `BulkInsert` is still a Core `insert()` (one source of truth for
the SQL, the column types and the dialect); only the execution is thin: the statement is
compiled once per dialect and set of columns, the values every row shares (the item, the
place, the time) go through their column's bind processing once, and each row is a tuple
of the values that differ, which need none (text, numbers). It runs on the caller's
connection, inside its transaction, and the engine's cursor events still fire.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert
from sqlalchemy.engine import Dialect

from app.db.driver_call import send


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the columns, in the order the driver takes them
    positional: bool  # qmark (SQLite): tuples; else named (PostgreSQL): dictionaries


class BulkInsert:
    """An INSERT of `varying` columns per row beside values shared by every row."""

    def __init__(self, table: Table, varying: Sequence[str]) -> None:
        self.table = table
        self.varying = tuple(varying)
        self._compiled: dict[tuple[str, tuple[str, ...]], _Compiled] = {}

    def _compile(self, dialect: Dialect, shared: tuple[str, ...]) -> _Compiled:
        found = self._compiled.get((dialect.name, shared))
        if found is None:
            columns = (*self.varying, *shared)
            statement = insert(self.table).values({name: bindparam(name) for name in columns})
            compiled = statement.compile(dialect=dialect)
            for name in self.varying:
                kind = self.table.c[name].type.dialect_impl(dialect)
                if kind.bind_processor(dialect) is not None:
                    raise TypeError(f"{name} needs bind processing: share it, not vary it")
            names = tuple(compiled.positiontup or ()) if compiled.positional else columns
            found = _Compiled(str(compiled), names, compiled.positional)
            self._compiled[(dialect.name, shared)] = found
        return found

    def write(
        self, connection: Connection, shared: Mapping[str, Any], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Inserts one row per item of `rows` (values in `varying` order), each with
        `shared`, in one executemany on `connection`."""
        dialect = connection.dialect
        compiled = self._compile(dialect, tuple(shared))
        values = []
        for name, value in shared.items():
            process = self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            values.append(value if process is None else process(value))
        columns = (*self.varying, *shared)
        tail = tuple(values)
        params: list[Any]
        if not compiled.positional:
            params = [dict(zip(columns, (*row, *tail), strict=True)) for row in rows]
        elif compiled.names == columns:
            params = [(*row, *tail) for row in rows]
        else:  # each row's values and the shared ones, picked out in the driver's order
            order = itemgetter(*(columns.index(name) for name in compiled.names))
            params = [order((*row, *tail)) for row in rows]
        if params:
            send(connection, compiled.sql, params, many=True)
