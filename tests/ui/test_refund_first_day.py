"""Refunds on the first day: the shop's reasons with their restock (faulty -> defective),
the money and its tenders shown before approval, each tender in the headline, and one unit
from a receipt in four actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from pos_shop import (
    MANAGER_PIN,
    PHONE,
    SHOP,
    activate,
    cart_lines,
    open_refund,
    type_code,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings, load_settings
from app.db.uow import Store
from app.errors import InvalidInput
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.pos.records import SaleRecord
from app.stock.queries import find_units
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.till import till_of
from app.ui.refund.refund_view import RefundView
from app.users.roles import Actor
from app.users.services import actor_by_name


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


@pytest.fixture
def split_sale(demo_store: Store, cashier: Actor) -> SaleRecord:
    """A $499.00 phone paid card $300.00 + cash $199.00."""
    lines = tuple(cart_lines(demo_store, cashier, PHONE))
    paid = (TenderInput(TenderKind.CARD, 30000, "AUTH1"), TenderInput(TenderKind.CASH, 19900))
    return complete_sale(demo_store, cashier, till_of(SHOP), Checkout(lines, paid))


@pytest.fixture
def refund(qtbot: QtBot, demo_store: Store, cashier: Actor) -> RefundView:
    return open_refund(qtbot, demo_store, cashier)


def _approval_text(dialog: ApprovalDialog) -> str:
    return " ".join(label.text() for label in dialog.findChildren(QLabel))


def test_one_faulty_unit_from_a_receipt_in_four_actions(
    qtbot: QtBot, refund: RefundView, split_sale: SaleRecord, demo_store: Store, cashier: Actor
) -> None:
    type_code(qtbot, refund.scan_edit, split_sale.number)  # 1: scan the receipt
    refund.handle_scan(PHONE)  # 2: scan the unit
    settle(qtbot)
    assert refund.reason_edit.hasFocus()
    assert "$499.00 back as card $300.00 + cash $199.00" in refund.choice_label.text()
    qtbot.keyClick(refund.reason_edit, Qt.Key.Key_1)  # 3: the reason: 1 faulty
    settle(qtbot)
    approval = refund.dialog
    assert isinstance(approval, ApprovalDialog)
    said = _approval_text(approval)
    assert "$499.00 back as card $300.00 + cash $199.00" in said, said
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, MANAGER_PIN)  # 4: the manager's PIN
    assert refund.pages.currentWidget() is refund.done_page
    assert refund.done_page.headline.text() == "Give back card $300.00 + cash $199.00"
    (unit,) = find_units(demo_store, cashier, PHONE)
    assert unit.status == "defective"  # faulty never goes back on sale


def test_changed_mind_restocks_to_the_tills_location(
    qtbot: QtBot, refund: RefundView, split_sale: SaleRecord, demo_store: Store, cashier: Actor
) -> None:
    refund.handle_scan(PHONE)
    settle(qtbot)
    qtbot.keyClicks(refund.reason_edit, "faulty")  # the reason typed in words: same default
    assert refund.restock_combo.currentData() == "defective"
    refund.reason_edit.clear()
    changed = next(n for n, r in enumerate(refund.reasons) if r.name == "changed mind")
    refund.choose_reason(changed)
    settle(qtbot)
    assert refund.restock_combo.currentData() == "Front store"
    approval = refund.dialog
    assert isinstance(approval, ApprovalDialog)
    activate(qtbot, approval)
    type_code(qtbot, approval.pin_edit, MANAGER_PIN)
    (unit,) = find_units(demo_store, cashier, PHONE)
    assert (unit.status, unit.location) == ("in_stock", "Front store")


def test_other_asks_for_the_reason_in_words(
    qtbot: QtBot, refund: RefundView, split_sale: SaleRecord
) -> None:
    refund.handle_scan(PHONE)
    settle(qtbot)
    other = next(n for n, r in enumerate(refund.reasons) if r.asks_text)
    qtbot.keyClick(refund.reason_edit, str(other + 1))
    assert refund.dialog is None and refund.reason_edit.hasFocus()
    assert refund.reason_edit.text() == ""


def test_refund_reasons_are_a_setting_with_their_restock(tmp_path: Path) -> None:
    assert "faulty -> defective" in ShopSettings().refund_reasons
    path = tmp_path / "settings.toml"
    path.write_text('[shop]\nrefund_reasons = ["broken -> scrap"]\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="refund_reasons"):
        load_settings(path)
