"""Managing users (manager only): roles, PIN resets, deactivation and reactivation."""

from __future__ import annotations

from datetime import date

import pytest

from app.db.uow import Store
from app.errors import Conflict, NotFound, PermissionDenied
from app.stock.counts import start_count
from app.stock.warranty import change_warranty_end
from app.users import services as users
from app.users.management import (
    change_role,
    deactivate_user,
    list_all_users,
    reactivate_user,
    reset_pin,
)
from app.users.roles import Actor, Role
from tests.conftest import PINS
from tests.integration.backoffice_support import refused, sell, stock_shop


def test_the_list_shows_every_user_with_role_and_active_flag(store: Store, manager: Actor) -> None:
    deactivate_user(store, manager, "cashier")
    rows = {u.name: u for u in list_all_users(store, manager)}
    assert set(rows) == {"manager", "backoffice", "cashier", "service"}
    assert rows["cashier"].active is False and rows["backoffice"].role is Role.BACK_OFFICE


def test_only_a_manager_manages_users(store: Store, backoffice: Actor) -> None:
    with pytest.raises(PermissionDenied, match="may not manage users"):
        list_all_users(store, backoffice)
    with refused(store, PermissionDenied, "may not manage users"):
        change_role(store, backoffice, "cashier", Role.MANAGER)
    with refused(store, PermissionDenied, "may not manage users"):
        deactivate_user(store, backoffice, "cashier")
    with refused(store, PermissionDenied, "may not manage users"):
        reset_pin(store, backoffice, "cashier", "5555")


def test_changing_a_role_takes_effect_at_the_next_log_in(store: Store, manager: Actor) -> None:
    change_role(store, manager, "cashier", Role.BACK_OFFICE)
    assert users.actor_by_pin(store, PINS["cashier"]).role is Role.BACK_OFFICE
    with refused(store, Conflict, "already back_office"):
        change_role(store, manager, "cashier", Role.BACK_OFFICE)
    with refused(store, NotFound, "no user named"):
        change_role(store, manager, "ghost", Role.CASHIER)


def test_the_last_manager_stays_a_manager(store: Store, manager: Actor) -> None:
    with refused(store, Conflict, "only active manager"):
        change_role(store, manager, "manager", Role.CASHIER)
    with refused(store, Conflict, "cannot deactivate yourself"):
        deactivate_user(store, manager, "manager")


def test_a_reset_pin_logs_in_and_a_taken_pin_is_refused_without_saying_whose(
    store: Store, manager: Actor
) -> None:
    reset_pin(store, manager, "cashier", "4444")
    assert users.actor_by_pin(store, "4444").name == "cashier"
    with refused(store, Conflict, "choose another PIN"):
        reset_pin(store, manager, "cashier", PINS["service"])
    with pytest.raises(Conflict) as err:
        reset_pin(store, manager, "cashier", PINS["service"])
    assert "service" not in str(err.value)


def test_a_deactivated_user_can_no_longer_log_in_or_act(store: Store, manager: Actor) -> None:
    stock_shop(store, manager)
    held = users.actor_by_name(store, "backoffice")  # logged in before being deactivated
    deactivate_user(store, manager, "backoffice")
    with pytest.raises(PermissionDenied, match="deactivated"):
        users.actor_by_name(store, "backoffice")
    with pytest.raises(PermissionDenied, match="wrong PIN"):
        users.actor_by_pin(store, PINS["backoffice"])
    with refused(store, PermissionDenied, "'backoffice' is deactivated"):
        start_count(store, held, "Front")
    with refused(store, Conflict, "already deactivated"):
        deactivate_user(store, manager, "backoffice")


def test_a_deactivated_managers_approval_is_refused(
    store: Store, manager: Actor, backoffice: Actor, cashier: Actor
) -> None:
    stock_shop(store, manager)
    sell(store, cashier, "P1")
    change_role(store, manager, "service", Role.MANAGER)
    other = users.actor_by_name(store, "service")
    deactivate_user(store, manager, "service")
    with refused(store, PermissionDenied, "'service' is deactivated"):
        change_warranty_end(store, backoffice, "P1", end=date(2030, 1, 1), reason="x",
                            approver=other)  # fmt: skip


def test_a_deactivated_users_pin_is_never_given_to_another(store: Store, manager: Actor) -> None:
    deactivate_user(store, manager, "cashier")
    with refused(store, Conflict, "choose another PIN"):
        users.add_user(store, manager, name="newbie", role=Role.CASHIER, pin=PINS["cashier"])
    with refused(store, Conflict, "choose another PIN"):
        reset_pin(store, manager, "service", PINS["cashier"])


def test_reactivating_keeps_or_replaces_the_pin_but_never_a_taken_one(
    store: Store, manager: Actor
) -> None:
    deactivate_user(store, manager, "cashier")
    with refused(store, Conflict, "choose another PIN"):
        reactivate_user(store, manager, "cashier", PINS["service"])
    with refused(store, Conflict, "already active"):
        reactivate_user(store, manager, "service", "5678")
    reactivate_user(store, manager, "cashier", PINS["cashier"])
    assert users.actor_by_pin(store, PINS["cashier"]).name == "cashier"
