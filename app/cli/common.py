"""What every command shares: the parser that reports in one line, output as a table or
JSON, who is acting, and amounts and rates as people type them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from app import config
from app.cli.auth import acting_user
from app.cli.parsing import EXIT_BAD_INPUT, ArgumentParser, Handler, Subcommands
from app.db.uow import Store
from app.errors import TRIM, Conflict, escaped
from app.money import format_plain, parse_money, parse_percent
from app.stock.records import HistoryEntry, StockRow, UnitRecord
from app.stock.till_location import sellable_locations, till_location_of
from app.text import shorten

# Re-exported: every command module takes these from here.
__all__ = ["EXIT_BAD_INPUT", "ArgumentParser", "Handler", "Subcommands", "acting_user"]


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def unit_json(unit: UnitRecord) -> dict[str, Any]:
    """A unit for --json and tables; no "cost" for a role that may not see costs."""
    shown: dict[str, Any] = {
        "sku": unit.sku,
        "item": unit.item_name,
        "serial": unit.serial,
        "asset_tag": unit.asset_tag,
        "status": unit.status,
        "location": unit.location,
        "customer": unit.customer,
        "cost": None if unit.cost is None else format_plain(unit.cost),
        "received": plain(unit.received_at),
        "batch": unit.batch_id,
        "supplier_warranty_end": plain(unit.supplier_warranty_end),
        "warranty_type": unit.warranty_type,
        "warranty_start": plain(unit.warranty_start),
        "warranty_end": plain(unit.warranty_end),
    }
    if unit.cost is None:
        del shown["cost"]
    return shown


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": plain(entry.at),
        "kind": entry.kind,
        "from": entry.from_state,
        "to": entry.to_state,
        "user": entry.user,
        "document": entry.document,
        "reason": entry.reason,
    }


def stock_json(row: StockRow) -> dict[str, Any]:
    return {"sku": row.sku, "name": row.name, "location": row.location, "qty": row.qty}


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """Aligned columns for people; --json is for scripts."""
    cells = [
        [("" if r.get(c) is None else escaped(str(plain(r.get(c))))) for c in columns] for r in rows
    ]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def emit(args: argparse.Namespace, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    if args.json:
        json.dump(list(rows), sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        print_table(rows, columns)


def whole_number(text: str) -> int:
    """An argparse type: ASCII digits, 0 to 2**31-1 (store columns are 32-bit; int() would
    take '١٢', '1_000' and numbers SQLite cannot bind)."""
    cleaned = text.strip(TRIM)
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 10 or int(cleaned) >= 2**31:
        raise argparse.ArgumentTypeError(f"{shorten(cleaned)} is not a whole number")
    return int(cleaned)


def parse_amount(text: str | None, field: str) -> int | None:
    return None if text is None else parse_money(text, field=field)


def parse_tax_rate(text: str | None) -> int | None:
    return None if text is None else parse_percent(text, what="a tax rate")


def add_listing(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def till_location(store: Store, given: str | None) -> str:
    """--location if given, else this till's selling location (the setting, or the store's
    only sellable one); when neither is known, one line saying which option or setting."""
    if given:
        return given
    settings = config.load_settings()
    try:
        return till_location_of(store, settings)
    except Conflict:
        names = ", ".join(sellable_locations(store)) or "none yet: add one with `location add`"
        wanted = settings.shop.till_location.strip()
        why = (
            f"till_location {wanted!r} is not a sellable location"
            if wanted
            else "no till location is set and the store has no single sellable location"
        )
        raise Conflict(
            f"{why}: give --location NAME, or set till_location under [shop] in"
            f" {config.config_path()} (sellable: {names})"
        ) from None
