"""Every view and dialog at 1366x768 (and 1280x800): no text cut short, nothing wider than
the screen — the window included, whatever a scan adds to it (the refund button after a
receipt is scanned widened it to 1458 px)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from demo_shop import enter_pin
from device_support import running_devices
from layout_check import cut_texts, too_wide
from pos_shop import (
    CABLE_BARCODE,
    MANAGER_PIN,
    PHONE,
    PHONE_2,
    PHONE_SKU,
    activate,
    sell_through_service,
    type_code,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import Settings, ShopSettings
from app.db.uow import Store
from app.paperwork.labels import LabelSource
from app.pos.refunds import RefundLineRequest, RefundRequest, refund_sale
from app.stock.queries import UnitFilter, list_units
from app.ui.app import style_sheet
from app.ui.dialogs.pin_dialog import PinDialog
from app.ui.formatting import ShopFormat
from app.ui.main_window import MainWindow
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.discount_dialog import DiscountDialog
from app.ui.pos.till import till_of
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.receive_dialog import ReceiveDialog
from app.users.services import actor_by_name

SCREENS = [(1366, 768), (1280, 800)]
LONG_PIN_MESSAGE = "Too many wrong PINs at this till — PIN entry is paused; try again in 4:59"
SHOP = ShopSettings(till_location="Front store")


@pytest.fixture(autouse=True)
def till_look(qapp: QApplication) -> Iterator[None]:
    """The till's own style sheet (its fonts and paddings), as the app runs. The style is
    Fusion already; replacing the style object under live widgets can crash a later test."""
    assert qapp.style().name().lower() == "fusion"
    sheet = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(sheet)


@pytest.fixture(params=SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def screen(request: pytest.FixtureRequest) -> tuple[int, int]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def window(
    qtbot: QtBot, demo_store: Store, tmp_path: Path, screen: tuple[int, int]
) -> Iterator[MainWindow]:
    with running_devices(Settings(shop=SHOP), tmp_path) as devices:
        window = MainWindow(demo_store, SHOP, devices=devices)
        qtbot.addWidget(window)
        window.resize(*screen)
        window.show()
        window.log_in(actor_by_name(demo_store, "manager"))
        activate(qtbot, window)
        settle(qtbot)
        yield window
        window.hide()


def _check(qtbot: QtBot, top: QWidget, width: int, where: str) -> list[str]:
    settle(qtbot)
    qtbot.wait(30)  # layouts settle on the next pass of the event loop
    return [f"{where}: {p}" for p in cut_texts(top) + too_wide(top, width)]


def _dialog_check(qtbot: QtBot, dialog: QDialog, width: int, where: str) -> list[str]:
    qtbot.addWidget(dialog)
    dialog.show()
    problems = _check(qtbot, dialog, width, where)
    dialog.reject()
    return problems


def test_every_view_fits(
    qtbot: QtBot, window: MainWindow, demo_store: Store, screen: tuple[int, int]
) -> None:
    width = screen[0]
    manager = actor_by_name(demo_store, "manager")
    sold = sell_through_service(demo_store, manager, PHONE)
    defective = sell_through_service(demo_store, manager, PHONE_2)
    line = (RefundLineRequest(defective.lines[0].id, 1),)
    request = RefundRequest(defective.number, line, "faulty", "defective")
    refund_sale(demo_store, manager, till_of(SHOP), request, approver=None)
    failed = window.devices.queue if window.devices is not None else None
    assert failed is not None
    failed.submit("Nowhere", "Receipt R-000009", b"x", kind="receipt")  # no such printer
    problems: list[str] = []
    pos = window.pos_view
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    problems += _check(qtbot, window, width, "POS with a line")
    type_code(qtbot, pos.scan_edit, sold.number)  # a receipt: the Refund button shows
    problems += _check(qtbot, window, width, "POS after a receipt scan")
    for row, view in enumerate(window.views):
        window.side_bar.nav.setCurrentRow(row)
        if view is window.stock_view:  # the unit refunded as defective, with its history
            page = window.stock_view.units_page
            page.filter_bar.search_edit.setText(PHONE_2)
            page.filter_bar.apply_now()  # as Enter would (setText is no typing)
            units = page.model
            qtbot.waitUntil(lambda: units.rowCount() == 1, timeout=3000)  # noqa: B023
            page.table.selectRow(0)
            settle(qtbot)
        problems += _check(qtbot, window, width, view.title)
    window.side_bar.nav.setCurrentRow(0)
    assert not problems, "\n".join(problems)


def test_every_dialog_fits(
    qtbot: QtBot, demo_store: Store, screen: tuple[int, int], fmt: ShopFormat
) -> None:
    width = screen[0]
    manager = actor_by_name(demo_store, "manager")
    problems: list[str] = []

    pin = PinDialog(demo_store)
    qtbot.addWidget(pin)
    pin.show()
    enter_pin(qtbot, pin, "9876")  # the wrong-PIN message
    problems += _check(qtbot, pin, width, "PIN dialog, wrong PIN")
    pin.message_label.setText(LONG_PIN_MESSAGE)
    problems += _check(qtbot, pin, width, "PIN dialog, a long message")
    pin.reject()

    approval = ApprovalDialog(demo_store, "refund of 1 unit from R-000002: $499.00 back")
    qtbot.addWidget(approval)
    approval.show()
    type_code(qtbot, approval.pin_edit, "9876")
    problems += _check(qtbot, approval, width, "approval, wrong PIN")
    approval.reject()

    problems += _dialog_check(qtbot, DiscountDialog("Line discount — Phone X200 128 GB", 0, 1000),
                              width, "discount")  # fmt: skip
    receive = ReceiveDialog(demo_store, manager, fmt, sku="PH-X200")
    qtbot.addWidget(receive)
    receive.show()
    settle(qtbot)
    problems += _check(qtbot, receive, width, "receive")
    receive.close_for_lock()

    units = list_units(demo_store, manager, UnitFilter(sku="PH-X200"), limit=3).units
    labels = LabelsDialog(demo_store, manager, LabelSource.chosen(units), settings=Settings())
    qtbot.addWidget(labels)
    labels.resize(min(900, width), 700)
    labels.show()
    settle(qtbot)
    qtbot.waitUntil(lambda: labels.preview.count == 3, timeout=5000)
    settle(qtbot)
    problems += _check(qtbot, labels, width, "labels")
    viewport = labels.preview.viewport().width()
    for card in labels.preview.findChildren(QLabel, "LabelCard"):  # a card shows all its label
        if card.isVisible() and card.pixmap().width() > min(card.width(), viewport):
            problems.append(f"labels: a preview card is cut ({card.pixmap().width()} > {viewport})")
    labels.reject()
    assert not problems, "\n".join(problems)


def test_pos_dialogs_fit(
    qtbot: QtBot, window: MainWindow, demo_store: Store, screen: tuple[int, int]
) -> None:
    width = screen[0]
    pos = window.pos_view
    problems: list[str] = []
    type_code(qtbot, pos.scan_edit, PHONE_SKU)
    assert pos.dialog is not None
    problems += _check(qtbot, pos.dialog, width, "serial picker")
    qtbot.keyClick(pos.dialog, Qt.Key.Key_Escape)
    settle(qtbot)
    type_code(qtbot, pos.scan_edit, PHONE)
    for key, where in ((Qt.Key.Key_F12, "payment"), (Qt.Key.Key_F9, "history")):
        activate(qtbot, window)
        pos.focus_search()
        qtbot.keyClick(pos.scan_edit, key)
        settle(qtbot)
        dialog = pos.dialog
        assert dialog is not None, where
        problems += _check(qtbot, dialog, width, where)
        dialog.reject()
        settle(qtbot)
    assert not problems, "\n".join(problems)


__all__ = ["MANAGER_PIN"]
