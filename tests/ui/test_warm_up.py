"""The locked screen imports what every log-in needs once its PIN field is painted, one
module per turn of the event loop (app.ui.warm_up); before the paint, nothing."""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.ui.warm_up import EVERY_LOG_IN, WarmUp


def test_every_log_in_module_exists() -> None:
    assert [name for name in EVERY_LOG_IN if find_spec(name) is None] == []


def test_the_modules_are_imported_after_the_first_paint(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["warm_probe_first", "warm_probe_second"]
    for name in names:
        (tmp_path / f"{name}.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in names:
        monkeypatch.delitem(sys.modules, name, raising=False)
    field = QLineEdit()
    qtbot.addWidget(field)
    warm = WarmUp(field, names)
    assert not any(name in sys.modules for name in names)  # nothing before the paint
    field.show()
    qtbot.waitUntil(lambda: warm.done, timeout=10_000)
    assert all(name in sys.modules for name in names)


def test_a_module_that_fails_to_import_does_not_stop_the_rest(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_probe_broken.py").write_text("raise RuntimeError('no')\n", encoding="utf-8")
    (tmp_path / "warm_probe_after.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_probe_after", raising=False)
    field = QLineEdit()
    qtbot.addWidget(field)
    warm = WarmUp(field, ["warm_probe_broken", "warm_probe_after"])
    field.show()
    qtbot.waitUntil(lambda: warm.done, timeout=10_000)
    assert "warm_probe_after" in sys.modules
