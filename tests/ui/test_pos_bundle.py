"""A bundle sold at the till with a scan for each component, and a price changed with a
manager's approval."""

from __future__ import annotations

import pytest
from pos_shop import CABLE_BARCODE, MANAGER_PIN, SHOP, activate, open_pos, press, type_code
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.uow import Store
from app.paperwork.receipts import receipt_text, sale_receipt
from app.pos.sales import recent_sales
from app.stock.bundles import ComponentInput, set_components
from app.stock.items import ItemFields, create_item
from app.stock.queries import unit_history
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.bundle_dialog import BundleSerialsDialog
from app.ui.pos.cart_model import PRICE, SERIAL
from app.ui.pos.payment_dialog import PaymentDialog
from app.ui.pos.pos_view import PosView
from app.ui.pos.price_dialog import PriceDialog
from app.users.roles import Actor
from app.users.services import actor_by_name

FRONT = "Front store"


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


@pytest.fixture
def kit_store(demo_store: Store, demo_manager: Actor) -> Store:
    lens = ItemFields(name="Lens 50 mm", price=30000, serialized=True, warranty_days=730)
    create_item(demo_store, demo_manager, sku="LEN-50", values=lens)
    receive_serials(
        demo_store, demo_manager, Receiving("LEN-50", FRONT), parse_list("LN1,LN2"), method="list"
    )
    kit = ItemFields(name="Camera kit Z5", price=109900, tax_rate_bp=2000)
    create_item(demo_store, demo_manager, sku="KIT-Z5", values=kit)
    parts = [ComponentInput("CAM-Z5"), ComponentInput("LEN-50"), ComponentInput("CBL-USBC")]
    set_components(demo_store, demo_manager, "KIT-Z5", parts)
    return demo_store


def _pay(qtbot: QtBot, pos: PosView) -> None:
    press(qtbot, Qt.Key.Key_F12)
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    activate(qtbot, dialog)
    press(qtbot, Qt.Key.Key_Return)


def test_selling_a_bundle_with_two_scanned_component_serials(
    qtbot: QtBot, kit_store: Store, cashier: Actor
) -> None:
    pos = open_pos(qtbot, kit_store, cashier)
    type_code(qtbot, pos.scan_edit, "KIT-Z5")
    dialog = pos.dialog
    assert isinstance(dialog, BundleSerialsDialog)
    activate(qtbot, dialog)
    # The picker lists the camera bodies in stock here.
    assert dialog.units.count() == 12 and "CZ000001" in dialog.units.item(0).text()
    type_code(qtbot, dialog.filter_edit, "CZ000003")
    assert [u.serial for u in dialog.chosen] == ["CZ000003"]
    assert [dialog.units.item(r).text().split()[0] for r in range(2)] == ["LN1", "LN2"]
    type_code(qtbot, dialog.filter_edit, "PX000001")  # a phone is no lens: refused
    assert "not a Lens 50 mm" in dialog.message.text() and pos.dialog is dialog
    type_code(qtbot, dialog.filter_edit, "LN2")
    assert pos.dialog is None
    assert str(pos.cart_model.index(0, SERIAL).data()) == "CZ000003, LN2"
    _pay(qtbot, pos)
    (sale,) = recent_sales(kit_store, cashier)
    assert sale.total == 109900
    text = receipt_text(sale_receipt(SHOP, sale))
    body, lens = (ln for ln in sale.lines if ln.serial)
    assert "S/N: CZ000003" in text and "S/N: LN2" in text
    assert body.warranty_end and lens.warranty_end and body.warranty_end < lens.warranty_end
    assert f"Warranty until {body.warranty_end.isoformat()}" in text
    assert f"Warranty until {lens.warranty_end.isoformat()}" in text
    assert unit_history(kit_store, cashier, "LN2")[-1].document == sale.number


def test_a_unit_already_in_the_cart_is_refused_for_the_bundle(
    qtbot: QtBot, kit_store: Store, cashier: Actor
) -> None:
    pos = open_pos(qtbot, kit_store, cashier)
    type_code(qtbot, pos.scan_edit, "CZ000001")
    type_code(qtbot, pos.scan_edit, "KIT-Z5")
    dialog = pos.dialog
    assert isinstance(dialog, BundleSerialsDialog)
    activate(qtbot, dialog)
    assert "CZ000001" not in [dialog.units.item(r).text().split()[0] for r in range(11)]
    type_code(qtbot, dialog.filter_edit, "CZ000001")
    assert "already in this sale" in dialog.message.text() and not dialog.chosen


def test_a_price_changed_with_a_managers_pin(
    qtbot: QtBot, demo_store: Store, cashier: Actor
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    press(qtbot, Qt.Key.Key_F2)
    dialog = pos.dialog
    assert isinstance(dialog, PriceDialog)
    activate(qtbot, dialog)
    dialog.price_edit.clear()
    type_code(qtbot, dialog.price_edit, "9.99")  # Enter moves on to the reason
    type_code(qtbot, dialog.reason_edit, "price match")
    approval = pos.dialog
    assert isinstance(approval, ApprovalDialog)
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, MANAGER_PIN)
    assert pos.dialog is None
    assert str(pos.cart_model.index(0, PRICE).data()) == "$9.99 *"
    tip = pos.cart_model.index(0, PRICE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "* changed from $12.99: price match"
    _pay(qtbot, pos)
    (sale,) = recent_sales(demo_store, cashier)
    assert (sale.total, sale.lines[0].list_price) == (999, 1299)
    assert "Price changed from $12.99" in receipt_text(sale_receipt(SHOP, sale))


def test_a_price_change_not_approved_leaves_the_price(
    qtbot: QtBot, demo_store: Store, cashier: Actor
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    press(qtbot, Qt.Key.Key_F2)
    dialog = pos.dialog
    assert isinstance(dialog, PriceDialog)
    activate(qtbot, dialog)
    dialog.price_edit.clear()
    qtbot.keyClicks(dialog.price_edit, "1.00")
    type_code(qtbot, dialog.reason_edit, "friend")
    assert isinstance(pos.dialog, ApprovalDialog)
    activate(qtbot, pos.dialog)
    press(qtbot, Qt.Key.Key_Escape)
    assert pos.cart_model.cart.lines[0].price_override is None
    assert "not approved" in pos.message.text()
