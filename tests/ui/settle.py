"""Waiting for the window's operations: service calls run on workers, and a test that
pressed a key looks at the screen once every answer has been delivered."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.ui.ops import ops_running


def settle(qtbot: QtBot, timeout: int = 20_000) -> None:
    """Waits until no operation is running and its answer has been acted on (returns as
    soon as that is so; the long time-out is for a machine busy with other work)."""
    qtbot.waitUntil(lambda: ops_running() == 0, timeout=timeout)
