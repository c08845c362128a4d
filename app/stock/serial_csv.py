"""Serials from a CSV file (serial, asset tag, cost), as spreadsheets write them."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable
from decimal import Decimal

from app.errors import InvalidInput
from app.stock.serials import (
    MAX_ASSET_TAG_LENGTH,
    MAX_INPUT_CHARS,
    MAX_SERIALS,
    SerialEntry,
    _clean,
    _show,
    _trim,
)

# serial_units.cost is an INTEGER column (32-bit on PostgreSQL); a larger cost is a typo.
MAX_COST = 2**31 - 1


# Tried in this order when no header decides: a tab-separated export rarely has tabs in
# cells, and a ';'-separated one (European Excel) has decimal commas ("12,50") that would
# split evenly on ',' too and turn "SN1;12" into a serial.
_CSV_DELIMITERS = ("\t", ";", ",")


# Excel's way to keep leading zeros: a cell written as ="00123".
_EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)


_CSV_SNIFF_ROWS = 20


_COST = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")


# Header names (after lower-casing and turning spaces/hyphens into "_") per column.
# A few aliases for "serial" because an unrecognised header row would be read as data and
# "Serial Number" would become a serial.
_CSV_COLUMNS = {
    "serial": "serial",
    "serial_number": "serial",
    "serial_no": "serial",
    "serialnumber": "serial",
    "asset_tag": "asset_tag",
    "assettag": "asset_tag",
    "cost": "cost",
}


def _csv_header_name(cell: str) -> str | None:
    name = re.sub(r"[\s\-]+", "_", _trim(cell).lower())
    return _CSV_COLUMNS.get(name)


def _csv_rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (first physical line number, cells) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput(f"CSV line {previous_line + 1}: cannot be read ({error})") from None
        line = previous_line + 1
        previous_line = reader.line_num
        if any(_trim(cell) for cell in row):
            yield line, row


def _csv_delimiter(text: str) -> str:
    """Pick ',', ';' or tab. csv.Sniffer guesses wrongly on one-column files and on serials
    made of letters, so instead: the delimiter that makes a known header, else the first
    (tab, ';', ',') that splits the first rows into the same number (> 1) of columns,
    else ','."""
    samples: dict[str, list[list[str]]] = {}
    for delimiter in _CSV_DELIMITERS:
        rows: list[list[str]] = []
        try:
            for _, row in _csv_rows(text, delimiter):
                rows.append(row)
                if len(rows) >= _CSV_SNIFF_ROWS:
                    break
        except InvalidInput:
            pass  # a quoting error under a wrong delimiter just rules that one out
        if rows and any(_csv_header_name(cell) for cell in rows[0]):
            return delimiter
        samples[delimiter] = rows
    for delimiter, rows in samples.items():
        widths = {len(row) for row in rows}
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    return ","


def _parse_cost(raw: str, where: str) -> int | None:
    text = _trim(raw)
    if not text:
        return None
    if text.startswith("-"):
        raise InvalidInput(f"{where}: cost {_show(text)} is negative")
    if _COST.fullmatch(text) is None:
        raise InvalidInput(
            f"{where}: cost {_show(text)} is not an amount like 12.50 "
            f"(digits and a '.' decimal point, no thousands separator)"
        )
    minor = Decimal(text) * 100
    # Accepting "12.500" (exact) but not "12.505": a spreadsheet may pad decimals.
    if minor != minor.to_integral_value():
        raise InvalidInput(f"{where}: cost {_show(text)} has more than two decimals")
    if minor > MAX_COST:
        raise InvalidInput(f"{where}: cost {_show(text)} is too large")
    return int(minor)


def parse_csv(text: str) -> list[SerialEntry]:
    """Parse a CSV file (already decoded to text) into entries, in file order.

    Columns: ``serial`` (also "serial number"/"serial_no"), optional ``asset_tag`` and
    ``cost``; header names are matched ignoring case, surrounding space, and space vs "_"
    vs "-". The first non-blank row is a header if any of its cells is one of those names;
    without a serial column, or without a header, the first column is the serial. The
    delimiter is ',', ';' or tab. A UTF-8 byte order mark and quoted fields are handled;
    blank rows are skipped. Cost is a plain amount with a '.' decimal point ("12", "12.50"),
    converted to minor units; negative, more than two decimals or thousands separators are
    refused. Every error names the CSV line.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidInput(
            f"CSV is too large: {len(text):,} characters (limit {MAX_INPUT_CHARS:,})"
        )
    text = text.removeprefix("\ufeff")
    rows = iter(_csv_rows(text, _csv_delimiter(text)))
    first = next(rows, None)
    if first is None:
        return []
    columns: dict[str, int] = {}
    header_line, header = first
    names = [_csv_header_name(cell) for cell in header]
    width: int | None = None
    if any(names):
        width = len(header)
        for index, name in enumerate(names):
            if name is None:
                continue
            if name in columns:
                raise InvalidInput(
                    f"CSV line {header_line}: column {name!r} appears twice in the header"
                )
            columns[name] = index
        if "serial" not in columns:
            if 0 in columns.values():
                raise InvalidInput(
                    f"CSV line {header_line}: no 'serial' column, and the first column is "
                    f"{_show(_trim(header[0]))}"
                )
            columns["serial"] = 0
        data: Iterable[tuple[int, list[str]]] = rows
    else:
        columns["serial"] = 0
        data = itertools.chain([first], rows)

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        value = row[index] if index is not None and index < len(row) else ""
        excel = _EXCEL_TEXT.fullmatch(_trim(value))
        return excel.group(1) if excel else value

    entries: list[SerialEntry] = []
    total = 0
    for line, row in data:
        total += 1
        if total > MAX_SERIALS:
            continue  # keep counting so the message gives the real size
        where = f"CSV line {line}"
        if width is not None and len(row) > width and any(_trim(c) for c in row[width:]):
            # A shifted or unquoted cell: dropping the extras would receive the wrong thing.
            raise InvalidInput(
                f"{where}: {len(row)} cells, but the header has {width} columns"
                " (a comma inside a cell needs quotes)"
            )
        serial = _clean(cell(row, "serial"), where, "serial")
        raw_tag = cell(row, "asset_tag")
        tag = _clean(raw_tag, where, "asset tag", MAX_ASSET_TAG_LENGTH) if _trim(raw_tag) else None
        entries.append(SerialEntry(serial, tag, _parse_cost(cell(row, "cost"), where)))
    if total > MAX_SERIALS:
        raise InvalidInput(f"CSV is too large: {total:,} serials (limit {MAX_SERIALS:,})")
    return entries
