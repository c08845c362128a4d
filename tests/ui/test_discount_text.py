"""The discount dialog says the limit the till applies (10 %, not 1 %)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.pos.discount_dialog import DiscountDialog


def test_the_manager_limit_hint_says_ten_percent(qtbot: QtBot) -> None:
    dialog = DiscountDialog("Line discount", 1000, 1000)
    qtbot.addWidget(dialog)
    hints = [label.text() for label in dialog.findChildren(type(dialog.message))]
    assert any("Above 10 %" in text for text in hints), hints
    assert dialog.percent_edit.text() == "10"
