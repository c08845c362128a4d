"""A receipt that did not print is said at once (on the sale, and counted on the Print jobs
entry of the side bar); F9 history reprints to the receipt printer, not only a preview."""

from __future__ import annotations

import socket
from pathlib import Path

from device_support import TIMEOUT_MS, running_devices
from pos_shop import CABLE_BARCODE, CASHIER_PIN, activate, press, sell_through_service, type_code
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import Settings, ShopSettings
from app.db.uow import Store
from app.effects.handlers import Effects
from app.ui.main_window import MainWindow
from app.ui.pos.history_dialog import SaleHistoryDialog
from app.ui.pos.payment_dialog import PaymentDialog
from app.users.services import actor_by_pin


def _closed_port() -> int:
    """A loopback port nobody listens on: the printer is off."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _settings(port: int) -> Settings:
    printer = {"name": "Counter", "backend": "network", "host": "127.0.0.1", "port": port,
               "timeout_s": 0.5}  # fmt: skip
    return Settings(
        shop=ShopSettings(till_location="Front store"),
        printers=(printer,),
        receipt_printer="Counter",
    )


def test_a_receipt_that_did_not_print_is_said_on_the_sale_and_counted(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    settings = _settings(_closed_port())
    with running_devices(settings, tmp_path) as devices:
        window = MainWindow(demo_store, settings.shop, devices=devices)
        qtbot.addWidget(window)
        effects = Effects(settings, devices.queue, problem=devices.problem.emit)
        demo_store.listen(effects)
        window.resize(1366, 768)
        window.show()
        window.log_in(actor_by_pin(demo_store, CASHIER_PIN))
        activate(qtbot, window)
        settle(qtbot)
        pos = window.pos_view
        type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
        press(qtbot, Qt.Key.Key_F12)
        assert isinstance(pos.dialog, PaymentDialog)
        activate(qtbot, pos.dialog)
        press(qtbot, Qt.Key.Key_Return)  # exact cash
        assert pos.cart_stack.currentWidget() is pos.last_sale
        qtbot.waitUntil(lambda: pos.last_sale.note.isVisible(), timeout=TIMEOUT_MS)
        assert "The receipt of R-000001 did not print" in pos.last_sale.note.text()
        assert "did not print" in pos.message.text()
        row = window.views.index(window.print_jobs)
        qtbot.waitUntil(lambda: "⚠ 1" in window.side_bar.nav.item(row).text(), timeout=TIMEOUT_MS)
        demo_store.unlisten(effects)
        window.close()


def test_f9_history_reprints_to_the_receipt_printer(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    settings = _settings(_closed_port())
    with running_devices(settings, tmp_path) as devices:
        window = MainWindow(demo_store, settings.shop, devices=devices)
        qtbot.addWidget(window)
        effects = Effects(settings, devices.queue)
        window.pos_view.set_receipt_printing(lambda sale: effects.print_sale(sale, reprint=True))
        cashier = actor_by_pin(demo_store, CASHIER_PIN)
        sale = sell_through_service(demo_store, cashier, CABLE_BARCODE)
        window.show()
        window.log_in(cashier)
        activate(qtbot, window)
        settle(qtbot)
        press(qtbot, Qt.Key.Key_F9)
        history = window.pos_view.dialog
        assert isinstance(history, SaleHistoryDialog) and history.print_button.isVisible()
        activate(qtbot, history)
        press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "sent to the printer" in history.message.text(), timeout=3000)
        titles = [job.title for job in devices.queue.jobs()]
        assert f"Receipt {sale.number} (reprint)" in titles
