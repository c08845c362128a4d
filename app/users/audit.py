"""The audit log: changes that are not stock movements, with who did and who approved."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.users.models import AuditEntry
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
