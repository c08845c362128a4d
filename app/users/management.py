"""Managing users (managers only, checked here): list, change role, reset a PIN,
deactivate and reactivate.

A deactivated user keeps their row and their PIN hash: the ledger and the audit log name
them, and nobody else may ever be given their PIN (the PIN alone identifies a user at the
till). Log-in, `--as` and approvals already refuse them (app.users.services); services that
hold an Actor across time check `app.users.standing.require_active`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.uow import Store, record
from app.errors import Conflict, NotFound
from app.events import Change, Event
from app.users import audit
from app.users.models import User
from app.users.pins import check_pin_format
from app.users.roles import Actor, Permission, Role, require
from app.users.services import choosing_pin, free_pin_hash
from app.users.standing import require_active


@dataclass(frozen=True)
class UserRecord:
    name: str
    role: Role
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class UsersChanged(Event):
    """A user was changed: the users page (and a held log-in) must be read again."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.USERS})
    name: str


def _record(user: User) -> UserRecord:
    return UserRecord(user.name, Role(user.role), user.active, user.created_at)


def _manager(session: Session, actor: Actor) -> None:
    require(actor, Permission.MANAGE_USERS)
    require_active(session, actor)


def _user(session: Session, name: str) -> User:
    user = session.scalar(
        select(User).where(func.lower(User.name) == name.strip().lower()).with_for_update()
    )
    if user is None:
        raise NotFound(f"no user named {name.strip()!r}")
    return user


def _keep_a_manager(session: Session, user: User) -> None:
    """The store must keep one active manager, or nobody could approve or manage users."""
    if user.role != Role.MANAGER.value or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.MANAGER.value, User.active, User.id != user.id)
    )
    if not others:
        raise Conflict(f"{user.name} is the only active manager; make another manager first")


def list_all_users(store: Store, actor: Actor) -> list[UserRecord]:
    """Every user, active or not, with their role (managers only)."""
    require(actor, Permission.MANAGE_USERS)
    with store.read() as session:
        require_active(session, actor)
        return [_record(u) for u in session.scalars(select(User).order_by(User.name))]


def change_role(store: Store, actor: Actor, name: str, role: Role) -> UserRecord:
    """Gives a user another role; the last active manager keeps theirs."""
    with store.write() as session:
        _manager(session, actor)
        user = _user(session, name)
        if user.role == role.value:
            raise Conflict(f"{user.name} is already {role.value}")
        if role is not Role.MANAGER:
            _keep_a_manager(session, user)
        old, user.role = user.role, role.value
        audit.record(session, actor, "user.role", user.name, f"{old} → {role.value}")
        record(session, UsersChanged(user.name))
        return _record(user)


def reset_pin(store: Store, actor: Actor, name: str, pin: str) -> UserRecord:
    """Sets a new PIN; one any user has, or had, is refused without saying whose."""
    check_pin_format(pin)
    with choosing_pin(store, actor), store.write() as session:
        _manager(session, actor)
        user = _user(session, name)
        user.pin_hash = free_pin_hash(session, pin, except_user=user.id)
        audit.record(session, actor, "user.pin", user.name, "PIN reset")
        record(session, UsersChanged(user.name))
        return _record(user)


def deactivate_user(store: Store, actor: Actor, name: str) -> UserRecord:
    """Stops a user logging in or acting; their PIN stays theirs (never given to another)."""
    with store.write() as session:
        _manager(session, actor)
        user = _user(session, name)
        if not user.active:
            raise Conflict(f"{user.name} is already deactivated")
        if user.id == actor.id:
            raise Conflict("you cannot deactivate yourself; another manager can")
        _keep_a_manager(session, user)
        user.active = False
        audit.record(session, actor, "user.deactivate", user.name)
        record(session, UsersChanged(user.name))
        return _record(user)


def reactivate_user(store: Store, actor: Actor, name: str, pin: str) -> UserRecord:
    """Lets a user back in with a PIN: their old one or a new one, refused if any other
    user has it (a hash cannot be compared with a hash, so the PIN is asked for)."""
    check_pin_format(pin)
    with choosing_pin(store, actor), store.write() as session:
        _manager(session, actor)
        user = _user(session, name)
        if user.active:
            raise Conflict(f"{user.name} is already active")
        user.active, user.pin_hash = True, free_pin_hash(session, pin, except_user=user.id)
        audit.record(session, actor, "user.reactivate", user.name)
        record(session, UsersChanged(user.name))
        return _record(user)
