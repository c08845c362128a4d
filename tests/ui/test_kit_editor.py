"""A kit made in the window: a serialized product and a kit product created on the Products
page, the kit given two serialized components and a bulk one in the Kit dialog (picked by
SKU and by name), then sold at the till with a scan for each serialized component."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from backoffice_support import shown
from layout_check import cut_texts, too_wide
from pos_shop import SHOP, activate, open_pos, type_code
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from settle import settle
from test_pos_bundle import _pay

from app.db.uow import Store
from app.paperwork.receipts import receipt_text, sale_receipt
from app.pos.sales import recent_sales
from app.stock.bundles import ComponentInput, list_components, set_components
from app.stock.items import ItemFields, create_item
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import parse_list
from app.ui.app import style_sheet
from app.ui.formatting import ShopFormat
from app.ui.pos.bundle_dialog import BundleSerialsDialog
from app.ui.stock.kit_dialog import KitDialog
from app.ui.stock.product_dialog import ProductDialog
from app.ui.stock.products_page import ProductsPage
from app.users.roles import Actor
from app.users.services import actor_by_name


def _new_product(
    qtbot: QtBot, page: ProductsPage, sku: str, name: str, price: str, *, serialized: bool
) -> None:
    page.new_product()
    dialog = page.dialog
    assert isinstance(dialog, ProductDialog)
    dialog.sku_edit.setText(sku)
    dialog.name_edit.setText(name)
    dialog.price_edit.setText(price)
    dialog.tax_edit.setText("20")
    dialog.serialized_box.setChecked(serialized)
    if serialized:
        dialog.warranty_spin.setValue(730)
        dialog.prefix_edit.setText("LN")
    dialog.save()
    settle(qtbot)
    assert page.dialog is None, dialog.message.message
    qtbot.waitUntil(lambda: page.model.row_of(sku) >= 0)


def _open_kit(qtbot: QtBot, page: ProductsPage, sku: str) -> KitDialog:
    page.select_sku(sku)
    page.edit_kit()
    dialog = page.dialog
    assert isinstance(dialog, KitDialog)
    activate(qtbot, dialog)
    settle(qtbot)  # its components (none yet) and the first matches come from a worker
    return dialog


def test_a_kit_made_in_the_window_is_sold_with_two_scanned_serials(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    page = ProductsPage(demo_store, ShopFormat(SHOP))
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    _new_product(qtbot, page, "LEN-50", "Lens 50 mm", "300.00", serialized=True)
    receive_serials(
        demo_store, demo_manager, Receiving("LEN-50", "Front store"), parse_list("LN1,LN2"),
        method="list",
    )  # fmt: skip
    _new_product(qtbot, page, "KIT-Z5", "Camera kit Z5", "1099.00", serialized=False)

    dialog = _open_kit(qtbot, page, "KIT-Z5")
    assert dialog.parts == []
    dialog.save()  # no components: refused in the message line, nothing saved
    settle(qtbot)
    assert "at least one component" in dialog.message.message and page.dialog is dialog
    assert list_components(demo_store, demo_manager, "KIT-Z5") == []

    type_code(qtbot, dialog.search_edit, "CAM-Z5")  # an exact SKU (a shelf label scanned)
    qtbot.keyClicks(dialog.search_edit, "lens 50")  # picked by name from the matches
    qtbot.waitUntil(lambda: dialog.matches.count() == 1)
    dialog.add_chosen()
    type_code(qtbot, dialog.search_edit, "USB-C cable")
    dialog.qty_spin.setValue(2)
    type_code(qtbot, dialog.search_edit, "KIT-Z5")  # the kit in itself: refused here
    assert "component of itself" in dialog.message.message
    assert [p.sku for p in dialog.parts] == ["CAM-Z5", "LEN-50", "CBL-USBC"]
    dialog.table.selectRow(2)
    dialog.remove_selected()
    assert [p.sku for p in dialog.parts] == ["CAM-Z5", "LEN-50"]
    dialog.handle_scan("4006381333948")  # the cable's box scanned (the window routes it here)
    settle(qtbot)
    assert dialog.quantities() == [1, 1, 2], dialog.message.message
    dialog.save()
    settle(qtbot)
    assert page.dialog is None, dialog.message.message
    parts = list_components(demo_store, demo_manager, "KIT-Z5")
    assert [(p.sku, p.qty, p.serialized) for p in parts] == [
        ("CAM-Z5", 1, True),
        ("LEN-50", 1, True),
        ("CBL-USBC", 2, False),
    ]
    assert "Kit saved: CAM-Z5 × 1, LEN-50 × 1, CBL-USBC × 2" in page.message.message
    kit_row = page.model.row_of("KIT-Z5")
    qtbot.waitUntil(lambda: page.model.index(kit_row, 6).data() == "Kit")

    again = _open_kit(qtbot, page, "KIT-Z5")  # the saved components are read back
    assert [p.sku for p in again.parts] == ["CAM-Z5", "LEN-50", "CBL-USBC"]
    assert again.quantities() == [1, 1, 2]
    again.reject()
    settle(qtbot)

    cashier = actor_by_name(demo_store, "cashier")
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, "KIT-Z5")
    bundle = pos.dialog
    assert isinstance(bundle, BundleSerialsDialog)
    activate(qtbot, bundle)
    type_code(qtbot, bundle.filter_edit, "CZ000002")
    type_code(qtbot, bundle.filter_edit, "LN1")
    assert pos.dialog is None
    _pay(qtbot, pos)
    (sale,) = recent_sales(demo_store, cashier)
    assert sale.total == 109900
    assert sorted(ln.serial for ln in sale.lines if ln.serial) == ["CZ000002", "LN1"]
    assert [(ln.sku, ln.qty) for ln in sale.lines if ln.sku == "CBL-USBC"] == [("CBL-USBC", 2)]
    assert [ln.sku for ln in sale.lines if ln.bundle] == ["KIT-Z5"]
    text = receipt_text(sale_receipt(SHOP, sale))
    assert "S/N: CZ000002" in text and "S/N: LN1" in text


@pytest.fixture
def till_look(qapp: QApplication) -> Iterator[None]:
    """The till's own style sheet (its fonts and paddings), as the app runs."""
    sheet = qapp.styleSheet()
    qapp.setStyleSheet(style_sheet())
    yield
    qapp.setStyleSheet(sheet)


@pytest.mark.usefixtures("till_look")
def test_the_kit_dialog_fits_a_small_screen(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    name = "Camera kit Z5 — body, 50 mm portrait lens, two USB-C cables and a travel case"
    create_item(demo_store, demo_manager, sku="KIT-Z5-TRAVEL", values=ItemFields(name, 129900))
    parts = [ComponentInput("CAM-Z5"), ComponentInput("LT-AIR14"), ComponentInput("CBL-USBC", 2)]
    set_components(demo_store, demo_manager, "KIT-Z5-TRAVEL", parts)
    page = ProductsPage(demo_store, ShopFormat(SHOP))
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    dialog = _open_kit(qtbot, page, "KIT-Z5-TRAVEL")
    qtbot.keyClicks(dialog.search_edit, "a")
    qtbot.waitUntil(lambda: dialog.matches.count() > 3)
    assert dialog.table.rowCount() == 3
    qtbot.wait(30)  # layouts settle on the next pass of the event loop
    problems = cut_texts(dialog) + too_wide(dialog, 1280)
    assert not problems, "\n".join(problems)
    assert dialog.frameGeometry().height() <= 740
    dialog.reject()
