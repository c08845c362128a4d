"""The till's big total is read from a metre away and is never cut: a five-figure sale
showed "16,248.00" with its currency sign clipped off the panel."""

from __future__ import annotations

from layout_check import cut_texts
from pos_shop import SHOP, activate
from pytestqt.qtbot import QtBot
from settle import settle
from test_layout_ticket_and_kit import till_look  # noqa: F401  (the app's style sheet)

from app.db.uow import Store
from app.pos.cart import Totals
from app.ui.main_window import MainWindow
from app.ui.pos.totals_panel import TOTAL_POINTS
from app.users.services import actor_by_name


def _show(panel_owner: MainWindow, cents: int) -> None:
    panel = panel_owner.pos_view.totals_panel
    panel.show_totals(Totals((), cents, 0, 0, cents), items=1, sale_discount_bp=0)


def test_a_big_total_shows_whole_and_a_small_one_stays_big(
    qtbot: QtBot,
    demo_store: Store,
    till_look: None,  # noqa: F811
) -> None:
    window = MainWindow(demo_store, SHOP)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.log_in(actor_by_name(demo_store, "cashier"))
    activate(qtbot, window)
    settle(qtbot)
    panel = window.pos_view.totals_panel
    _show(window, 52_498)
    qtbot.wait(30)
    height = panel.total.height()
    for cents in (52_498, 1_624_800, 123_456_789):
        _show(window, cents)
        qtbot.wait(30)  # laid out on the next pass of the event loop
        assert cut_texts(panel) == [], panel.total.text()
    assert panel.total.font().pointSizeF() < TOTAL_POINTS  # $1,234,567.89 made room
    assert panel.total.height() == height  # a smaller font, the same place
    _show(window, 52_498)
    qtbot.wait(30)
    assert panel.total.font().pointSizeF() == TOTAL_POINTS  # the next customer's $524.98
    assert panel.total.height() == height  # the panel does not jump
    window.hide()
