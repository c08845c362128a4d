"""Command-line sessions: `serialpos login` proves a PIN once and gets a signed token with an
expiry, so scripts and a day's work need not type the PIN for every command.

The token is signed with a key derived from the PIN pepper (outside the store) over the
user, the expiry and the user's PIN hash: it dies when it expires, when the PIN is reset,
and when the user is deactivated. `serialpos logout` deletes the file that holds it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from app.db.uow import Store
from app.errors import PermissionDenied
from app.users.models import User
from app.users.pins import session_key
from app.users.roles import Actor, Role

MAX_SESSION = timedelta(hours=24)


def _mac(user_id: int, expires: int, pin_hash: str) -> str:
    message = f"{user_id}.{expires}.{pin_hash}".encode()
    return hmac.new(session_key(), message, hashlib.sha256).hexdigest()


def open_session(store: Store, actor: Actor, length: timedelta) -> tuple[str, datetime]:
    """A token for an actor who has just proved their PIN, and when it expires."""
    length = min(length, MAX_SESSION)
    expires_at = datetime.now(UTC) + length
    expires = int(expires_at.timestamp())
    with store.read() as session:
        user = session.get(User, actor.id)
        if user is None or not user.active:
            raise PermissionDenied(f"user {actor.name!r} cannot log in")
        return f"{user.id}.{expires}.{_mac(user.id, expires, user.pin_hash)}", expires_at


def actor_by_session(store: Store, token: str) -> Actor | None:
    """The session's user, or None if the token is expired, forged or no longer theirs."""
    try:
        user_text, expires_text, mac = token.split(".")
        user_id, expires = int(user_text), int(expires_text)
    except ValueError:
        return None
    if expires < datetime.now(UTC).timestamp():
        return None
    with store.read() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        if not hmac.compare_digest(mac, _mac(user.id, expires, user.pin_hash)):
            return None
        return Actor(id=user.id, name=user.name, role=Role(user.role))
