"""The wrong-PIN brake: after MAX_PIN_FAILURES wrong PINs within PIN_WINDOW, PIN entry pauses
until the oldest of them is PIN_WINDOW old.

Atomic: an attempt is recorded in a write transaction BEFORE the PIN is checked, and only if
fewer than the limit are recorded (SQLite's write lock, a PostgreSQL advisory lock on the
scope), so of any number of simultaneous guesses at most the limit are ever checked. A right
PIN removes its own attempt afterwards; the rows left are the wrong ones (and attempts of a
process killed while checking, which count as wrong).

Scoped: at the window the PIN alone names the user, so the brake counts per till; on the
command line (`--as USER`) and for a manager choosing PINs, per user. One cashier's wrong
PINs therefore pause one till, not every till, and not the manager's command line.

Manager override: while a till is paused, one PIN every OVERRIDE_EVERY is still checked,
and only a manager's opens the till (and lifts the pause); anyone else's — right or wrong —
is refused like a wrong PIN and counted. A guesser gains at most one try per 30 seconds at
a paused till (with five in the window: at most 15 tries in 5 minutes, against 10,000 for a
4-digit PIN and the slow hash for each).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, delete, select, text
from sqlalchemy.orm import Session

from app.db.engine import is_read_only
from app.db.types import utcnow
from app.db.uow import Store
from app.errors import PermissionDenied
from app.users.models import PinFailure, User
from app.users.pins import hash_pin, is_current
from app.users.roles import Role

MAX_PIN_FAILURES = 5
PIN_WINDOW = timedelta(minutes=5)
OVERRIDE_EVERY = timedelta(seconds=30)
DEFAULT_TILL = "TILL-1"  # ShopSettings.till's default: a window that names no till


@dataclass(frozen=True)
class Scope:
    """What a wrong PIN counts against: a till (window), or a named user (command line)."""

    till: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class Attempt:
    id: int
    scope: Scope
    left: int  # wrong PINs still allowed after this one, if it is wrong
    override: bool  # checked while the till is paused: only a manager's PIN opens it


def _where(scope: Scope) -> ColumnElement[bool]:
    if scope.user_id is not None:
        return PinFailure.user_id == scope.user_id
    return and_(PinFailure.till == scope.till, PinFailure.user_id.is_(None))


def _serialize(session: Session, scope: Scope) -> None:
    # SQLite's write transactions already take the one write lock up front (BEGIN IMMEDIATE);
    # PostgreSQL's would count concurrently, so they queue on a lock named after the scope.
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"pin-brake:{scope.till}:{scope.user_id}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))


def claim(store: Store, scope: Scope) -> Attempt:
    """Records one attempt, or refuses (PermissionDenied) while the brake holds."""
    now = utcnow()
    if is_read_only(store.engine):
        # A read-only copy cannot count attempts; whoever holds it holds the file anyway.
        return Attempt(0, scope, MAX_PIN_FAILURES, False)
    with store.write() as session:
        _serialize(session, scope)
        session.execute(delete(PinFailure).where(PinFailure.at <= now - PIN_WINDOW))
        recent = list(
            session.scalars(select(PinFailure.at).where(_where(scope)).order_by(PinFailure.at))
        )
        override = len(recent) >= MAX_PIN_FAILURES
        if override:
            wait = _seconds(recent[-MAX_PIN_FAILURES] + PIN_WINDOW - now)
            next_override = recent[-1] + OVERRIDE_EVERY - now
            if scope.user_id is not None:
                raise PermissionDenied(f"too many wrong PINs; try again in {wait} seconds")
            if next_override > timedelta(0):
                raise PermissionDenied(
                    f"too many wrong PINs; try again in {wait} seconds"
                    f" (a manager's PIN in {_seconds(next_override)})"
                )
        row = PinFailure(at=now, till=scope.till, user_id=scope.user_id)
        session.add(row)
        session.flush()
        return Attempt(row.id, scope, max(0, MAX_PIN_FAILURES - len(recent) - 1), override)


def tries_left(attempt: Attempt) -> str:
    """What to add to a refusal: how far the brake is."""
    minutes = int(PIN_WINDOW.total_seconds() // 60)
    if attempt.override:
        return " — this till stays paused; only a manager's PIN opens it"
    if attempt.left:
        tries = "try" if attempt.left == 1 else "tries"
        return f" — {attempt.left} {tries} left before a {minutes}-minute pause"
    return f" — PIN entry paused for {minutes} minutes"


def _release(session: Session, attempt: Attempt) -> None:
    session.execute(delete(PinFailure).where(PinFailure.id == attempt.id))
    if attempt.override:  # a manager vouched for the till: lift the pause
        session.execute(delete(PinFailure).where(_where(attempt.scope)))


def release(store: Store, attempt: Attempt) -> None:
    """The attempt did not guess anything (a right PIN, or refused for another reason)."""
    if not attempt.id:
        return
    with store.write() as session:
        _release(session, attempt)


def checked(store: Store, scope: Scope, pin: str, owner: Callable[[Session], User | None]) -> User:
    """The user `owner` finds for `pin`, with the brake around it; a right PIN still on an
    old hash gets the current one."""
    attempt = claim(store, scope)
    try:
        with store.read() as session:
            user = owner(session)
    except BaseException:
        release(store, attempt)
        raise
    if user is None or (attempt.override and user.role != Role.MANAGER.value):
        raise PermissionDenied(f"wrong PIN{tries_left(attempt)}")
    new_hash = None if is_current(user.pin_hash) else hash_pin(pin)
    if not attempt.id:
        return user
    with store.write() as session:
        _release(session, attempt)
        if new_hash is not None:
            stored = session.get(User, user.id)
            if stored is not None:
                stored.pin_hash = new_hash
    return user
