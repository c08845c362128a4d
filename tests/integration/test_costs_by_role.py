"""Costs only for roles that may view them: the query layer blanks them for the others,
so neither the Stock list nor `serialpos serials --json` can show a cashier a cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.db.uow import Store
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.queries import UnitFilter, find_units, list_units
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import SerialEntry
from app.users.roles import Actor, Role
from app.users.services import actor_by_name, add_user


@pytest.fixture
def phones(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Front")
    create_item(
        store, manager, sku="PH1", values=ItemFields(name="Phone", price=49900, cost=35000,
                                                     serialized=True),
    )  # fmt: skip
    receive_serials(
        store, manager, Receiving(sku="PH1", location="Front"), [SerialEntry("S1")], method="list"
    )


def test_a_cashier_gets_no_cost_from_the_query_layer(store: Store, phones: None) -> None:
    cashier = actor_by_name(store, "cashier")
    (unit,) = list_units(store, cashier, UnitFilter()).units
    assert unit.cost is None
    assert find_units(store, cashier, "S1")[0].cost is None
    backoffice = actor_by_name(store, "backoffice")
    assert list_units(store, backoffice, UnitFilter()).units[0].cost == 35000


def test_serials_json_has_no_cost_for_a_cashier(
    store: Store,
    store_path: Path,
    phones: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = store.engine.url.render_as_string(hide_password=False)  # SQLite, or the PG run's
    # Users made here: a PIN is peppered with this test's key (the template store's users
    # were made under another).
    add_user(store, actor_by_name(store, "manager"), name="clerk", role=Role.CASHIER, pin="5678")
    monkeypatch.setenv("SERIALPOS_PIN", "5678")
    capsys.readouterr()
    assert main(["--db", url, "--as", "clerk", "serials", "--json"]) == 0
    (unit,) = json.loads(capsys.readouterr().out)
    assert "cost" not in unit
    add_user(store, actor_by_name(store, "manager"), name="anna", role=Role.MANAGER, pin="8765")
    monkeypatch.setenv("SERIALPOS_PIN", "8765")
    assert main(["--db", url, "--as", "anna", "serials", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["cost"] == "350.00"
