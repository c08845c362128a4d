"""Document number counters (sale, refund, ticket), shared by the till and the service desk."""

from __future__ import annotations

from sqlalchemy import String, Table, bindparam, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.base import Base
from app.db.prepared import PreparedWrite
from app.db.rows import write


class Counter(Base):
    """Next document numbers; bumped inside the document's own transaction."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


_counters: Table = Counter.__table__  # type: ignore[assignment]
_BUMP = PreparedWrite(
    update(_counters)
    .where(_counters.c.name == bindparam("counter"))
    .values(value=_counters.c.value + 1)
    .returning(_counters.c.value)
)


def next_number(session: Session, name: str, prefix: str) -> str:
    """R-000001, T-000002...: bumped in the document's own transaction, so no gaps on crash."""
    value = write(session, _BUMP, {"counter": name}).scalar()
    if value is None:  # the first document of its kind
        session.add(Counter(name=name, value=1))
        session.flush()
        value = 1
    return f"{prefix}-{value:06d}"
