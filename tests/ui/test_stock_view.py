"""The Stock view: filters over the unit list, the unit's history, the stock summaries."""

from __future__ import annotations

import pytest
from demo_shop import DEMO_UNITS
from pos_shop import open_stock
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.stock import queries
from app.stock.moves import transfer_units
from app.ui.stock.stock_view import StockView
from app.ui.stock.units_page import NO_MATCH_TEXT
from app.users.roles import Actor


@pytest.fixture
def view(qtbot: QtBot, demo_store: Store, demo_manager: Actor) -> StockView:
    return open_stock(qtbot, demo_store, demo_manager)


def _serials(view: StockView) -> list[str]:
    model = view.units_page.model
    return [model.unit(row).serial for row in range(model.rowCount())]


def _select_row(view: StockView, row: int) -> None:
    page = view.units_page
    flags = (
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )
    page.table.selectionModel().setCurrentIndex(page.model.index(row, 0), flags)


def test_view_opens_on_every_unit(qtbot: QtBot, view: StockView) -> None:
    assert view.units_page.model.rowCount() == DEMO_UNITS
    assert view.units_page.count_label.text() == f"{DEMO_UNITS} units"


def test_typing_filters_after_a_pause(qtbot: QtBot, view: StockView) -> None:
    page = view.units_page
    qtbot.keyClicks(page.filter_bar.search_edit, "sn01")
    assert page.model.rowCount() == DEMO_UNITS  # not on every keystroke
    qtbot.waitUntil(lambda: _serials(view) == ["SN0100", "SN0101", "SN0102"], timeout=2000)


def test_enter_filters_at_once_and_contains_finds_the_middle(qtbot: QtBot, view: StockView) -> None:
    bar = view.units_page.filter_bar
    qtbot.keyClicks(bar.search_edit, "0101")
    qtbot.keyClick(bar.search_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert _serials(view) == []  # no serial *starts* with 0101
    bar.contains_box.setChecked(True)
    settle(qtbot)
    assert _serials(view) == ["SN0101"]


def test_no_match_says_so(qtbot: QtBot, view: StockView) -> None:
    page = view.units_page
    qtbot.keyClicks(page.filter_bar.search_edit, "nothing-like-this")
    qtbot.keyClick(page.filter_bar.search_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert page.model.rowCount() == 0
    assert page.table.is_showing_empty_text()
    assert page.table.empty_text == NO_MATCH_TEXT
    assert page.count_label.text() == ""


def test_item_status_and_location_lists_filter(qtbot: QtBot, view: StockView) -> None:
    bar = view.units_page.filter_bar
    # Bulk items have no units, so the item list offers serialized ones only.
    skus = [bar.item_combo.itemData(i) for i in range(bar.item_combo.count())]
    assert skus == [None, "CAM-Z5", "DRL-18V", "LT-AIR14", "PH-X200"]

    bar.item_combo.setCurrentIndex(bar.item_combo.findData("PH-X200"))
    settle(qtbot)
    assert len(_serials(view)) == 17
    bar.location_combo.setCurrentIndex(bar.location_combo.findData("Back room"))
    settle(qtbot)
    assert _serials(view) == ["SN0098", "SN0099", "SN0100", "SN0101", "SN0102"]
    bar.status_combo.setCurrentIndex(bar.status_combo.findData("sold"))
    settle(qtbot)
    assert _serials(view) == []

    bar.clear()
    settle(qtbot)
    assert len(_serials(view)) == DEMO_UNITS


def test_history_panel_shows_the_receive_entry(qtbot: QtBot, view: StockView) -> None:
    page = view.units_page
    page.model.set_filter(queries.UnitFilter(prefix="SN0100"))
    settle(qtbot)
    _select_row(view, 0)
    settle(qtbot)
    history = page.history
    assert history.unit is not None and history.unit.serial == "SN0100"
    assert history.model.rowCount() == 1
    entry = history.model.record(0)
    assert entry.kind == "receive" and entry.user == "manager"
    shown = [history.model.data(history.model.index(0, c)) for c in range(7)]
    assert shown[1:5] == ["Received", "", "in stock at Back room", "manager"]
    assert "SN0100" in history.heading.text()


def test_history_follows_a_transfer(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, view: StockView
) -> None:
    transfer_units(demo_store, demo_manager, ["SN0100"], to_location="Front store")
    view.refresh()
    settle(qtbot)
    view.units_page.model.set_filter(queries.UnitFilter(prefix="SN0100"))
    settle(qtbot)
    _select_row(view, 0)
    settle(qtbot)
    kinds = [e.kind for e in view.units_page.history.model.records()]
    assert kinds == ["receive", "transfer"]


def test_down_from_search_selects_the_first_unit(qtbot: QtBot, view: StockView) -> None:
    page = view.units_page
    view.focus_search()
    qtbot.keyClick(page.filter_bar.search_edit, Qt.Key.Key_Down)
    settle(qtbot)
    assert page.table.selectionModel().selectedRows()[0].row() == 0
    assert page.history.unit == page.model.unit(0)


def test_column_chooser_hides_and_shows_columns(qtbot: QtBot, view: StockView) -> None:
    page = view.units_page
    columns = [c.key for c in page.model.columns]
    menu = page._chooser.menu()
    assert [a.text() for a in menu.actions()] == [c.title for c in page.model.columns]
    # Extra columns start hidden; the PRODUCT.md columns start shown.
    assert page.table.isColumnHidden(columns.index("sku"))
    assert not page.table.isColumnHidden(columns.index("warranty_end"))
    asset_tag = columns.index("asset_tag")
    menu.actions()[asset_tag].setChecked(False)
    assert page.table.isColumnHidden(asset_tag)
    page._chooser.set_shown(asset_tag, True)
    assert not page.table.isColumnHidden(asset_tag)


def test_stock_by_location_and_valuation_tabs(qtbot: QtBot, view: StockView) -> None:
    view.tabs.setCurrentWidget(view.by_location)
    settle(qtbot)
    rows = view.by_location.model.records()
    back_room = [r for r in rows if r.location == "Back room"]
    assert [(r.sku, r.qty) for r in back_room] == [("PH-X200", 5)]
    assert view.by_location.total_label.text().startswith("133 on hand")

    view.tabs.setCurrentWidget(view.valuation)
    settle(qtbot)
    phones = next(r for r in view.valuation.model.records() if r.sku == "PH-X200")
    assert phones.value == 12 * 36000 + 5 * 35500
    total = sum(r.value for r in view.valuation.model.records())
    assert view.valuation.total_label.text().startswith(f"Total stock value ${total / 100:,.2f}")


def test_locking_empties_every_list(qtbot: QtBot, view: StockView) -> None:
    view.tabs.setCurrentWidget(view.valuation)
    settle(qtbot)
    view.set_actor(None)
    settle(qtbot)
    assert view.units_page.model.rowCount() == 0
    assert view.valuation.model.rowCount() == 0
    assert view.units_page.filter_bar.item_combo.count() == 1
