"""Users, roles and PINs: a PIN is stored only as a slow salted hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, PermissionDenied
from app.users import pins
from app.users import services as users
from app.users.pins import hash_pin, verify_pin
from app.users.roles import GRANTS, Actor, Permission, Role, parse_role, require
from tests.conftest import PINS, dump_tables


def test_pin_is_stored_peppered_and_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = hash_pin("4321")
    assert "4321" not in one and one.startswith("pscrypt$")
    assert verify_pin("4321", one) and not verify_pin("4322", one)
    # The pepper lives outside the store: without that file the hash says nothing.
    monkeypatch.setenv(pins.PEPPER_ENV, str(tmp_path / "other.key"))
    assert hash_pin("4321") != one and not verify_pin("4321", one)
    assert (tmp_path / "other.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("pin", ["12", "abcd", "12 34", "１２３４", "1" * 13])
def test_malformed_pins_are_refused(pin: str) -> None:
    with pytest.raises(InvalidInput):
        hash_pin(pin)


def test_the_pin_identifies_the_user(store: Store) -> None:
    assert users.actor_by_pin(store, PINS["cashier"]).name == "cashier"
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        users.actor_by_pin(store, "0000")


def test_two_users_cannot_share_a_pin(store: Store, manager: Actor) -> None:
    before = dump_tables(store)
    with pytest.raises(Conflict, match="choose another PIN"):
        users.add_user(store, manager, name="newbie", role=Role.CASHIER, pin=PINS["cashier"])
    assert dump_tables(store) == before


def test_only_a_manager_adds_users(store: Store, backoffice: Actor) -> None:
    with pytest.raises(PermissionDenied, match="may not manage users"):
        users.add_user(store, backoffice, name="x", role=Role.CASHIER, pin="5555")


def test_first_manager_only_on_an_empty_store(store: Store) -> None:
    with pytest.raises(Conflict, match="already has users"):
        users.create_first_manager(store, name="intruder", pin="8888")


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.CASHIER, Permission.SELL, Permission.RECEIVE),
        (Role.CASHIER, Permission.REFUND, Permission.WRITE_OFF),
        (Role.SERVICE, Permission.TICKETS, Permission.EDIT_ITEMS),
        (Role.BACK_OFFICE, Permission.RECEIVE, Permission.MANAGE_USERS),
        (Role.BACK_OFFICE, Permission.WRITE_OFF, Permission.APPROVE),
    ],
)
def test_roles_grant_what_the_shop_expects(
    role: Role, allowed: Permission, denied: Permission
) -> None:
    actor = Actor(1, "x", role)
    require(actor, allowed)
    with pytest.raises(PermissionDenied):
        require(actor, denied)


def test_a_manager_may_do_everything() -> None:
    assert GRANTS[Role.MANAGER] == frozenset(Permission)


def test_role_names_are_forgiving() -> None:
    assert parse_role("Back Office") is Role.BACK_OFFICE
    assert parse_role("service-desk") is Role.SERVICE
    with pytest.raises(PermissionDenied, match="unknown role"):
        parse_role("owner")


def test_a_cashier_does_not_see_what_stock_cost(store: Store, cashier: Actor) -> None:
    from app.stock import queries

    with pytest.raises(PermissionDenied, match="may not view costs"):
        queries.valuation(store, cashier)


def test_wrong_pins_lock_pin_entry_for_a_while(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from app.users import brake
    from app.users import services as user_services

    for _ in range(user_services.MAX_PIN_FAILURES):
        with pytest.raises(PermissionDenied, match="wrong PIN"):
            users.actor_by_pin(store, "0000")
    # Even the right PIN waits now: a guesser cannot tell a hit from the lock.
    with pytest.raises(PermissionDenied, match="too many wrong PINs; try again in"):
        users.actor_by_pin(store, PINS["cashier"])
    later = brake.utcnow() + user_services.PIN_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(brake, "utcnow", lambda: later)
    assert users.actor_by_pin(store, PINS["cashier"]).name == "cashier"
