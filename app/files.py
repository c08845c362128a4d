"""Writing a file so that a crash or a full disk leaves the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_atomically(
    path: Path,
    data: bytes | str | Callable[[TextIO], object],
    *,
    durable: bool = False,
    sync_dir: bool = True,
) -> None:
    """Writes `data` (bytes, text, or a function writing text to the open file) to a hidden
    temporary file beside `path`, then renames it over `path`; nothing is left on failure.

    The temporary file has a name of its own (`.<name>.<random>.tmp`), so two writers of
    the same file never write into each other's, and a folder can sweep `.*.tmp` leftovers.

    durable: the new file is on disk before it replaces the old one, and the rename is
    made durable by syncing the folder (settings, print and mail spools), at the cost of
    the syncs; exports and label files can be written again, so they skip it.
    sync_dir=False leaves the rename to a later sync of the folder (a spool writing two
    files in a row syncs once).
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        if isinstance(data, bytes):
            with tmp.open("xb") as binary:
                binary.write(data)
                _finish(binary.fileno(), binary.flush, durable)
        else:
            with tmp.open("x", newline="", encoding="utf-8") as text:
                if isinstance(data, str):
                    text.write(data)
                else:
                    data(text)
                _finish(text.fileno(), text.flush, durable)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if durable and sync_dir:
        _sync_dir(path.parent)


def _finish(fileno: int, flush: Callable[[], None], durable: bool) -> None:
    flush()
    if durable:
        os.fsync(fileno)


def _sync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX); a no-op where directories can't sync."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
