"""The audit log: changes that are not stock movements, with who did and who approved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.users.models import AuditEntry, User
from app.users.roles import Actor


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject: str,
    detail: str = "",
    *,
    approver: Actor | None = None,
) -> None:
    """Adds an audit row inside the caller's transaction."""
    session.add(
        AuditEntry(
            user_id=actor.id,
            action=action,
            subject=subject[:200],
            detail=detail,
            approved_by=approver.id if approver and approver.id != actor.id else None,
        )
    )


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the window and the command line show it."""

    at: datetime
    user: str
    action: str
    subject: str
    detail: str
    approved_by: str | None


def rows_for(session: Session, subject: str) -> list[AuditRow]:
    """Every audit entry about one subject (a serial, a SKU, a user), oldest first."""
    approver = aliased(User)
    rows = session.execute(
        select(
            AuditEntry.at,
            User.name,
            AuditEntry.action,
            AuditEntry.subject,
            AuditEntry.detail,
            approver.name,
        )
        .join(User, User.id == AuditEntry.user_id)
        .outerjoin(approver, approver.id == AuditEntry.approved_by)
        .where(AuditEntry.subject == subject[:200])
        .order_by(AuditEntry.id)
    ).all()
    return [AuditRow(*row) for row in rows]
