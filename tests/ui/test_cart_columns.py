"""The cart's columns and rows as the till paints a scan: a long name wraps onto a taller
row before it is first painted, the tenth line's scroll bar re-wraps nothing, a figure
column only grows within a sale, and the open sale is saved after the paint that shows
the change."""

from __future__ import annotations

import pytest
from layout_check import cut_texts
from pos_shop import SHOP
from PySide6.QtCore import QEvent, QObject, QRunnable
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

# The till's style sheet, as the app runs: it is what wraps a name onto a taller row.
from test_layout_ticket_and_kit import till_look  # noqa: F401

from app.ids import ItemId, UnitId
from app.pos.cart import CartLine
from app.ui import ops as ops_module
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops, ops_running
from app.ui.pos import cart_model as cols
from app.ui.pos.cart_columns import NAME_MIN, CartColumns
from app.ui.pos.cart_model import CartModel
from app.ui.pos.pos_widgets import CartTable

LONG = "Refurbished laptop T14, 16 GB memory, 512 GB disk, German keyboard, two-year warranty"


def _line(n: int, name: str = "Phone case", serial: str | None = None) -> CartLine:
    unit = UnitId(100 + n) if serial else None
    return CartLine(ItemId(n), f"SKU{n}", name, 1299 + n, 1900, unit_id=unit, serial=serial)


def _cart(qtbot: QtBot) -> tuple[CartTable, CartModel]:
    model = CartModel(ShopFormat(SHOP), prices_include_tax=True)
    table = CartTable()
    table.setModel(model)
    table.setWordWrap(True)
    table.verticalHeader().setDefaultSectionSize(34)
    table.verticalHeader().setMinimumSectionSize(34)
    CartColumns(table, cols.ITEM)
    qtbot.addWidget(table)
    table.resize(640, 330)
    table.show()
    qtbot.waitExposed(table)
    return table, model


def test_a_long_name_is_tall_before_its_first_paint(qtbot: QtBot) -> None:
    table, model = _cart(qtbot)
    model.add(_line(1, LONG, "SN1"))
    assert table.rowHeight(0) > 34  # at once: no paint has happened since the add
    assert cut_texts(table) == []


def test_the_scroll_bar_coming_rewraps_no_name(qtbot: QtBot) -> None:
    table, model = _cart(qtbot)
    model.add(_line(0, LONG, "SN0"))
    qtbot.wait(20)
    name_width, first_height = table.columnWidth(cols.ITEM), table.rowHeight(0)
    n = 1
    while not table.verticalScrollBar().isVisible():
        model.add(_line(n, LONG if n % 2 else "Phone case", f"SN{n}" if n % 2 else None))
        QApplication.processEvents()
        n += 1
        assert n < 40, "the cart never needed its scroll bar"
    assert table.columnWidth(cols.ITEM) == name_width
    assert table.rowHeight(0) == first_height
    assert cut_texts(table) == []


def test_a_figure_column_grows_in_a_sale_and_keeps_its_width_for_the_next(
    qtbot: QtBot,
) -> None:
    table, model = _cart(qtbot)
    heading = table.columnWidth(cols.SERIAL)
    model.add(_line(1, serial="SN-00000001"))
    wide = table.columnWidth(cols.SERIAL)
    assert wide > heading
    model.add(_line(2, serial="S2"))
    model.remove(0)
    assert table.columnWidth(cols.SERIAL) == wide  # a narrower one would re-wrap every name
    model.clear()  # the next sale: the columns stay where they were
    assert table.columnWidth(cols.SERIAL) == wide
    model.add(_line(3, serial="S3"))
    assert table.columnWidth(cols.SERIAL) == wide
    assert cut_texts(table) == []


def test_a_sale_starts_from_the_headings_when_kept_widths_would_squeeze_the_names(
    qtbot: QtBot,
) -> None:
    table, model = _cart(qtbot)
    heading = table.columnWidth(cols.SERIAL)
    kit_serials = ", ".join(f"KIT-PART-{n:04d}" for n in range(6))  # a kit's list of serials
    model.add(_line(1, serial=kit_serials))
    assert table.columnWidth(cols.SERIAL) > table.width() // 2
    model.clear()
    assert table.columnWidth(cols.SERIAL) == heading
    model.add(_line(2, serial="S2"))
    assert table.columnWidth(cols.SERIAL) == heading
    assert cut_texts(table) == []


def test_a_write_after_paint_starts_once_the_change_is_painted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)  # its first paints are done
    order: list[str] = []

    class Pool:  # the job handed to the pool, in order with the paints; then run here
        def start(self, job: QRunnable) -> None:
            order.append("started")
            job.run()

    monkeypatch.setattr(ops_module, "_pool", Pool)

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                order.append("painted")
            return False

    watch = Watch()
    widget.installEventFilter(watch)
    ops = Ops(None, widget, show_problem=lambda _line: None)
    widget.update()  # a change on screen, then the open sale's save
    ops.run(lambda: None, success=lambda _none: None, name="save", after_paint=True)
    assert ops_running() == 1  # settling waits for it from the call on
    qtbot.waitUntil(lambda: ops_running() == 0, timeout=2000)
    assert order[:2] == ["painted", "started"]


def test_a_narrowed_window_gives_kept_widths_back_to_the_names(qtbot: QtBot) -> None:
    """Widths kept from an earlier sale are given up when the till's window narrows (or
    the discount column comes): only this sale's lines count again."""
    table, model = _cart(qtbot)
    heading = table.columnWidth(cols.SERIAL)
    model.add(_line(1, serial="SN-00000001"))
    kept = table.columnWidth(cols.SERIAL)
    model.clear()
    model.add(_line(2, serial="S2"))
    assert table.columnWidth(cols.SERIAL) == kept
    table.resize(470, 330)
    qtbot.waitUntil(lambda: table.columnWidth(cols.SERIAL) == heading)
    assert table.columnWidth(cols.ITEM) >= NAME_MIN
    assert cut_texts(table) == []
