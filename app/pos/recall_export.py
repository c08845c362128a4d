"""A recall list as CSV (for the supplier or a spreadsheet) and as printable text lines.

A cell a spreadsheet would read as a formula (= + - @, tab, carriage return first) is
prefixed with a quote: the OWASP rule against CSV injection — a serial or a customer's
name typed as "=HYPERLINK(...)" must stay text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.errors import InvalidInput
from app.files import csv_cell, write_atomically
from app.pos.recall import RecallRow

RECALL_COLUMNS = (
    "sku", "serial", "status", "location", "customer", "phone", "email", "sale_date",
    "receipt", "ticket", "received", "batch", "supplier",
)  # fmt: skip
safe_cell = csv_cell  # the one rule, in app.files


def recall_cells(row: RecallRow) -> list[str]:
    values = (
        row.sku, row.serial, row.status, row.location, row.customer, row.phone, row.email,
        row.sale_date, row.receipt, row.ticket, row.received_at, row.batch_id, row.supplier,
    )  # fmt: skip
    return [safe_cell(v) for v in values]


def recall_csv(rows: Iterable[RecallRow]) -> str:
    """The recall list as CSV text, header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECALL_COLUMNS)
    writer.writerows(recall_cells(r) for r in rows)
    return out.getvalue()


def write_recall_csv(path: Path, rows: Sequence[RecallRow]) -> int:
    """Writes the CSV through a temporary file: a failed export leaves no half file."""
    try:
        write_atomically(path, recall_csv(rows))
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(rows)


def _where(row: RecallRow) -> str:
    if row.customer:
        contact = ", ".join(c for c in (row.phone, row.email) if c)
        sale = (
            f" (sale {row.receipt} on {row.sale_date.isoformat()})"
            if row.receipt and row.sale_date
            else ""
        )
        return f"{row.customer}{' · ' + contact if contact else ''}{sale}"
    if row.ticket:
        return f"used on {row.ticket}"
    return row.location or ""


def recall_lines(title: str, rows: Sequence[RecallRow]) -> list[str]:
    """A printable recall list: a title, one line per unit, a count."""
    lines = [title, ""]
    lines.extend(f"{r.serial:<20} {r.status:<12} {_where(r)}".rstrip() for r in rows)
    lines.extend(["", f"{len(rows)} unit{'s' if len(rows) != 1 else ''}"])
    return lines
