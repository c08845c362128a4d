"""Users: the first manager, adding users, and finding the actor by name or by PIN."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.text import clean_text
from app.users import audit
from app.users.models import PinFailure, User
from app.users.pins import check_pin_format, hash_pin, verify_pin
from app.users.roles import Actor, Permission, Role, require


def _actor(user: User) -> Actor:
    return Actor(id=user.id, name=user.name, role=Role(user.role))


def _clean_name(name: str) -> str:
    return clean_text(name, field="user name", max_length=64)


def _check_pin_is_free(session: Session, pin: str, *, except_user: int | None = None) -> None:
    # The PIN alone identifies a user at the till, so no two users may share one — a
    # deactivated user's too, or reactivating them would make two. The message names nobody.
    for user_id, stored in session.execute(select(User.id, User.pin_hash)):
        if user_id != except_user and verify_pin(pin, stored):
            raise Conflict("that PIN cannot be used; choose another PIN")


def _insert_user(session: Session, name: str, role: Role, pin: str) -> User:
    if session.scalar(select(User.id).where(func.lower(User.name) == name.lower())):
        raise Conflict(f"user {name!r} already exists")
    _check_pin_is_free(session, pin)
    user = User(name=name, role=role.value, pin_hash=hash_pin(pin), active=True)
    session.add(user)
    session.flush()
    return user


def create_first_manager(store: Store, *, name: str, pin: str) -> Actor:
    """Creates the store's first user, a manager. Refused once any user exists."""
    name = _clean_name(name)
    check_pin_format(pin)
    with store.write() as session:
        if session.scalar(select(func.count()).select_from(User)):
            raise Conflict("this store already has users; add more with 'user add'")
        user = _insert_user(session, name, Role.MANAGER, pin)
        actor = _actor(user)
        audit.record(session, actor, "user.create", name, "first manager")
        return actor


def add_user(store: Store, actor: Actor, *, name: str, role: Role, pin: str) -> Actor:
    """Adds a user with a role and a PIN (managers only)."""
    require(actor, Permission.MANAGE_USERS)
    name = _clean_name(name)
    check_pin_format(pin)
    with store.write() as session:
        user = _insert_user(session, name, role, pin)
        audit.record(session, actor, "user.create", name, f"role {role.value}")
        return _actor(user)


def has_users(store: Store) -> bool:
    with store.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def actor_by_name(store: Store, name: str) -> Actor:
    """The acting user for the command line (`--as NAME`)."""
    with store.read() as session:
        user = session.scalar(select(User).where(func.lower(User.name) == name.strip().lower()))
        if user is None:
            raise NotFound(f"no user named {name.strip()!r}")
        if not user.active:
            raise PermissionDenied(f"user {user.name!r} is deactivated")
        return _actor(user)


# Four-digit PINs fall to guessing without a brake: after MAX_PIN_FAILURES wrong PINs within
# PIN_WINDOW, PIN entry waits until the oldest of them is PIN_WINDOW old.
MAX_PIN_FAILURES = 5
PIN_WINDOW = timedelta(minutes=5)


def actor_by_pin(store: Store, pin: str) -> Actor:
    """Log-in and approvals at the till: the PIN alone identifies the user."""
    now = utcnow()
    with store.read() as session:
        recent = list(
            session.scalars(
                select(PinFailure.at)
                .where(PinFailure.at > now - PIN_WINDOW)
                .order_by(PinFailure.at)
            )
        )
        if len(recent) >= MAX_PIN_FAILURES:
            wait = max(1, int((recent[-MAX_PIN_FAILURES] + PIN_WINDOW - now).total_seconds()))
            raise PermissionDenied(f"too many wrong PINs; try again in {wait} seconds")
        if _is_pin(pin):
            for user in session.scalars(select(User).where(User.active).order_by(User.id)):
                if verify_pin(pin, user.pin_hash):
                    return _actor(user)
    with store.write() as session:
        session.add(PinFailure(at=now))
        session.execute(delete(PinFailure).where(PinFailure.at <= now - PIN_WINDOW))
    raise PermissionDenied("wrong PIN")


def _is_pin(pin: str) -> bool:
    try:
        check_pin_format(pin)
    except InvalidInput:
        return False
    return True


def list_users(store: Store) -> list[Actor]:
    with store.read() as session:
        users = session.scalars(select(User).where(User.active).order_by(User.name))
        return [_actor(u) for u in users]
