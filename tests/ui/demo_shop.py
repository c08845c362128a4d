"""What the UI tests know about the demo store (app.demo), and small helpers they share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.demo import DEMO_MANAGER
from app.ui.dialogs.pin_dialog import PinDialog

DEMO_PIN = DEMO_MANAGER[1]
DEMO_UNITS = 53  # 4 serialized items x 12, plus SN0098...SN0102 in the back room
EXTRA_PHONES = 300


def enter_pin(qtbot: QtBot, dialog: PinDialog, pin: str) -> None:
    """Types the PIN as a person would and presses Log in."""
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    settle(qtbot)  # the PIN is checked on a worker (a slow hash)
