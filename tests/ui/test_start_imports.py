"""The window's start (`serialpos gui` on an existing store, up to the locked screen's PIN
field painted) imports nothing its first screen does not use (bench.start_bench's list):
not SQLAlchemy nor the store, which are opened after that paint. Then the store opens, and
no temporary folder is left. Each start is a fresh interpreter: this one has imported
everything long ago."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import asks_for_the_window
from app.db.uow import Store
from bench.start_bench import NOT_AT_START, WINDOW_PROBE


def test_the_locked_screen_starts_without_what_it_does_not_use(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        TMPDIR=str(temp),
        SERIALPOS_CONFIG=str(tmp_path / "settings.toml"),
        SERIALPOS_DATA_DIR=str(tmp_path / "data"),
    )
    out = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, store_url, *NOT_AT_START],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    # Painted with none of NOT_AT_START imported; then the store opened.
    assert out.stdout.splitlines() == ["shown", "opened"]
    assert "sqlalchemy" in NOT_AT_START and "app.db" in NOT_AT_START
    assert list(temp.iterdir()) == []  # no tmpXXXXXXXX folder (python-escpos' default)


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], True),
        (["gui"], True),
        (["--db", "sqlite:///x.sqlite3", "gui", "--no-demo"], True),
        (["--db=sqlite:///x.sqlite3", "--as", "ann"], True),
        (["--help"], False),
        (["--version"], False),
        (["serials", "list"], False),
        (["--db", "gui", "serials"], False),  # a store named "gui", then a command
        (["--d", "x", "gui"], False),  # abbreviated: the whole parser decides
    ],
)
def test_only_the_windows_command_line_skips_the_other_commands(
    argv: list[str], window: bool
) -> None:
    assert asks_for_the_window(argv) is window
