"""Document number counters (sale, refund, ticket), shared by the till and the service desk."""

from __future__ import annotations

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.base import Base


class Counter(Base):
    """Next document numbers; bumped inside the document's own transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_number(session: Session, name: str, prefix: str) -> str:
    """R-000001, T-000002...: bumped in the document's own transaction, so no gaps on crash."""
    bumped = session.execute(
        update(Counter).where(Counter.name == name).values(value=Counter.value + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]
        session.add(Counter(name=name, value=1))
        session.flush()
    value = session.scalar(select(Counter.value).where(Counter.name == name))
    return f"{prefix}-{value:06d}"
