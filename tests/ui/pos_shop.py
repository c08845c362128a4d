"""What the till's UI tests share: the demo shop's codes, opening a view (POS, Refund,
Tickets, Stock) as someone, and typing at it the way a cashier (or a scanner) does."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.pos.cart import CartLine, TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.pos.records import SaleRecord
from app.scan import AddLine, resolve_scan, sale_step
from app.ui.formatting import ShopFormat
from app.ui.pos.pos_view import PosView
from app.ui.pos.till import till_of
from app.ui.refund.refund_view import RefundView
from app.ui.stock.stock_view import StockView
from app.ui.tickets.tickets_view import TicketsView
from app.users.roles import Actor

SHOP = ShopSettings(till_location="Front store")
PHONE = "PX000001"  # Phone X200, $499.00, 365 days of warranty, in the front store
PHONE_2 = "PX000002"
LAPTOP = "LA000001"
CABLE_BARCODE = "4006381333948"  # USB-C cable, bulk, $12.99
PHONE_SKU = "PH-X200"
MANAGER_PIN = "1234"
CASHIER_PIN = "1111"
TillView = TypeVar("TillView", PosView, RefundView, TicketsView)


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts go to the active window only."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)


def open_view(
    qtbot: QtBot, kind: type[TillView], store: Store, actor: Actor, *, size: tuple[int, int]
) -> TillView:
    """A view of the till (POS, Refund, Tickets) as `actor` finds it: shown, active, its
    search field focused and its first reads done."""
    view = kind(store, ShopFormat(SHOP), SHOP)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    view.set_actor(actor)
    activate(qtbot, view)
    view.focus_search()
    settle(qtbot)
    return view


def open_pos(qtbot: QtBot, store: Store, actor: Actor) -> PosView:
    return open_view(qtbot, PosView, store, actor, size=(1100, 720))


def open_refund(qtbot: QtBot, store: Store, actor: Actor) -> RefundView:
    return open_view(qtbot, RefundView, store, actor, size=(1100, 720))


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


def cart_lines(store: Store, actor: Actor, *serials: str) -> list[CartLine]:
    """The cart lines these serials make when scanned at the till."""
    lines = []
    for serial in serials:
        found = resolve_scan(store, actor, serial, location=SHOP.till_location)
        step = sale_step(found, location=SHOP.till_location)
        assert isinstance(step, AddLine), step
        lines.append(step.line)
    return lines


def sell_lines(store: Store, actor: Actor, lines: list[CartLine]) -> SaleRecord:
    """Completes a cash sale of these lines at the till, as the payment dialog would."""
    total = sum(line.unit_price for line in lines)
    checkout = Checkout(tuple(lines), (TenderInput(TenderKind.CASH, total),))
    return complete_sale(store, actor, till_of(SHOP), checkout)


def sell_through_service(store: Store, actor: Actor, *serials: str) -> SaleRecord:
    """Another till sells these units (paid in cash) while this test's till looks on."""
    return sell_lines(store, actor, cart_lines(store, actor, *serials))
