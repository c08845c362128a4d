"""Column types shared by the models, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

# SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")


def key_string(length: int) -> TypeEngine[str]:
    """A string compared byte-wise: prefix ranges (>= 'sn', < 'so') work on every backend."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC; the views show them in local time."""
    return datetime.now(UTC).replace(tzinfo=None)


E = TypeVar("E", bound=StrEnum)


class EnumString(TypeDecorator[E]):
    """A StrEnum kept as its plain string ('in_stock'): the stored values and the SQL stay
    as they were, and every row read back carries the enum, not a bare string."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)
