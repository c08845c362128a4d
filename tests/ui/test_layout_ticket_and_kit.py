"""The POS at 1366x768 (and 1280x800) with the longest lines a till sees: a repair ticket's
lines (the ticket number before each, a long labour text) and a kit with its serials. No
item name is cut short, and the window is no wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from layout_check import cut_texts, too_wide
from pos_shop import SHOP, activate, type_code
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from settle import settle
from ticket_desk import make_desk, take_in_foreign

from app.db.uow import Store
from app.stock.bundles import ComponentInput, set_components
from app.stock.items import ItemFields, create_item
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.tickets.parts import add_labour, add_part
from app.tickets.workflow import change_status
from app.ui.app import style_sheet
from app.ui.main_window import MainWindow
from app.users.roles import Actor
from app.users.services import actor_by_name

SCREENS = [(1366, 768), (1280, 800)]
KIT = "Camera kit Z5 (body, lens, cable)"
LABOUR = "Screen and charging port fitting"


@pytest.fixture(autouse=True)
def till_look(qapp: QApplication) -> Iterator[None]:
    """The till's own style sheet (its fonts and paddings), as the app runs."""
    sheet = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(sheet)


def _kit_and_ticket(store: Store, manager: Actor) -> str:
    lens = ItemFields(name="Lens 50 mm f/1.8", price=30000, serialized=True, warranty_days=730)
    create_item(store, manager, sku="LEN-50", values=lens)
    receive_serials(
        store, manager, Receiving("LEN-50", "Front store"), parse_list("LN1"), method="list"
    )
    create_item(store, manager, sku="KIT-Z5", values=ItemFields(name=KIT, price=109900))
    parts = [ComponentInput("CAM-Z5"), ComponentInput("LEN-50"), ComponentInput("CBL-USBC")]
    set_components(store, manager, "KIT-Z5", parts)
    desk = make_desk(store)
    number = take_in_foreign(desk, "ACME-778899").number
    change_status(store, desk.service, number, "diagnosing")
    add_part(store, desk.service, number, "PX000012", location="Front store")
    add_part(store, desk.service, number, "CBL-USBC", qty=2, location="Front store")
    add_labour(store, desk.service, number, LABOUR, 4500)
    change_status(store, desk.service, number, "ready")
    return number


@pytest.mark.parametrize("screen", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_a_ticket_and_a_kit_in_the_cart_fit(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, screen: tuple[int, int]
) -> None:
    number = _kit_and_ticket(demo_store, demo_manager)
    window = MainWindow(demo_store, SHOP)
    qtbot.addWidget(window)
    window.resize(*screen)
    window.show()
    window.log_in(actor_by_name(demo_store, "cashier"))
    activate(qtbot, window)
    settle(qtbot)
    pos = window.pos_view
    type_code(qtbot, pos.scan_edit, number)
    type_code(qtbot, pos.scan_edit, "KIT-Z5")
    dialog = pos.dialog
    assert dialog is not None
    for serial in ("CZ000003", "LN1"):
        pos.handle_scan(serial)  # the scanner, into the kit's dialog
        settle(qtbot)
    assert pos.dialog is None and pos.cart_model.rowCount() == 4
    names = [line.name for line in pos.cart_model.lines()]
    assert f"{number} · {LABOUR}" in names and KIT in names
    qtbot.wait(30)  # layouts settle on the next pass of the event loop
    problems = cut_texts(window) + too_wide(window, screen[0])
    assert not problems, "\n".join(problems)
    window.hide()
