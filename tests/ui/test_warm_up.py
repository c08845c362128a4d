"""What every log-in needs is imported ahead of the log-in (app.ui.warm_up), on the worker
that opened the store (tests/ui/test_store_opening.py); one module that fails to import
does not stop the rest."""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from app.ui.warm_up import EVERY_LOG_IN, warm_up


def test_every_log_in_module_exists() -> None:
    assert [name for name in EVERY_LOG_IN if find_spec(name) is None] == []


def test_a_module_that_fails_to_import_does_not_stop_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "warm_probe_broken.py").write_text("raise RuntimeError('no')\n", encoding="utf-8")
    (tmp_path / "warm_probe_after.py").write_text("VALUE = 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "warm_probe_after", raising=False)
    warm_up(["warm_probe_broken", "warm_probe_after"])
    assert "warm_probe_after" in sys.modules
