"""Writing a file so that a crash or a full disk leaves the old file or the new one, never
half — and owner-only (0600)."""

from __future__ import annotations

import contextlib
import csv
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO


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
            with _owner_only(tmp, "wb") as binary:
                binary.write(data)
                _finish(binary.fileno(), binary.flush, durable)
        else:
            with _owner_only(tmp, "w") as text:
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


def _owner_only(path: Path, mode: str) -> Any:
    """Opened for writing, created 0600: exports, labels, settings and backups name serials,
    customers and costs, and the settings hold sealed secrets — nobody else's to read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # a fresh temp name
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, newline="", encoding="utf-8")


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


# A cell a spreadsheet would read as a formula: prefixed with a quote (the OWASP rule against
# CSV injection) — a serial, a location or a customer's name typed as "=HYPERLINK(...)"
# must stay text. Every CSV the product writes goes through csv_cell.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """The cell's text, neutralised if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv_rows(out: TextIO, rows: Iterable[Iterable[object]]) -> int:
    """Writes rows (the header first) with every cell through csv_cell; the data rows' count."""
    writer = csv.writer(out, lineterminator="\n")
    count = -1
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return max(count, 0)
