"""`item add | edit | list | bundle | serialize | unserialize` and `location add | list`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, replace

from app.cli.common import (
    ArgumentParser,
    Subcommands,
    acting_user,
    add_listing,
    emit,
    parse_amount,
    parse_tax_rate,
    whole_number,
)
from app.db.uow import Store
from app.errors import InvalidInput
from app.money import format_plain
from app.stock import queries
from app.stock.bundles import ComponentInput, set_components
from app.stock.conversion import serialize_item, unserialize_item
from app.stock.items import ItemFields, create_item, edit_item
from app.stock.locations import create_location
from app.stock.serial_charsets import DESCRIPTIONS, SerialCharset
from app.users.roles import Permission


def _item_fields(args: argparse.Namespace) -> ItemFields:
    return ItemFields(
        name=getattr(args, "item_name", None),
        price=parse_amount(args.price, "price"),
        cost=parse_amount(args.cost, "cost"),
        barcode=args.barcode,
        tax_rate_bp=parse_tax_rate(args.tax_rate),
        serialized=args.serialized,
        warranty_days=args.warranty_days,
        serial_prefix=args.serial_prefix,
        serial_digits=args.serial_digits,
        serial_random=args.serial_random,
        serial_charset=args.serial_chars,
    )


def cmd_item_add(store: Store, args: argparse.Namespace) -> None:
    item = create_item(store, acting_user(store, args), sku=args.sku, values=_item_fields(args))
    print(f"added item {item.sku}")


def cmd_item_edit(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    values = replace(_item_fields(args), active=False if args.deactivate else None)
    item = edit_item(store, actor, args.sku, values)
    print(f"updated item {item.sku}")


def cmd_item_list(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    items = queries.list_items(store, actor, include_inactive=args.all)
    rows = [
        {
            "sku": i.sku,
            "name": i.name,
            "price": format_plain(i.price),
            "cost": format_plain(i.cost),
            "barcode": i.barcode,
            "tax_rate": format_plain(i.tax_rate_bp),
            "serialized": i.serialized,
            "warranty_days": i.warranty_days,
            "serial_scheme": _scheme_text(i.serial_prefix, i.serial_digits, i.serial_random),
            "next_serial_number": i.serial_next,
            "serial_chars": i.serial_charset,
            "active": i.active,
        }
        for i in items
    ]
    if not actor.can(Permission.VIEW_COSTS):  # what stock cost is not a cashier's business
        for row in rows:
            del row["cost"]
    emit(args, rows, ("sku", "name", "price", "serialized", "warranty_days", "serial_scheme"))


def _scheme_text(prefix: str, digits: int, random: bool) -> str:
    return f"{prefix}{'X' if random else '#'}{digits}"


def cmd_item_convert(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    convert = serialize_item if args.command == "serialize" else unserialize_item
    result = convert(store, actor, args.sku)
    for location, qty in result.qty_by_location.items():
        print(f"{location}: {qty}")
    for serial in result.serials:
        print(serial)
    print(f"warning: {result.warning}", file=sys.stderr)


def _component(text: str) -> ComponentInput:
    sku, _, qty = text.partition(":")
    if not qty:
        return ComponentInput(sku)
    try:
        return ComponentInput(sku, int(qty))
    except ValueError:
        raise InvalidInput(f"--component {text!r}: give SKU or SKU:QTY") from None


def cmd_item_bundle(store: Store, args: argparse.Namespace) -> None:
    components = [_component(text) for text in args.component]
    parts = set_components(store, acting_user(store, args), args.sku, components)
    print(f"bundle {args.sku.strip()}: " + ", ".join(f"{p.sku} x{p.qty}" for p in parts))


def cmd_location_add(store: Store, args: argparse.Namespace) -> None:
    loc = create_location(
        store, acting_user(store, args), name=args.name, sellable=not args.not_sellable
    )
    print(f"added location {loc.name}")


def cmd_location_list(store: Store, args: argparse.Namespace) -> None:
    rows = [asdict(loc) for loc in queries.list_locations(store, acting_user(store, args))]
    emit(args, rows, ("name", "sellable"))


def _add_item_options(p: argparse.ArgumentParser, *, editing: bool) -> None:
    p.add_argument("--price", required=not editing)
    p.add_argument("--cost")
    p.add_argument("--barcode")
    p.add_argument("--tax-rate", help="percent, e.g. 20")
    if editing:
        p.add_argument("--name", dest="item_name")
        p.add_argument("--serialized", action=argparse.BooleanOptionalAction, default=None)
        p.add_argument("--deactivate", action="store_true")
    else:
        p.add_argument("--serialized", action="store_true", default=None)
    p.add_argument("--warranty-days", type=whole_number)
    p.add_argument("--serial-prefix")
    p.add_argument("--serial-digits", type=whole_number)
    p.add_argument("--serial-random", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument(
        "--serial-chars",
        metavar="|".join(c.value for c in SerialCharset),
        help="what its serials may contain: "
        + "; ".join(f"{c.value}: {DESCRIPTIONS[c]}" for c in SerialCharset)
        + (" (default ascii)" if not editing else ""),
    )


def register(sub: Subcommands[ArgumentParser]) -> None:
    item = sub.add_parser("item").add_subparsers(
        dest="item_command", required=True, parser_class=ArgumentParser
    )
    p = item.add_parser("add")
    p.add_argument("sku")
    p.add_argument("item_name", metavar="NAME")
    _add_item_options(p, editing=False)
    p.set_defaults(handler=cmd_item_add)
    p = item.add_parser("edit")
    p.add_argument("sku")
    _add_item_options(p, editing=True)
    p.set_defaults(handler=cmd_item_edit)
    p = item.add_parser("list")
    p.add_argument("--all", action="store_true", help="include deactivated items")
    add_listing(p)
    p.set_defaults(handler=cmd_item_list)
    p = item.add_parser("bundle", help="make an item a bundle (a kit) of component items")
    p.add_argument("sku")
    p.add_argument(
        "--component",
        action="append",
        required=True,
        metavar="SKU[:QTY]",
        help="a component and how many go in one kit (default 1); repeat for each",
    )
    p.set_defaults(handler=cmd_item_bundle)
    for name in ("serialize", "unserialize"):
        p = item.add_parser(name, help=f"{name} an item's current stock")
        p.add_argument("sku")
        p.set_defaults(handler=cmd_item_convert, command=name)

    location = sub.add_parser("location").add_subparsers(
        dest="location_command", required=True, parser_class=ArgumentParser
    )
    p = location.add_parser("add")
    p.add_argument("name")
    p.add_argument("--not-sellable", action="store_true", help="stock here is not for sale")
    p.set_defaults(handler=cmd_location_add)
    p = location.add_parser("list")
    add_listing(p)
    p.set_defaults(handler=cmd_location_list)
