"""The serial inventory list model: keyset pages, filters, and how cells read."""

from __future__ import annotations

from demo_shop import DEMO_UNITS, EXTRA_PHONES
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.stock.moves import write_off
from app.stock.queries import UnitFilter
from app.ui.formatting import ShopFormat
from app.ui.models.units_model import UNIT_ROLE, UnitsTableModel
from app.users.roles import Actor


def _column(model: UnitsTableModel, key: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.key == key)


def _cell(model: UnitsTableModel, row: int, key: str) -> str:
    return str(model.data(model.index(row, _column(model, key))))


def test_model_loads_one_page_then_fetches_more_as_asked(
    qtbot: QtBot, busy_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    model = UnitsTableModel(busy_store, fmt, actor=demo_manager, page_size=50)
    settle(qtbot)
    assert model.rowCount() == 50
    assert model.canFetchMore()

    fetches = 0
    while model.canFetchMore():
        before = model.rowCount()
        model.fetchMore()
        settle(qtbot)
        fetches += 1
        assert before < model.rowCount() <= before + 50  # one page at a time, never all

    total = DEMO_UNITS + EXTRA_PHONES
    assert model.rowCount() == total
    assert fetches == -(-total // 50) - 1
    serials = [model.unit(row).serial for row in range(total)]
    assert len(set(zip(serials, (model.unit(r).sku for r in range(total)), strict=True))) == total
    assert [s.lower() for s in serials] == sorted(s.lower() for s in serials)


def test_fetch_more_announces_the_new_rows(
    qtbot: QtBot, busy_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    model = UnitsTableModel(busy_store, fmt, actor=demo_manager, page_size=100)
    settle(qtbot)
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore()
        settle(qtbot)
    assert inserted.args[1:] == [100, 199]


def test_filters_change_the_rows(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    model = UnitsTableModel(demo_store, fmt, actor=demo_manager)
    settle(qtbot)
    assert model.rowCount() == DEMO_UNITS

    model.set_filter(UnitFilter(sku="CAM-Z5"))
    settle(qtbot)
    assert model.rowCount() == 12
    assert {model.unit(r).sku for r in range(12)} == {"CAM-Z5"}

    model.set_filter(UnitFilter(location="Back room"))
    settle(qtbot)
    assert [model.unit(r).serial for r in range(model.rowCount())] == [
        "SN0098",
        "SN0099",
        "SN0100",
        "SN0101",
        "SN0102",
    ]

    model.set_filter(UnitFilter(prefix="sn01"))  # letter case ignored
    settle(qtbot)
    assert model.rowCount() == 3

    model.set_filter(UnitFilter(search="0099"))
    settle(qtbot)
    assert [model.unit(r).serial for r in range(model.rowCount())] == ["SN0099"]

    model.set_filter(UnitFilter(status="sold"))
    settle(qtbot)
    assert model.rowCount() == 0
    assert not model.canFetchMore()


def test_written_off_unit_reads_as_written_off(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    write_off(demo_store, demo_manager, "SN0100", reason="dropped", sku="PH-X200")
    model = UnitsTableModel(demo_store, fmt, actor=demo_manager)
    settle(qtbot)
    model.set_filter(UnitFilter(status="adjusted_out"))
    settle(qtbot)
    assert model.rowCount() == 1
    assert _cell(model, 0, "serial") == "SN0100"
    assert _cell(model, 0, "status") == "Written off"
    assert _cell(model, 0, "where") == ""  # written off: nowhere in the shop


def test_cells_use_the_shop_currency_and_hold_the_unit(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    euro = ShopFormat(ShopSettings(currency="EUR", locale="de_DE"))
    model = UnitsTableModel(demo_store, euro, actor=demo_manager)
    settle(qtbot)
    model.set_filter(UnitFilter(prefix="SN0098"))
    settle(qtbot)
    assert _cell(model, 0, "cost") == "355,00\xa0€"
    assert _cell(model, 0, "item") == "Phone X200 128 GB"
    assert _cell(model, 0, "where") == "Back room"
    unit = model.data(model.index(0, 0), UNIT_ROLE)
    assert unit.serial == "SN0098" and unit.sku == "PH-X200"
    align = model.data(model.index(0, _column(model, "cost")), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight


def test_refused_filter_is_reported_not_raised(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    model = UnitsTableModel(demo_store, fmt, actor=demo_manager)
    settle(qtbot)
    with qtbot.waitSignal(model.failed) as failed:
        model.set_filter(UnitFilter(sku="NO-SUCH"))
        settle(qtbot)
    assert "no item with SKU 'NO-SUCH'" in failed.args[0]
    assert model.rowCount() == 0
    assert not model.canFetchMore()


def test_locked_till_shows_no_units(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    model = UnitsTableModel(demo_store, fmt, actor=demo_manager, page_size=10)
    settle(qtbot)
    model.set_actor(None)
    settle(qtbot)
    assert model.rowCount() == 0
    assert not model.canFetchMore()
    model.fetchMore()  # nothing to fetch for nobody
    assert model.rowCount() == 0
