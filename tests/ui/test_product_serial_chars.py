"""The product editor's one field for what an item's serials may contain (issue 12):
shown as stored, saved through edit_item, and a scheme that does not suit it is refused
in the dialog's message line with nothing saved."""

from __future__ import annotations

from backoffice_support import shown
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.stock.item_list import item_page
from app.ui.formatting import ShopFormat
from app.ui.stock.product_dialog import ProductDialog
from app.ui.stock.products_page import ProductsPage
from app.users.roles import Actor


def _new_product(
    qtbot: QtBot, store: Store, manager: Actor, fmt: ShopFormat, sku: str, charset: str
) -> tuple[ProductsPage, ProductDialog]:
    """The products page with a new product's dialog filled in, the charset chosen."""
    page = ProductsPage(store, fmt)
    shown(qtbot, page)
    page.set_actor(manager)
    settle(qtbot)
    page.new_product()
    dialog = page.dialog
    assert dialog is not None
    assert dialog.charset_box.currentData() == "ascii"  # today's rule unless told
    dialog.sku_edit.setText(sku)
    dialog.name_edit.setText("Modem")
    dialog.price_edit.setText("80.00")
    dialog.charset_box.setCurrentIndex(dialog.charset_box.findData(charset))
    return page, dialog


def test_a_new_product_takes_digits_only_serials(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    page, dialog = _new_product(qtbot, demo_store, demo_manager, fmt, "MOD-1", "digits")
    dialog.save()
    settle(qtbot)
    assert page.dialog is None, dialog.message.message
    (row,) = item_page(demo_store, demo_manager, search="MOD-1").rows
    assert row.item.serial_charset == "digits"


def test_a_prefix_the_rule_refuses_is_one_line_and_nothing_is_saved(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    page, dialog = _new_product(qtbot, demo_store, demo_manager, fmt, "MOD-2", "upper")
    dialog.prefix_edit.setText("MD-")
    dialog.save()
    settle(qtbot)
    assert page.dialog is dialog
    assert "serial prefix 'MD-' does not suit" in dialog.message.message
    assert "\n" not in dialog.message.message
    assert item_page(demo_store, demo_manager, search="MOD-2").rows == []
