"""python-escpos' printer database is pickled once, atomically, into the user's cache, and
no process of ours leaves a temporary folder behind. Each case is a fresh interpreter: in
this one python-escpos is long imported."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from importlib import resources
from pathlib import Path

from app import escpos_cache

_IMPORT_ESCPOS = (
    "import os, sys\n"
    "import app\n"
    "assert 'escpos' not in sys.modules, 'import app must not import python-escpos'\n"
    "import escpos.printer\n"
    f"print(os.environ.get({escpos_cache.PICKLE_DIR_VARIABLE!r}, ''))\n"
)


def _fresh_process(tmp_path: Path, **env: str) -> tuple[str, Path]:
    """Runs _IMPORT_ESCPOS with its own temp and cache folders: (the pickle folder it
    used, its temp folder)."""
    temp = tmp_path / "temp"
    temp.mkdir(exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k != escpos_cache.PICKLE_DIR_VARIABLE}
    environ.update({"TMPDIR": str(temp), "XDG_CACHE_HOME": str(tmp_path / "cache"), **env})
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_ESCPOS],
        capture_output=True,
        text=True,
        check=True,
        env=environ,
    )
    return out.stdout.strip(), temp


def _database() -> object:
    source = resources.files("escpos").joinpath("capabilities.json")
    return json.loads(source.read_text(encoding="utf-8"))


def test_escpos_uses_the_user_cache_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    used, temp = _fresh_process(tmp_path)
    folder = tmp_path / "cache" / "SerialPOS" / "escpos"
    assert used == str(folder)
    assert list(temp.iterdir()) == []  # no tmpXXXXXXXX, empty or not
    (pickled,) = folder.iterdir()  # no partial file left behind
    assert pickled.name.endswith(".capabilities.pickle")
    assert pickle.loads(pickled.read_bytes()) == _database()
    _fresh_process(tmp_path)  # a second start reads it and still leaves nothing
    assert list(temp.iterdir()) == []


def test_a_folder_set_by_the_user_wins(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    used, temp = _fresh_process(tmp_path, **{escpos_cache.PICKLE_DIR_VARIABLE: str(mine)})
    assert used == str(mine)
    assert [p.name.endswith(".capabilities.pickle") for p in mine.iterdir()] == [True]
    assert list(temp.iterdir()) == []
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_cache_leaves_escpos_its_default(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    used, _temp = _fresh_process(tmp_path, XDG_CACHE_HOME=str(blocker))
    assert used == ""  # python-escpos' own temporary folder, as it would without us


def test_a_fresh_pickle_is_kept(tmp_path: Path) -> None:
    escpos_cache.write_pickle(tmp_path)
    (pickled,) = tmp_path.iterdir()
    pickled.write_bytes(pickle.dumps({"kept": True}))
    escpos_cache.write_pickle(tmp_path)
    assert pickle.loads(pickled.read_bytes()) == {"kept": True}
