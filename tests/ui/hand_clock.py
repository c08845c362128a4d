"""A clock the test moves by hand, and the keyboard-wedge filter running on it: keys typed
'fast' or 'slow' are told apart by time that passes only when the test says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

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
