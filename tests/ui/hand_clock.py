"""A clock the test moves by hand, and the keyboard-wedge filter running on it: keys typed
'fast' or 'slow' are told apart by time that passes only when the test says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.devices.settings import ScannerSettings
from app.ui.wedge_filter import WedgeFilter


class HandClock:
    """Milliseconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, ms: float) -> None:
        self.now += ms


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def wedge(qapp: QApplication, clock: HandClock) -> Iterator[WedgeFilter]:
    """The app's wedge filter, installed on the application, on the hand clock."""
    wedge = WedgeFilter(ScannerSettings(), clock=clock)
    qapp.installEventFilter(wedge)
    yield wedge
    qapp.removeEventFilter(wedge)
    wedge.deleteLater()


def key_in(qtbot: QtBot, clock: HandClock, field: QWidget, text: str, gap: float) -> None:
    """Keys `text` into `field`, then Enter, `gap` ms apart on the hand clock."""
    for ch in text:
        clock.now += gap
        qtbot.keyClick(field, ch)
    clock.now += gap
    qtbot.keyClick(field, Qt.Key.Key_Return)
