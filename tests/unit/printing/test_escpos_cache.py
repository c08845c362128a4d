"""python-escpos' printer database is pickled once, atomically, into the user's cache."""

from __future__ import annotations

import json
import os
import pickle
from importlib import resources
from pathlib import Path

import pytest

from app import escpos_cache


@pytest.fixture
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(escpos_cache.PICKLE_DIR_VARIABLE, raising=False)
    return tmp_path / "cache"


def test_points_escpos_at_the_user_cache_with_the_database_pickled(cache_home: Path) -> None:
    escpos_cache.use_user_cache()
    folder = Path(os.environ[escpos_cache.PICKLE_DIR_VARIABLE])
    assert folder == cache_home / "SerialPOS" / "escpos"
    (pickled,) = folder.iterdir()  # no partial file left behind
    assert pickled.name.endswith(".capabilities.pickle")
    source = resources.files("escpos").joinpath("capabilities.json").read_text(encoding="utf-8")
    assert pickle.loads(pickled.read_bytes()) == json.loads(source)


def test_a_fresh_pickle_is_kept(cache_home: Path) -> None:
    escpos_cache.use_user_cache()
    (pickled,) = Path(os.environ[escpos_cache.PICKLE_DIR_VARIABLE]).iterdir()
    pickled.write_bytes(pickle.dumps({"kept": True}))
    escpos_cache.use_user_cache()
    assert pickle.loads(pickled.read_bytes()) == {"kept": True}


def test_a_folder_set_by_the_user_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cache_home: Path
) -> None:
    monkeypatch.setenv(escpos_cache.PICKLE_DIR_VARIABLE, str(tmp_path / "mine"))
    escpos_cache.use_user_cache()
    assert os.environ[escpos_cache.PICKLE_DIR_VARIABLE] == str(tmp_path / "mine")
    assert not cache_home.exists()


def test_an_unwritable_cache_leaves_escpos_its_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv(escpos_cache.PICKLE_DIR_VARIABLE, raising=False)
    escpos_cache.use_user_cache()
    assert escpos_cache.PICKLE_DIR_VARIABLE not in os.environ
