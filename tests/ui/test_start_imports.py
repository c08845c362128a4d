"""The window's start (`serialpos gui` on an existing store, up to the locked screen asking
for a PIN) imports nothing its first screen does not use, and leaves no temporary folder.
Each start is a fresh interpreter: this one has imported everything long ago."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import asks_for_the_window
from app.db.uow import Store

# Migrations, printing, PDF sheets, GS1 parsing, barcodes, images, money formatting, the
# views behind the lock: each imported when first needed, none by the locked screen.
NOT_AT_START = (
    "alembic",
    "mako",
    "escpos",
    "yaml",
    "fpdf",
    "fontTools",
    "biip",
    "barcode",
    "PIL",
    "babel",
    "app.cli.selling",
    "app.demo",
    "app.paperwork",
    "app.scan",
    "app.ui.pos.pos_view",
    "app.ui.stock.stock_view",
)

_START = """
import sys
from app.cli import main  # the entry point's module, as `serialpos` imports it
import app.ui.main_window
app.ui.main_window.BUILD_VIEWS_AFTER_MS = 600_000  # the views' build is not the start
from app.ui.app import Till, make_application, open_shop
qt = make_application()
store, settings = open_shop(sys.argv[1], demo=False)
till = Till(store, settings)
window = till.start(qt)
qt.processEvents()
assert window.pin_dialog is not None and window.pin_dialog.isVisible()
loaded = [n for n in sys.argv[2:] if any(m == n or m.startswith(n + ".") for m in sys.modules)]
print(" ".join(loaded))
till.stop()
store.dispose()
"""


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
        [sys.executable, "-c", _START, store_url, *NOT_AT_START],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == []
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
