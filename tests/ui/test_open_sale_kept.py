"""The open sale is its cashier's and is kept in the store: it survives a quit, a crash and
a power cut, quitting with it asks first, and a lock never hands it to the next user."""

from __future__ import annotations

import pytest
from pos_shop import PHONE, PHONE_2, open_pos, type_code
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.stock.bundles import ComponentInput, set_components
from app.stock.items import ItemFields, create_item
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.ui.pos.pos_view import PosView
from app.users.roles import Actor
from app.users.services import actor_by_name


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


def _serials(pos: PosView) -> list[str | None]:
    return [line.serial for line in pos.cart_model.lines()]


def test_the_open_sale_comes_back_after_a_crash(
    qtbot: QtBot, demo_store: Store, cashier: Actor
) -> None:
    before = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, before.scan_edit, PHONE)
    type_code(qtbot, before.scan_edit, PHONE_2)
    settle(qtbot)
    before.hide()  # the till goes away without a word (a crash, a power cut)
    after = open_pos(qtbot, demo_store, cashier)  # the next start, the same cashier
    qtbot.waitUntil(lambda: after.cart_model.rowCount() == 2, timeout=3000)
    assert _serials(after) == [PHONE, PHONE_2]
    assert "open sale is back" in after.message.text()


def test_another_user_never_gets_it_and_it_waits_for_its_cashier(
    qtbot: QtBot, demo_store: Store, cashier: Actor, demo_manager: Actor
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, PHONE)
    pos.set_actor(None)  # Ctrl+L
    assert pos.cart_model.is_empty()
    pos.set_actor(demo_manager)
    settle(qtbot)
    assert pos.cart_model.is_empty()  # the manager's own (empty) sale
    pos.set_actor(None)
    pos.set_actor(cashier)
    settle(qtbot)
    assert _serials(pos) == [PHONE]


def test_an_emptied_sale_does_not_come_back(
    qtbot: QtBot, demo_store: Store, cashier: Actor
) -> None:
    before = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, before.scan_edit, PHONE)
    before.remove_line()
    settle(qtbot)
    after = open_pos(qtbot, demo_store, cashier)
    settle(qtbot)
    assert after.cart_model.is_empty()


def test_a_kit_in_the_open_sale_comes_back_whole_after_a_crash(
    qtbot: QtBot, demo_store: Store, cashier: Actor, demo_manager: Actor
) -> None:
    lens = ItemFields(name="Lens 50 mm", price=30000, serialized=True, warranty_days=730)
    create_item(demo_store, demo_manager, sku="LEN-50", values=lens)
    front = Receiving("LEN-50", "Front store")
    receive_serials(demo_store, demo_manager, front, parse_list("LN1"), method="list")
    kit = ItemFields(name="Camera kit Z5", price=109900)
    create_item(demo_store, demo_manager, sku="KIT-Z5", values=kit)
    set_components(demo_store, demo_manager, "KIT-Z5", [ComponentInput("CAM-Z5"),
                   ComponentInput("LEN-50")])  # fmt: skip
    before = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, before.scan_edit, "KIT-Z5")
    for serial in ("CZ000003", "LN1"):
        before.handle_scan(serial)  # the scanner, into the kit's dialog
        settle(qtbot)
    (sold,) = before.cart_model.lines()
    before.hide()  # the till goes away without a word
    after = open_pos(qtbot, demo_store, cashier)
    qtbot.waitUntil(lambda: after.cart_model.rowCount() == 1, timeout=3000)
    assert after.cart_model.lines() == (sold,)  # its parts as scanned, not as raw data
    assert [part.serial for part in after.cart_model.line(0).bundle_units] == ["CZ000003", "LN1"]
