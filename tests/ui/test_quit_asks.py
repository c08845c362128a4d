"""Quitting (Ctrl+Q or the window's close button) with a sale open asks first."""

from __future__ import annotations

from pos_shop import CASHIER_PIN, PHONE, type_code
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings
from app.db.uow import Store
from app.ui.main_window import MainWindow
from app.users.services import actor_by_pin


def test_quitting_with_an_open_sale_asks_first(qtbot: QtBot, demo_store: Store) -> None:
    window = MainWindow(demo_store, ShopSettings(till_location="Front store"))
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    window.log_in(actor_by_pin(demo_store, CASHIER_PIN))
    settle(qtbot)
    type_code(qtbot, window.pos_view.scan_edit, PHONE)
    window.close()  # Ctrl+Q and the close button both come here
    box = window.quit_box
    assert isinstance(box, QMessageBox) and "A sale is open (1 item)" in box.text()
    assert window.isVisible()
    box.done(QMessageBox.StandardButton.Cancel.value)
    assert window.isVisible() and window.quit_box is None
    window.close()
    box = window.quit_box
    assert box is not None
    box.done(QMessageBox.StandardButton.Yes.value)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
