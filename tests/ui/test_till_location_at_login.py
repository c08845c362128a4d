"""A till with no location set sells from the store's only sellable location; a till whose
location is missing says so at log-in, with the fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pos_shop import PHONE, activate, type_code
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.stock import till_location as till_location_module
from app.ui.formatting import ShopFormat
from app.ui.main_window import MainWindow
from app.ui.pos.pos_view import PosView
from app.ui.refund.refund_view import RefundView
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


def test_no_till_location_sells_from_the_only_sellable_one(qtbot: QtBot, demo_store: Store) -> None:
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


def test_the_till_location_is_looked_up_once_a_log_in(
    qtbot: QtBot, demo_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """POS, Refund and the window's banner all hear the one answer."""
    asked: list[str] = []

    def counted(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def ask(*args: object) -> object:
            asked.append(name)
            return real(*args)

        return ask

    for module in (till_location_module,):  # imported by the look-up, on its worker
        for name in ("till_location_of",):  # check_till_location asks through it
            real = getattr(module, name, None)
            if real is not None:
                monkeypatch.setattr(module, name, counted(name, real))
    window = MainWindow(demo_store, ShopSettings())
    qtbot.addWidget(window)
    window.log_in(actor_by_name(demo_store, "cashier"))
    settle(qtbot)
    assert len(asked) == 1, asked
    assert window.pos_view.till.location == window.refund_view.till.location == "Front store"
    assert window.till_banner.isHidden()
    # A till view built after the answer came (views built when first needed) hears it too.
    shop = ShopSettings()
    late = RefundView(demo_store, ShopFormat(shop), shop, place=window.till_place)
    qtbot.addWidget(late)
    late.set_actor(actor_by_name(demo_store, "cashier"))
    settle(qtbot)
    assert late.till.location == "Front store" and len(asked) == 1, asked
    window.lock()
    window.log_in(actor_by_name(demo_store, "manager"))
    settle(qtbot)
    assert len(asked) == 2, asked
