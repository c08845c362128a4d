"""Users, their roles, and the audit log of who changed what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import BigId, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Changes that are not stock movements: item edits, warranty edits, approvals."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), index=True)  # a unit's audit
    detail: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PinFailure(Base):
    """A PIN attempt: recorded before the PIN is checked and removed if it was right, so the
    rows left are wrong PINs. Too many in a short time pause PIN entry — at one till (`till`,
    the window, where the PIN alone names the user), or for one user (`user_id`, the command
    line's `--as USER`, and a manager choosing PINs for others)."""

    __tablename__ = "pin_failures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    till: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
