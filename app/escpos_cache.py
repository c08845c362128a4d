"""python-escpos' printer database, pickled once into the user's cache directory.

On import, python-escpos parses its capabilities.json and pickles it into
ESCPOS_CAPABILITIES_PICKLE_DIR, by default a new temporary directory on every start (one
left behind each time). We point it at the user's cache directory instead, and write the
pickle ourselves, atomically, when it is missing or older than the database: python-escpos
writes it in place, and a second process starting meanwhile (two test workers, the window
and the command line) would read a half-written file and fail to import.
"""

from __future__ import annotations

import json
import os
import pickle
import platform
from importlib import resources
from pathlib import Path

from platformdirs import user_cache_dir

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def use_user_cache() -> None:
    """Sets ESCPOS_CAPABILITIES_PICKLE_DIR unless it is set; a cache we cannot write is
    left to python-escpos' own default (a temporary directory)."""
    if os.environ.get(PICKLE_DIR_VARIABLE):
        return
    folder = Path(user_cache_dir("SerialPOS", appauthor=False)) / "escpos"
    try:
        _write_pickle(folder)
    except (OSError, ValueError, ModuleNotFoundError):
        return
    os.environ[PICKLE_DIR_VARIABLE] = str(folder)


def _write_pickle(folder: Path) -> None:
    # The same file name and source python-escpos uses (escpos.capabilities).
    target = folder / f"{platform.python_version()}.capabilities.pickle"
    with resources.as_file(resources.files("escpos") / "capabilities.json") as source:
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            return
        data = json.loads(source.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{target.name}.{os.getpid()}"
    partial.write_bytes(pickle.dumps(data, protocol=2))
    os.replace(partial, target)
