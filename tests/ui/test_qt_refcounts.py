"""Guards the Qt binding against the refcount bug that aborts a long-running till.

PySide6 6.12.0 on Python 3.11 drops a reference to None/True/False on calls such as
setText() and Signal.emit(); after about a thousand of them Python aborts ("bool_dealloc").
pyproject.toml pins a clean PySide6 for Python < 3.12; this test fails if that regresses.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Ping(QObject):
    pinged = Signal()


def test_calls_into_qt_keep_none_and_true_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    ping = _Ping()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):  # far below the abort, far above any noise
        label.setText("SN0100")
        label.setEnabled(True)
        ping.pinged.emit()
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
