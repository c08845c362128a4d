"""Units and stock: `serials`, `history`, `transfer`, `write-off`, `stock`, `valuation`,
`export serials`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import TextIO

from app import config
from app.cli import auth
from app.cli.common import (
    ArgumentParser,
    Subcommands,
    acting_user,
    add_listing,
    emit,
    history_json,
    stock_json,
    unit_json,
    whole_number,
)
from app.db.uow import Store
from app.errors import InvalidInput, NotFound
from app.files import write_atomically, write_csv_rows
from app.money import format_plain
from app.stock import queries
from app.stock.moves import transfer_units, write_off
from app.stock.records import UnitRecord


def _unit_filter(args: argparse.Namespace) -> queries.UnitFilter:
    return queries.UnitFilter(
        sku=args.sku,
        status=args.status,
        location=args.location,
        prefix=args.prefix,
        search=args.search,
        batch_id=getattr(args, "batch", None),
    )


def cmd_serials(store: Store, args: argparse.Namespace) -> None:
    page = queries.list_units(store, acting_user(store, args), _unit_filter(args), limit=args.limit)
    rows = [unit_json(u) for u in page.units]
    emit(args, rows, ("sku", "serial", "status", "location", "customer", "warranty_end"))


def cmd_history(store: Store, args: argparse.Namespace) -> None:
    entries = queries.unit_history(store, acting_user(store, args), args.serial, args.sku)
    emit(args, [history_json(e) for e in entries], ("at", "kind", "from", "to", "user", "document"))


def cmd_transfer(store: Store, args: argparse.Namespace) -> None:
    moved = transfer_units(
        store, acting_user(store, args), args.serial, to_location=args.to, sku=args.sku
    )
    print(f"moved {len(moved)} unit{'s' if len(moved) != 1 else ''} to {args.to.strip()}")


def cmd_write_off(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    approver = auth.approver(store, args, config.load_settings().shop.till)
    serial = write_off(
        store, actor, args.serial, reason=args.reason, sku=args.sku, approver=approver
    )
    print(f"wrote off {serial}")


def cmd_stock(store: Store, args: argparse.Namespace) -> None:
    rows = [
        stock_json(r)
        for r in queries.stock_by_location(store, acting_user(store, args), sku=args.sku)
    ]
    emit(args, rows, ("sku", "name", "location", "qty"))


def cmd_valuation(store: Store, args: argparse.Namespace) -> None:
    rows = [
        {"sku": r.sku, "name": r.name, "qty": r.qty, "value": format_plain(r.value)}
        for r in queries.valuation(store, acting_user(store, args))
    ]
    emit(args, rows, ("sku", "name", "qty", "value"))


EXPORT_COLUMNS = (
    "sku", "item", "serial", "asset_tag", "status", "location", "customer", "cost",
    "received", "batch", "supplier_warranty_end", "warranty_type", "warranty_start",
    "warranty_end",
)  # fmt: skip


def write_units_csv(path: Path, units: Iterable[UnitRecord]) -> int:
    """Streams units to CSV through a temporary file: a failed export leaves no half file."""
    count = 0

    def write(out: TextIO) -> None:
        nonlocal count
        rows = (unit_json(unit) for unit in units)
        count = write_csv_rows(
            out, chain([EXPORT_COLUMNS], ([row[c] for c in EXPORT_COLUMNS] for row in rows))
        )

    try:
        write_atomically(path, write)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return count


def cmd_export(store: Store, args: argparse.Namespace) -> None:
    from app.users.roles import Permission, require

    actor = acting_user(store, args)
    require(actor, Permission.EXPORT)
    path = Path(args.file)
    if not path.parent.is_dir():
        raise NotFound(f"folder {str(path.parent)!r} does not exist")
    count = write_units_csv(path, queries.iter_units(store, actor, _unit_filter(args)))
    print(f"exported {count} units to {path}")


def _add_unit_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sku")
    p.add_argument("--status", help="in_stock, sold, defective, adjusted_out, used, at_vendor")
    p.add_argument("--location")
    p.add_argument("--prefix", help="serial starts with")
    p.add_argument("--search", help="serial or asset tag contains")


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("serials", help="list and search serial units")
    _add_unit_filters(p)
    p.add_argument("--limit", type=whole_number, default=100)
    add_listing(p)
    p.set_defaults(handler=cmd_serials)

    p = sub.add_parser("history", help="a unit's history from the ledger")
    p.add_argument("serial")
    p.add_argument("--sku")
    add_listing(p)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("transfer", help="move in-stock units to another location")
    p.add_argument("serial", nargs="+")
    p.add_argument("--to", required=True)
    p.add_argument("--sku")
    p.set_defaults(handler=cmd_transfer)

    p = sub.add_parser("write-off", help="write a unit off (reason required)")
    p.add_argument("serial")
    p.add_argument("--reason", required=True)
    p.add_argument("--sku")
    auth.add_approval(p)
    p.set_defaults(handler=cmd_write_off)

    p = sub.add_parser("stock", help="on-hand quantity by item and location")
    p.add_argument("--sku")
    add_listing(p)
    p.set_defaults(handler=cmd_stock)

    p = sub.add_parser("valuation", help="stock value by specific cost")
    add_listing(p)
    p.set_defaults(handler=cmd_valuation)


def register_export(sub: Subcommands[ArgumentParser]) -> None:
    export = sub.add_parser("export").add_subparsers(
        dest="export_command", required=True, parser_class=ArgumentParser
    )
    p = export.add_parser("serials", help="every serial unit to a CSV file")
    p.add_argument("file", metavar="FILE.csv")
    _add_unit_filters(p)
    p.set_defaults(handler=cmd_export)
