"""python-escpos' printer database: pickled once into the user's cache directory, and no
temporary folder left behind, by any process of ours, without importing python-escpos
at start.

On import, escpos.capabilities reads the pickle in ESCPOS_CAPABILITIES_PICKLE_DIR (or
parses its capabilities.json again and writes it there, in place). Its default for that
folder is `mkdtemp()`, evaluated even when the variable is set: every process that
imports it leaves a /tmp/tmpXXXXXXXX folder behind, empty or with a fresh pickle in it.

`use_user_cache()` (run by `import app`, so before any of our code can import escpos)
sets the variable to our own cache folder (never a shared one: a pickle someone else
could write is code they could run) and puts a finder on sys.meta_path that waits for
escpos.capabilities: when whatever code first imports it, the pickle is written
atomically first (python-escpos writes in place, and a second process starting
meanwhile, two test workers or the window and the command line, would read half a file
and fail), and that module's `mkdtemp()` hands back the folder instead of making one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from contextlib import suppress
from importlib.util import find_spec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # importlib.abc imports importlib.resources: not for every start
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"
CAPABILITIES_MODULE = "escpos.capabilities"


def use_user_cache() -> None:
    """Points python-escpos at our cache folder unless the variable is set already (a
    cache folder we cannot make is left to python-escpos' own default), and makes its
    first import leave no temporary folder behind."""
    if CAPABILITIES_MODULE in sys.modules:
        return
    if not os.environ.get(PICKLE_DIR_VARIABLE):
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("SerialPOS", appauthor=False)) / "escpos"
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return
        os.environ[PICKLE_DIR_VARIABLE] = str(folder)
    if not any(isinstance(finder, _CapabilitiesFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _CapabilitiesFinder())


class _CapabilitiesFinder:
    """On sys.meta_path until escpos.capabilities is imported; then it steps aside."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != CAPABILITIES_MODULE:
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        spec = find_spec(name)  # the finders after us (we are off the path now)
        if spec is not None and spec.loader is not None:
            spec.loader = cast("Loader", _PreparedLoader(spec.loader))
        return spec


class _PreparedLoader:
    """escpos.capabilities' own loader, with the pickle ready and no mkdtemp()."""

    def __init__(self, inner: Loader) -> None:
        self._inner = inner

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        folder = os.environ.get(PICKLE_DIR_VARIABLE)
        if not folder:
            self._inner.exec_module(module)
            return
        # Failing that, python-escpos parses the JSON and writes the pickle itself.
        with suppress(OSError, ValueError):
            write_pickle(Path(folder))
        import tempfile

        real = tempfile.mkdtemp

        def mkdtemp(*args: Any, **kwargs: Any) -> str:
            # Only escpos.capabilities' call: another thread's mkdtemp stays real.
            caller = sys._getframe(1).f_globals.get("__name__")
            return folder if caller == CAPABILITIES_MODULE else real(*args, **kwargs)

        tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]
        try:
            self._inner.exec_module(module)
        finally:
            tempfile.mkdtemp = real


def write_pickle(folder: Path) -> None:
    """The pickle python-escpos looks for (same name, same source), written atomically
    when it is missing or older than the database."""
    import json
    import pickle
    import platform
    from importlib import resources

    target = folder / f"{platform.python_version()}.capabilities.pickle"
    with resources.as_file(resources.files("escpos") / "capabilities.json") as source:
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            return
        data = json.loads(source.read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{target.name}.{os.getpid()}"
    partial.write_bytes(pickle.dumps(data, protocol=2))
    os.replace(partial, target)
