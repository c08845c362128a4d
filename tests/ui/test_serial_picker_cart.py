"""The serial picker offers only the units that can still be added to the sale."""

from __future__ import annotations

import pytest
from pos_shop import PHONE, PHONE_SKU, activate, open_pos, press, type_code
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.uow import Store
from app.scan import ScannedUnit
from app.ui.pos.pos_view import PosView
from app.ui.pos.serial_picker import SerialPicker
from app.users.services import actor_by_name


@pytest.fixture
def pos(qtbot: QtBot, demo_store: Store) -> PosView:
    return open_pos(qtbot, demo_store, actor_by_name(demo_store, "cashier"))


def _listed(picker: SerialPicker) -> list[str]:
    units: list[ScannedUnit] = [
        picker.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(picker.list.count())
    ]
    return [u.serial for u in units]


def test_a_unit_in_the_cart_is_not_offered_again(qtbot: QtBot, pos: PosView) -> None:
    type_code(qtbot, pos.scan_edit, PHONE)
    type_code(qtbot, pos.scan_edit, PHONE_SKU)
    picker = pos.dialog
    assert isinstance(picker, SerialPicker)
    assert PHONE not in _listed(picker) and len(_listed(picker)) == 11
    activate(qtbot, picker)
    press(qtbot, Qt.Key.Key_Return)  # the pre-selected unit is one that can be added
    assert pos.dialog is None
    assert pos.cart_model.rowCount() == 2
    assert pos.cart_model.line(1).serial != PHONE
