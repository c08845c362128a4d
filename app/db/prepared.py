"""Core SELECTs compiled once and run on the driver's own cursor: the till's hottest reads.

A scan is one indexed look-up that SQLite answers in ~15 µs; a Session, a pool check-out
and SQLAlchemy's per-execution bookkeeping (execution context, result metadata, ORM
objects) cost ten times that. A `Prepared` statement is still written as a Core `select()`
(one source of truth for the SQL, the column types and the dialect); only the execution is
thin: the statement is compiled once per dialect, the column types' result processors are
looked up once, and each call is one `cursor.execute` with bound parameters. Parameters
must be plain values (str, int) that need no bind processing.

`QuickReads` lends out driver connections kept open for these reads, in autocommit: each
statement reads the latest commit, and no snapshot or transaction is held between scans.
The engine's cursor events still fire (with no Connection or context), so whatever
watches or slows the store's statements sees these too. Everything else goes through
SQLAlchemy as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection

Row = tuple[Any, ...]
_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # positional parameter order (qmark), None: named
    defaults: dict[str, Any]  # values bound in the statement itself (LIMIT 51, ...)
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column, its reader), if any


class Prepared:
    """A Core SELECT with `bindparam`s, compiled on first use for each dialect."""

    def __init__(self, statement: Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            processors = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            names = tuple(compiled.positiontup or ()) if compiled.positional else None
            converted = tuple((i, p) for i, p in enumerate(processors) if p is not None)
            found = _Compiled(str(compiled), names, dict(compiled.params), converted)
            self._by_dialect[dialect.name] = found
        return found

    def bound(self, dialect: Dialect, **params: Any) -> tuple[str, Sequence[Any] | dict[str, Any]]:
        """(SQL, parameters) as the driver takes them (the benchmark's floor sends these)."""
        c = self._compiled(dialect)
        values = {**c.defaults, **params}
        return c.sql, values if c.names is None else [values[name] for name in c.names]

    def read(self, fetched: Sequence[Any], dialect: Dialect) -> list[Row]:
        """The driver's rows with each value as its column's type reads it (enums, dates)."""
        converted = self._compiled(dialect).converted
        if not converted:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:  # only the few columns that need it (enums, dates) are read
            values = list(row)
            for i, read in converted:
                values[i] = read(values[i])
            rows.append(tuple(values))
        return rows


class QuickReader:
    """Runs prepared statements on one driver connection (see `QuickReads`)."""

    def __init__(self, engine: Engine, connection: PoolProxiedConnection) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.connection = connection

    def rows(self, statement: Prepared, **params: Any) -> list[Row]:
        sql, bound = statement.bound(self.dialect, **params)
        return statement.read(self._run(sql, bound), self.dialect)

    def pragma(self, pragma: str) -> None:
        """Runs one SQLite PRAGMA (the idle checkpoint) on this connection."""
        self._run(f"PRAGMA {pragma}", ())

    def _run(self, sql: str, bound: Sequence[Any] | dict[str, Any]) -> list[Any]:
        dispatch = self.engine.dispatch
        cursor = self.connection.cursor()
        try:
            if dispatch.before_cursor_execute:
                for hook in dispatch.before_cursor_execute:
                    hook(None, cursor, sql, bound, None, False)
            cursor.execute(sql, bound)
            fetched = list(cursor.fetchall())
            if dispatch.after_cursor_execute:
                for hook in dispatch.after_cursor_execute:
                    hook(None, cursor, sql, bound, None, False)
        except self.dialect.loaded_dbapi.Error as exc:
            # As SQLAlchemy raises it (OperationalError...), so the store's trouble is
            # said the same way whichever path met it.
            raise DBAPIError.instance(
                sql, bound, exc, self.dialect.loaded_dbapi.Error, dialect=self.dialect
            ) from exc
        finally:
            cursor.close()
        return fetched

    def first(self, statement: Prepared, **params: Any) -> Row | None:
        found = self.rows(statement, **params)
        return found[0] if found else None

    def scalar(self, statement: Prepared, **params: Any) -> Any:
        row = self.first(statement, **params)
        return None if row is None else row[0]


class QuickReads:
    """Driver connections kept open for quick reads, lent to one caller at a time. They
    are few (as many as read at the same moment), not one per thread: the window's worker
    threads come and go."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._free: list[PoolProxiedConnection] = []
        self._open: list[PoolProxiedConnection] = []

    @contextmanager
    def reader(self) -> Iterator[QuickReader]:
        with self._lock:
            connection = self._free.pop() if self._free else None
        if connection is None:
            connection = self._connect()
        try:
            yield QuickReader(self._engine, connection)
        except DBAPIError:
            # A broken connection (a restarted server) is not lent again; the next read
            # opens a fresh one.
            self._drop(connection)
            raise
        except BaseException:
            with self._lock:
                self._free.append(connection)
            raise
        with self._lock:
            self._free.append(connection)

    def _connect(self) -> PoolProxiedConnection:
        connection = self._engine.raw_connection()
        connection.detach()  # ours until closed, not a slot taken from the engine's pool
        if self._engine.dialect.name == "postgresql":  # as SQLite's here: autocommit
            connection.dbapi_connection.autocommit = True  # type: ignore[union-attr]
        with self._lock:
            self._open.append(connection)
        return connection

    def _drop(self, connection: PoolProxiedConnection) -> None:
        with self._lock:
            if connection in self._open:
                self._open.remove(connection)
        with suppress(Exception):  # already broken: nothing more to close
            connection.close()

    def close(self) -> None:
        """Closes every connection (the store is being closed)."""
        with self._lock:
            held, self._open, self._free = self._open, [], []
        for connection in held:
            with suppress(Exception):  # a broken one: nothing more to close
                connection.close()
