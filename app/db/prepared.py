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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.dml import UpdateBase

from app.db.driver_call import send

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


# Writes: the same idea inside a write transaction.
Params = Mapping[str, Any]


@dataclass(frozen=True)
class _CompiledWrite:
    sql: str
    order: tuple[tuple[str, _Processor], ...]  # each parameter (in order if positional)
    positional: bool
    defaults: dict[str, Any]  # values bound in the statement itself (value + 1, ...)
    returning: bool

    def bind(self, row: Params) -> Sequence[Any] | dict[str, Any]:
        values = [
            (name, row[name] if name in row else self.defaults[name], to_db)
            for name, to_db in self.order
        ]
        bound = [(name, value if to_db is None else to_db(value)) for name, value, to_db in values]
        return [value for _, value in bound] if self.positional else dict(bound)


@dataclass(frozen=True)
class Written:
    """What a prepared write answered: how many rows it changed, and its RETURNING rows."""

    rowcount: int
    rows: list[Row]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


class PreparedWrite:
    """A Core INSERT or UPDATE (RETURNING too) run on the transaction's own connection as
    one driver call (`cursor.execute`, or `executemany` for a list of rows), compiled once
    for each dialect and set of parameter names. It skips what SQLAlchemy does at every
    execution (cache key, execution context, result metadata), which costs more than
    SQLite's own work; the SQL, the types' bind processors (dates, enums) and the engine's
    cursor events are SQLAlchemy's. A statement that needs more than that (Python-side
    defaults to compute, parameters to expand) is run by SQLAlchemy as usual."""

    def __init__(self, statement: UpdateBase) -> None:
        self.statement = statement
        self._by_key: dict[tuple[str, tuple[str, ...]], _CompiledWrite | None] = {}

    def _compiled(self, dialect: Dialect, keys: tuple[str, ...]) -> _CompiledWrite | None:
        if (dialect.name, keys) in self._by_key:
            return self._by_key[dialect.name, keys]
        compiled: Any = self.statement.compile(dialect=dialect, column_keys=list(keys))
        found = None
        if not (
            compiled.insert_prefetch
            or compiled.update_prefetch
            or compiled.post_compile_params
            or compiled.literal_execute_params
            or compiled.escaped_bind_names
        ):
            positional = compiled.positional
            by_name = {name: bind for bind, name in compiled.bind_names.items()}
            names = list(compiled.positiontup or ()) if positional else list(by_name)
            order = tuple(
                (name, by_name[name].type.dialect_impl(dialect).bind_processor(dialect))
                for name in names
            )
            defaults = {k: v for k, v in compiled.params.items() if k not in keys}
            returning = bool(self.statement.exported_columns)
            found = _CompiledWrite(str(compiled), order, compiled.positional, defaults, returning)
        self._by_key[dialect.name, keys] = found
        return found

    def run(self, connection: Connection, params: Params | Sequence[Params]) -> Written:
        """Runs it with one row of parameters, or with each row of a list (executemany)."""
        many = not isinstance(params, Mapping)
        rows: Sequence[Params] = params if many else [params]  # type: ignore[assignment,list-item]
        compiled = self._compiled(connection.dialect, tuple(rows[0]))
        if compiled is None:
            result = connection.execute(self.statement, params)  # type: ignore[arg-type]
            returned = [tuple(r) for r in result] if result.returns_rows else []
            return Written(result.rowcount, returned)
        bound = [compiled.bind(row) for row in rows]
        sent = bound if many else bound[0]
        changed, returned = send(
            connection, compiled.sql, sent, many=many, returning=compiled.returning
        )
        return Written(changed, returned)
