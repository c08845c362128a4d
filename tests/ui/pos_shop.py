"""What the till's UI tests share: the demo shop's codes, opening a view (POS, Refund,
Stock) as someone, and typing at it the way a cashier (or a scanner) does."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.records import SaleRecord
from app.pos.services import Checkout, complete_sale
from app.scan import UnitScan, resolve_scan
from app.ui.formatting import ShopFormat
from app.ui.pos.pos_view import PosView
from app.ui.pos.till import till_of
from app.ui.refund.refund_view import RefundView
from app.ui.stock.stock_view import StockView
from app.users.roles import Actor

SHOP = ShopSettings()
PHONE = "PX000001"  # Phone X200, $499.00, 365 days of warranty, in the front store
PHONE_2 = "PX000002"
LAPTOP = "LA000001"
CABLE_BARCODE = "4006381333948"  # USB-C cable, bulk, $12.99
PHONE_SKU = "PH-X200"
MANAGER_PIN = "1234"
CASHIER_PIN = "1111"


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts go to the active window only."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def open_pos(qtbot: QtBot, store: Store, actor: Actor) -> PosView:
    view = PosView(store, ShopFormat(SHOP), SHOP)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    view.set_actor(actor)
    activate(qtbot, view)
    view.focus_search()
    settle(qtbot)
    return view


def open_refund(qtbot: QtBot, store: Store, actor: Actor) -> RefundView:
    view = RefundView(store, ShopFormat(SHOP), SHOP)
    qtbot.addWidget(view)
    view.resize(1100, 720)
    view.show()
    view.set_actor(actor)
    activate(qtbot, view)
    view.focus_search()
    settle(qtbot)
    return view


def open_stock(qtbot: QtBot, store: Store, actor: Actor) -> StockView:
    view = StockView(store, ShopFormat(SHOP))
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.set_actor(actor)
    settle(qtbot)  # the first page of units comes from a worker
    return view


def type_code(qtbot: QtBot, field: QWidget, code: str) -> None:
    """Types a code into a field and presses Enter."""
    qtbot.keyClicks(field, code)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    settle(qtbot)  # the look-up (or the sale) runs on a worker


def press(qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    """A key pressed wherever the focus is (shortcuts, Enter in the focused field)."""
    # A closing dialog hands the keyboard back to the till's window a moment later.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    focused = QApplication.focusWidget()
    assert focused is not None
    if modifier is None:
        qtbot.keyClick(focused, key)
    else:
        qtbot.keyClick(focused, key, modifier)
    settle(qtbot)


def sell_through_service(store: Store, actor: Actor, *serials: str) -> SaleRecord:
    """Another till sells these units (paid in cash) while this test's till looks on."""
    lines = []
    for serial in serials:
        found = resolve_scan(store, actor, serial, location=SHOP.till_location)
        assert isinstance(found, UnitScan)
        lines.append(found.unit.cart_line())
    total = sum(line.unit_price for line in lines)
    checkout = Checkout(tuple(lines), (TenderInput(TenderKind.CASH, total),))
    return complete_sale(store, actor, till_of(SHOP), checkout)
