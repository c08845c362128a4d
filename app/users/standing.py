"""An Actor is read at log-in; a manager may deactivate that user while the window is open.

Services that matter (approvals, counts, warranty edits, user management) check, inside
their own transaction, that the acting user and the approver are still active users.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import PermissionDenied
from app.users.models import User
from app.users.roles import Actor


def require_active(session: Session, *actors: Actor | None) -> None:
    """PermissionDenied if any of these users has been deactivated (or removed) since
    they logged in or approved."""
    wanted = {a.id: a for a in actors if a is not None}
    if not wanted:
        return
    active = set(session.scalars(select(User.id).where(User.id.in_(wanted), User.active)))
    for user_id, actor in wanted.items():
        if user_id not in active:
            raise PermissionDenied(f"user {actor.name!r} is deactivated")
