"""A till with no location set sells from the store's only sellable location; a till whose
location is missing says so at log-in, with the fix."""

from __future__ import annotations

from pos_shop import PHONE, activate, type_code
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.ui.formatting import ShopFormat
from app.ui.pos.pos_view import PosView
from app.users.services import actor_by_name


def _pos(qtbot: QtBot, store: Store, shop: ShopSettings) -> PosView:
    view = PosView(store, ShopFormat(shop), shop)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    view.set_actor(actor_by_name(store, "cashier"))
    activate(qtbot, view)
    settle(qtbot)
    return view


def test_no_till_location_sells_from_the_only_sellable_one(
    qtbot: QtBot, demo_store: Store
) -> None:
    pos = _pos(qtbot, demo_store, ShopSettings())
    assert pos.till.location == "Front store"
    type_code(qtbot, pos.scan_edit, PHONE)
    assert pos.cart_model.rowCount() == 1


def test_a_missing_till_location_is_said_at_log_in(qtbot: QtBot, demo_store: Store) -> None:
    problems: list[str] = []
    shop = ShopSettings(till_location="Shop floor")
    view = PosView(demo_store, ShopFormat(shop), shop)
    qtbot.addWidget(view)
    view.problem.connect(problems.append)
    view.show()
    view.set_actor(actor_by_name(demo_store, "cashier"))
    settle(qtbot)
    assert "'Shop floor', which is not a location in this store" in view.message.text()
    assert problems and "one of: Front store" in problems[0]
