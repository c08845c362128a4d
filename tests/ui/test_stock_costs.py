"""The Stock list shows unit costs only to roles that may view costs."""

from __future__ import annotations

from pos_shop import open_stock
from pytestqt.qtbot import QtBot

from app.db.uow import Store
from app.ui.stock.stock_view import StockView
from app.users.services import actor_by_name


def _cost_column(view: StockView) -> int:
    return next(i for i, c in enumerate(view.units_page.model.columns) if c.key == "cost")


def _costs(view: StockView) -> list[str]:
    model = view.units_page.model
    column = _cost_column(view)
    return [str(model.index(r, column).data() or "") for r in range(model.rowCount())]


def test_a_cashier_sees_no_unit_costs(qtbot: QtBot, demo_store: Store) -> None:
    view = open_stock(qtbot, demo_store, actor_by_name(demo_store, "cashier"))
    assert view.units_page.model.rowCount() > 0
    assert view.units_page.table.isColumnHidden(_cost_column(view))
    assert set(_costs(view)) == {""}


def test_the_back_office_sees_them(qtbot: QtBot, demo_store: Store) -> None:
    view = open_stock(qtbot, demo_store, actor_by_name(demo_store, "backoffice"))
    assert not view.units_page.table.isColumnHidden(_cost_column(view))
    assert "$360.00" in _costs(view)
