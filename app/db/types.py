"""Column types shared by the models, portable across SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.types import TypeEngine

# SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit key.
BigId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")


def key_string(length: int) -> TypeEngine[str]:
    """A string compared byte-wise: prefix ranges (>= 'sn', < 'so') work on every backend."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def utcnow() -> datetime:
    """Timestamps are stored as naive UTC; the views show them in local time."""
    return datetime.now(UTC).replace(tzinfo=None)
