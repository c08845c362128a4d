"""Warranty edits: reason, manager approval, audited old -> new; refused ones change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.stock import queries
from app.stock.warranty import change_warranty_end, unit_audit
from app.users.roles import Actor
from tests.integration.backoffice_support import refused, sell, stock_shop


@pytest.fixture
def shop(store: Store, manager: Actor, cashier: Actor) -> Store:
    stock_shop(store, manager)
    sell(store, cashier, "P1", customer="Jane Doe")
    return store


def end_of(store: Store, actor: Actor, serial: str) -> date | None:
    (unit,) = queries.find_units(store, actor, serial)
    return unit.warranty_end


def test_a_manager_extends_a_warranty_and_it_is_audited(shop: Store, manager: Actor) -> None:
    old = end_of(shop, manager, "P1")
    assert old is not None
    new = old + timedelta(days=90)
    change = change_warranty_end(shop, manager, "p1", end=new, reason="goodwill")
    assert (change.old_end, change.new_end, change.approved_by) == (old, new, "manager")
    assert end_of(shop, manager, "P1") == new
    (row,) = unit_audit(shop, manager, "P1")
    assert row.user == "manager" and row.action == "unit.warranty"
    assert f"{old.isoformat()} → {new.isoformat()}" in row.detail and "goodwill" in row.detail


def test_back_office_needs_a_managers_approval(
    shop: Store, backoffice: Actor, manager: Actor, cashier: Actor
) -> None:
    new = date.today() + timedelta(days=800)
    with refused(shop, PermissionDenied, "needs a manager's approval"):
        change_warranty_end(shop, backoffice, "P1", end=new, reason="goodwill")
    with refused(shop, PermissionDenied, "not a manager"):
        change_warranty_end(shop, backoffice, "P1", end=new, reason="x", approver=cashier)
    with refused(shop, PermissionDenied, "may not edit warranty"):
        change_warranty_end(shop, cashier, "P1", end=new, reason="x", approver=manager)
    change_warranty_end(shop, backoffice, "P1", end=new, reason="goodwill", approver=manager)
    (row,) = unit_audit(shop, backoffice, "P1")
    assert (row.user, row.approved_by) == ("backoffice", "manager")


def test_bad_warranty_edits_are_refused(shop: Store, manager: Actor) -> None:
    with refused(shop, InvalidInput, "reason is required"):
        change_warranty_end(shop, manager, "P1", end=date.today(), reason="  ")
    with refused(shop, InvalidInput, "before its start"):
        change_warranty_end(shop, manager, "P1", end=date(2000, 1, 1), reason="typo")
    with refused(shop, Conflict, "has no customer warranty"):
        change_warranty_end(shop, manager, "P2", end=date.today(), reason="x")
    with refused(shop, NotFound, "no unit with serial"):
        change_warranty_end(shop, manager, "NOPE", end=date.today(), reason="x")
    current = end_of(shop, manager, "P1")
    assert current is not None
    with refused(shop, Conflict, "already ends on"):
        change_warranty_end(shop, manager, "P1", end=current, reason="x")
