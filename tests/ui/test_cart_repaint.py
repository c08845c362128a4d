"""A scanned line repaints the cart from that line down, not the lines above it (each
line painted again cost the till a quarter of a millisecond a scan); a new sale or a line
removed repaints all of it, and what is painted is what the cart holds."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot
from test_cart_columns import _cart, _line

from app.ui.pos import cart_model as cols
from app.ui.pos.cart_model import CartModel
from app.ui.pos.pos_widgets import CartTable


class _Painted(QObject):
    """The areas of the table's viewport painted since the last look."""

    def __init__(self, table: QAbstractItemView) -> None:
        super().__init__(table)
        self.areas: list[QRect] = []
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.areas.append(event.region().boundingRect())
        return False

    def next_paint(self, qtbot: QtBot) -> QRect:
        self.areas.clear()
        qtbot.waitUntil(lambda: bool(self.areas))
        qtbot.wait(20)  # a second paint would come now
        united = QRect()
        for area in self.areas:
            united = united.united(area)
        return united


def _cart_of_three(qtbot: QtBot) -> tuple[CartTable, CartModel]:
    """A cart of three lines, not yet painted."""
    table, model = _cart(qtbot)
    for n in range(3):
        model.add(_line(n, serial=f"SN{n}"))
    return table, model


def test_a_scanned_line_repaints_from_it_down(qtbot: QtBot) -> None:
    table, model = _cart_of_three(qtbot)
    painted = _Painted(table)
    painted.next_paint(qtbot)
    model.add(_line(3, serial="SN3"))
    area = painted.next_paint(qtbot)
    top = table.rowViewportPosition(3)
    assert top > 0
    assert area.top() == top  # the lines above are left as painted
    assert area.bottom() == table.viewport().rect().bottom()  # the new line and below
    assert table.model().rowCount() == 4


def test_the_first_line_and_a_new_sale_repaint_it_all(qtbot: QtBot) -> None:
    table, model = _cart(qtbot)
    painted = _Painted(table)
    model.add(_line(0, serial="SN0"))  # the empty cart's text goes
    assert painted.next_paint(qtbot) == table.viewport().rect()
    model.add(_line(1, serial="SN1"))
    painted.next_paint(qtbot)
    model.clear()
    assert painted.next_paint(qtbot) == table.viewport().rect()


def test_a_removed_line_repaints_it_all(qtbot: QtBot) -> None:
    table, model = _cart_of_three(qtbot)
    painted = _Painted(table)
    painted.next_paint(qtbot)
    model.remove(0)
    assert painted.next_paint(qtbot) == table.viewport().rect()
    assert table.model().rowCount() == 2


def test_a_line_removed_then_one_scanned_before_the_paint_repaints_it_all(
    qtbot: QtBot,
) -> None:
    table, model = _cart_of_three(qtbot)
    painted = _Painted(table)
    painted.next_paint(qtbot)
    model.remove(0)  # the lines below it moved up
    model.add(_line(3, serial="SN3"))
    assert painted.next_paint(qtbot) == table.viewport().rect()


def test_a_selected_line_leaves_the_headings_unpainted(qtbot: QtBot) -> None:
    """Every scan selects its line: Qt's header repainted all its headings for it (0.5-0.7
    ms a scan) though none is drawn as selected."""
    table, _model = _cart_of_three(qtbot)
    headings = _Painted(table.horizontalHeader())
    whole = _Painted(table)
    whole.next_paint(qtbot)
    headings.areas.clear()  # the lines' coming widened some
    for row in (2, 0, 1):
        table.selectRow(row)
        whole.next_paint(qtbot)  # the lines are repainted as selected...
        assert headings.areas == []  # ...the headings are not
    table.horizontalHeader().resizeSection(cols.PRICE, 150)  # a heading that moved is
    headings.next_paint(qtbot)
