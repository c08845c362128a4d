"""Every shortcut shown on a button works with the focus in the scan field.

On Linux (X11 key scheme) a line edit takes Ctrl+E as "end of line" in its
ShortcutOverride, so End of day never fired from the scan field. The offscreen platform
uses the Windows scheme, so the tests give the scan field the X11 behaviour themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pos_shop import open_pos, open_refund
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.ui.pos.end_of_day_dialog import EndOfDayDialog
from app.ui.pos.pos_widgets import ScanEdit
from app.ui.refund.refund_widgets import RefundScanEdit
from app.users.services import actor_by_name

_X11 = {"on": False}


def _x11_event(self: QLineEdit, e: QEvent) -> bool:
    """While on, claims every Ctrl key, as QLineEdit does for its X11 editing keys."""
    if (
        _X11["on"]
        and e.type() == QEvent.Type.ShortcutOverride
        and isinstance(e, QKeyEvent)
        and e.modifiers() & Qt.KeyboardModifier.ControlModifier
    ):
        e.accept()
        return True
    return QLineEdit.event(self, e)


# Set once and never taken away: Shiboken keeps a pointer to a Python override of a C++
# virtual, and a scan field still alive after the test would call a removed one.
for _field in (ScanEdit, RefundScanEdit):
    if "event" not in _field.__dict__:
        _field.event = _x11_event  # type: ignore[method-assign]


@pytest.fixture
def x11_line_edits() -> Iterator[None]:
    """The till's scan fields behave as on Linux (X11 key scheme) during the test."""
    _X11["on"] = True
    yield
    _X11["on"] = False


def _ctrl_shortcuts(view: QWidget) -> list[QKeySequence]:
    return [
        key
        for action in view.actions()
        for key in action.shortcuts()
        if key[0].keyboardModifiers() & Qt.KeyboardModifier.ControlModifier
    ]


def test_ctrl_e_opens_end_of_day_from_the_scan_field(
    qtbot: QtBot, demo_store: Store, x11_line_edits: None
) -> None:
    pos = open_pos(qtbot, demo_store, actor_by_name(demo_store, "manager"))
    assert QApplication.focusWidget() is pos.scan_edit
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert isinstance(pos.dialog, EndOfDayDialog)


@pytest.mark.parametrize("opener", [open_pos, open_refund])
def test_no_ctrl_shortcut_of_a_till_view_is_taken_by_its_scan_field(
    qtbot: QtBot, demo_store: Store, x11_line_edits: None, opener: object
) -> None:
    view = opener(qtbot, demo_store, actor_by_name(demo_store, "manager"))  # type: ignore[operator]
    keys = _ctrl_shortcuts(view)
    for key in keys:
        combo = key[0]
        override = QKeyEvent(
            QEvent.Type.ShortcutOverride, combo.key(), combo.keyboardModifiers(), ""
        )
        override.ignore()
        QApplication.sendEvent(view.scan_edit, override)
        assert not override.isAccepted(), key.toString()
