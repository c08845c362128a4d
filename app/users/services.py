"""Users: the first manager, adding users, and finding the actor by name or by PIN."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.text import clean_text
from app.users import audit, brake
from app.users.models import User
from app.users.pins import check_pin_format, hash_pin, is_current, verify_pin
from app.users.roles import Actor, Permission, Role, require

# Re-exported: the brake's limits are part of what a log-in promises.
MAX_PIN_FAILURES, PIN_WINDOW = brake.MAX_PIN_FAILURES, brake.PIN_WINDOW


def _actor(user: User) -> Actor:
    return Actor(id=user.id, name=user.name, role=Role(user.role))


def _clean_name(name: str) -> str:
    return clean_text(name, field="user name", max_length=64)


def _pin_owner(session: Session, pin: str, *, active_only: bool) -> User | None:
    """The user whose PIN this is: one slow hash and a lookup, plus one slow check per user
    still on an old hash (upgraded at their next log-in)."""
    query = select(User).order_by(User.id)
    if active_only:
        query = query.where(User.active)
    current = hash_pin(pin)
    found = session.scalar(query.where(User.pin_hash == current))
    if found is not None:
        return found
    for user in session.scalars(query.where(User.pin_hash != current)):
        if is_current(user.pin_hash):
            continue
        if verify_pin(pin, user.pin_hash):
            return user
    return None


def free_pin_hash(session: Session, pin: str, *, except_user: int | None = None) -> str:
    """The hash to store for a new PIN; Conflict if another user (even deactivated) has it."""
    # The PIN alone identifies a user at the till, so no two users may share one — a
    # deactivated user's too, or reactivating them would make two. The message names nobody;
    # the caller counts the refusal as a wrong PIN (choosing_pin), so it is no faster an
    # oracle than the log-in.
    owner = _pin_owner(session, pin, active_only=False)
    if owner is not None and owner.id != except_user:
        raise Conflict("that PIN cannot be used; choose another PIN")
    return hash_pin(pin)


def _insert_user(session: Session, name: str, role: Role, pin: str) -> User:
    if session.scalar(select(User.id).where(func.lower(User.name) == name.lower())):
        raise Conflict(f"user {name!r} already exists")
    user = User(name=name, role=role.value, pin_hash=free_pin_hash(session, pin), active=True)
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
    with choosing_pin(store, actor), store.write() as session:
        user = _insert_user(session, name, role, pin)
        audit.record(session, actor, "user.create", name, f"role {role.value}")
        return _actor(user)


def has_users(store: Store) -> bool:
    with store.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User)))


def _named(session: Session, name: str) -> User:
    name = clean_text(name, field="user name", max_length=64)
    user = session.scalar(select(User).where(func.lower(User.name) == name.lower()))
    if user is None:
        raise NotFound(f"no user named {name!r}")
    if not user.active:
        raise PermissionDenied(f"user {user.name!r} is deactivated")
    return user


def actor_by_name(store: Store, name: str) -> Actor:
    """The active user of that name, WITHOUT proving anything: for naming someone (a
    technician on a ticket), never for acting as them — that is actor_by_name_and_pin."""
    with store.read() as session:
        return _actor(_named(session, name))


def actor_by_name_and_pin(store: Store, name: str, pin: str) -> Actor:
    """The acting user for the command line (`--as NAME` and NAME's PIN). The wrong-PIN
    brake counts per named user, on every till."""
    with store.read() as session:
        user_id = _named(session, name).id
    scope = brake.Scope(user_id=user_id)
    return _actor(brake.checked(store, scope, pin, lambda s: _owned(s, pin, user_id)))


def _owned(session: Session, pin: str, user_id: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or not user.active or not _is_pin(pin) or not verify_pin(pin, user.pin_hash):
        return None
    return user


def actor_by_pin(store: Store, pin: str, *, till: str = brake.DEFAULT_TILL) -> Actor:
    """Log-in and approvals at the till: the PIN alone identifies the user. The wrong-PIN
    brake counts per till; while it holds, a manager's PIN still opens the till (see brake)."""

    def owner(session: Session) -> User | None:
        return _pin_owner(session, pin, active_only=True) if _is_pin(pin) else None

    return _actor(brake.checked(store, brake.Scope(till=till), pin, owner))


def _is_pin(pin: str) -> bool:
    try:
        check_pin_format(pin)
    except InvalidInput:
        return False
    return True


@contextmanager
def choosing_pin(store: Store, actor: Actor) -> Iterator[None]:
    """A manager choosing someone's PIN: a refusal because the PIN is taken counts as a
    wrong PIN against that manager, so trying PINs here is no faster than at a log-in."""
    attempt = brake.claim(store, brake.Scope(user_id=actor.id))
    try:
        yield
    except Conflict as exc:
        if "choose another PIN" in str(exc):
            raise Conflict(f"{exc}{brake.tries_left(attempt)}") from None
        brake.release(store, attempt)
        raise
    except BaseException:
        brake.release(store, attempt)
        raise
    brake.release(store, attempt)


def list_users(store: Store) -> list[Actor]:
    with store.read() as session:
        users = session.scalars(select(User).where(User.active).order_by(User.name))
        return [_actor(u) for u in users]
