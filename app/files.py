"""Writing a file so that a crash or a full disk leaves the old file or the new one, never
half — and owner-only (0600)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO


def write_atomically(
    path: Path, data: bytes | str | Callable[[TextIO], object], *, durable: bool = False
) -> None:
    """Writes `data` (bytes, text, or a function writing text to the open file) to a
    `.part` file beside `path`, then renames it over `path`; nothing is left on failure.

    durable: the new file is on disk before it replaces the old one (settings), at the cost
    of a sync; exports and label files can be written again, so they skip it.
    """
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.unlink(missing_ok=True)  # a leftover .part must not lend its mode to the new file
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
    finally:
        tmp.unlink(missing_ok=True)


def _owner_only(path: Path, mode: str) -> Any:
    """Opened for writing, created 0600: exports, labels, settings and backups name serials,
    customers and costs, and the settings hold sealed secrets — nobody else's to read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, newline="", encoding="utf-8")


def _finish(fileno: int, flush: Callable[[], None], durable: bool) -> None:
    flush()
    if durable:
        os.fsync(fileno)


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
