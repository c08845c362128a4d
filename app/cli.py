"""The back-office command line. No subcommand (or `gui`) opens the window.

On success: exit 0. On bad input: one line on stderr, exit 2, and nothing changed (every
service call is one transaction that validates before it writes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy.engine import make_url

from app import config
from app.customers import services as customers
from app.db.uow import Store, open_store
from app.errors import Conflict, InvalidInput, NotFound, UserError
from app.money import format_plain, parse_money
from app.pos import services as pos
from app.pos.cart import Cart, TenderInput, TenderKind
from app.pos.services import Checkout, RefundRequest, Till
from app.receipts import day_report_lines, receipt_text, refund_receipt, sale_receipt
from app.scan import ItemScan, SaleScan, SerialChoice, UnitScan, resolve_scan
from app.stock import queries, serials, services
from app.stock.records import HistoryEntry, StockRow, UnitRecord
from app.stock.services import ItemFields, Receiving
from app.users import services as users
from app.users.roles import Actor, parse_role

EXIT_BAD_INPUT = 2
MAX_CSV_BYTES = 20_000_000


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr like every other error."""

    def error(self, message: str) -> NoReturn:
        raise InvalidInput(f"{self.prog}: {message}")


# ---------------------------------------------------------------- output


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def unit_json(unit: UnitRecord) -> dict[str, Any]:
    return {
        "sku": unit.sku,
        "item": unit.item_name,
        "serial": unit.serial,
        "asset_tag": unit.asset_tag,
        "status": unit.status,
        "location": unit.location,
        "customer": unit.customer,
        "cost": format_plain(unit.cost),
        "received": _plain(unit.received_at),
        "batch": unit.batch_id,
        "supplier_warranty_end": _plain(unit.supplier_warranty_end),
        "warranty_type": unit.warranty_type,
        "warranty_start": _plain(unit.warranty_start),
        "warranty_end": _plain(unit.warranty_end),
    }


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": _plain(entry.at),
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
    cells = [[("" if r.get(c) is None else str(_plain(r.get(c)))) for c in columns] for r in rows]
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


# ---------------------------------------------------------------- helpers


def _actor(store: Store, args: argparse.Namespace) -> Actor:
    name = args.as_user or os.environ.get("SERIALPOS_USER")
    if not name:
        raise InvalidInput("say who is acting: --as USER (before the subcommand) or SERIALPOS_USER")
    return users.actor_by_name(store, name)


def _money(text: str | None, field: str) -> int | None:
    return None if text is None else parse_money(text, field=field)


def _read_text_file(path: str, what: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise NotFound(f"{what} {path!r} not found")
    if file.stat().st_size > MAX_CSV_BYTES:
        raise InvalidInput(f"{what} {path!r} is larger than {MAX_CSV_BYTES // 1_000_000} MB")
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{what} {path!r} is not UTF-8 text") from None


def _tax_bp(text: str | None) -> int | None:
    if text is None:
        return None
    return parse_money(text.rstrip("%"), field="tax rate")  # 20.5 -> 2050 basis points


# ---------------------------------------------------------------- commands


def cmd_init(store: Store, args: argparse.Namespace) -> None:
    from app.demo import seed_demo

    manager = users.create_first_manager(store, name=args.manager, pin=args.pin)
    if args.demo:
        seed_demo(store, manager)
    print(f"store ready; manager {manager.name}" + (" with demo data" if args.demo else ""))


def cmd_user_add(store: Store, args: argparse.Namespace) -> None:
    user = users.add_user(
        store, _actor(store, args), name=args.name, role=parse_role(args.role), pin=args.pin
    )
    print(f"added user {user.name} ({user.role.value})")


def _item_fields(args: argparse.Namespace) -> ItemFields:
    return ItemFields(
        name=getattr(args, "item_name", None),
        price=_money(args.price, "price"),
        cost=_money(args.cost, "cost"),
        barcode=args.barcode,
        tax_rate_bp=_tax_bp(args.tax_rate),
        serialized=args.serialized,
        warranty_days=args.warranty_days,
        serial_prefix=args.serial_prefix,
        serial_digits=args.serial_digits,
        serial_random=args.serial_random,
    )


def cmd_item_add(store: Store, args: argparse.Namespace) -> None:
    item = services.create_item(store, _actor(store, args), sku=args.sku, values=_item_fields(args))
    print(f"added item {item.sku}")


def cmd_item_edit(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    values = replace(_item_fields(args), active=False if args.deactivate else None)
    item = services.edit_item(store, actor, args.sku, values)
    print(f"updated item {item.sku}")


def cmd_item_list(store: Store, args: argparse.Namespace) -> None:
    items = queries.list_items(store, _actor(store, args), include_inactive=args.all)
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
            "active": i.active,
        }
        for i in items
    ]
    emit(args, rows, ("sku", "name", "price", "serialized", "warranty_days", "serial_scheme"))


def _scheme_text(prefix: str, digits: int, random: bool) -> str:
    return f"{prefix}{'X' if random else '#'}{digits}"


def cmd_item_convert(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    convert = services.serialize_item if args.command == "serialize" else services.unserialize_item
    result = convert(store, actor, args.sku)
    for location, qty in result.qty_by_location.items():
        print(f"{location}: {qty}")
    for serial in result.serials:
        print(serial)
    print(f"warning: {result.warning}", file=sys.stderr)


def cmd_location_add(store: Store, args: argparse.Namespace) -> None:
    loc = services.create_location(
        store, _actor(store, args), name=args.name, sellable=not args.not_sellable
    )
    print(f"added location {loc.name}")


def cmd_location_list(store: Store, args: argparse.Namespace) -> None:
    rows = [asdict(loc) for loc in queries.list_locations(store, _actor(store, args))]
    emit(args, rows, ("name", "sellable"))


def _entries(args: argparse.Namespace, limit: int) -> tuple[list[serials.SerialEntry], str]:
    if args.serials is not None:
        text = sys.stdin.read(serials.MAX_INPUT_CHARS + 1) if args.serials == "-" else args.serials
        return serials.parse_list(text), "list"
    if args.range is not None:
        return serials.parse_range(args.range, limit=limit), "range"
    return serials.parse_csv(_read_text_file(args.csv, "CSV file")), "csv"


def cmd_receive(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    rcv = Receiving(
        sku=args.sku,
        location=args.location,
        cost=_money(args.cost, "cost"),
        supplier_warranty_days=args.supplier_warranty_days,
        expect=args.expect,
        supplier=args.supplier,
    )
    if args.qty is not None:
        result = services.receive_quantity(store, actor, rcv, args.qty)
    elif args.generate is not None:
        result = services.generate_serials(store, actor, rcv, args.generate)
    else:
        entries, method = _entries(args, config.load_settings().shop.max_range)
        result = services.receive_serials(store, actor, rcv, entries, method=method)
    if args.json:
        json.dump(asdict(result), sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    batch = f" (batch {result.batch_id})" if result.batch_id else ""
    print(f"received {result.qty} x {result.sku} at {result.location}{batch}")
    for serial in result.serials if args.generate is not None else ():
        print(serial)


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
    page = queries.list_units(store, _actor(store, args), _unit_filter(args), limit=args.limit)
    rows = [unit_json(u) for u in page.units]
    emit(args, rows, ("sku", "serial", "status", "location", "customer", "warranty_end"))


def cmd_history(store: Store, args: argparse.Namespace) -> None:
    entries = queries.unit_history(store, _actor(store, args), args.serial, args.sku)
    emit(args, [history_json(e) for e in entries], ("at", "kind", "from", "to", "user", "document"))


def cmd_transfer(store: Store, args: argparse.Namespace) -> None:
    moved = services.transfer_units(
        store, _actor(store, args), args.serial, to_location=args.to, sku=args.sku
    )
    print(f"moved {len(moved)} unit{'s' if len(moved) != 1 else ''} to {args.to.strip()}")


def cmd_write_off(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    approver = users.actor_by_pin(store, args.approve_pin) if args.approve_pin else None
    serial = services.write_off(
        store, actor, args.serial, reason=args.reason, sku=args.sku, approver=approver
    )
    print(f"wrote off {serial}")


def cmd_stock(store: Store, args: argparse.Namespace) -> None:
    rows = [
        stock_json(r) for r in queries.stock_by_location(store, _actor(store, args), sku=args.sku)
    ]
    emit(args, rows, ("sku", "name", "location", "qty"))


def cmd_valuation(store: Store, args: argparse.Namespace) -> None:
    rows = [
        {"sku": r.sku, "name": r.name, "qty": r.qty, "value": format_plain(r.value)}
        for r in queries.valuation(store, _actor(store, args))
    ]
    emit(args, rows, ("sku", "name", "qty", "value"))


EXPORT_COLUMNS = (
    "sku", "item", "serial", "asset_tag", "status", "location", "customer", "cost",
    "received", "batch", "supplier_warranty_end", "warranty_type", "warranty_start",
    "warranty_end",
)  # fmt: skip


def write_units_csv(path: Path, units: Iterable[UnitRecord]) -> int:
    """Streams units to CSV through a temporary file: a failed export leaves no half file."""
    tmp = path.with_name(path.name + ".part")
    count = 0
    try:
        with tmp.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for unit in units:
                writer.writerow(unit_json(unit))
                count += 1
        os.replace(tmp, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return count


def cmd_export(store: Store, args: argparse.Namespace) -> None:
    from app.users.roles import Permission, require

    actor = _actor(store, args)
    require(actor, Permission.EXPORT)
    path = Path(args.file)
    if not path.parent.is_dir():
        raise NotFound(f"folder {str(path.parent)!r} does not exist")
    count = write_units_csv(path, queries.iter_units(store, actor, _unit_filter(args)))
    print(f"exported {count} units to {path}")


# ---------------------------------------------------------------- selling and refunds


def _till(shop: config.ShopSettings, location: str | None) -> Till:
    return Till(
        name=shop.till,
        location=location or shop.till_location,
        prices_include_tax=shop.prices_include_tax,
        discount_limit_bp=shop.manager_discount_percent * 100,
    )


def _cart_from_codes(store: Store, actor: Actor, codes: Sequence[str], location: str) -> Cart:
    """Each code resolved like a scan at the till; anything but a sellable line is refused."""
    cart = Cart()
    for code in codes:
        result = resolve_scan(store, actor, code, location=location)
        if isinstance(result, UnitScan):
            if result.unit.reason:
                raise Conflict(result.unit.reason)
            cart.add(result.unit.cart_line())
        elif isinstance(result, ItemScan) and not result.item.serialized:
            cart.add(result.cart_line())
        elif isinstance(result, ItemScan):
            here = ", ".join(u.serial for u in result.units_here[:10]) or "none"
            raise InvalidInput(
                f"{result.item.sku} is serialized: give the unit's serial (here: {here})"
            )
        elif isinstance(result, SerialChoice):
            skus = ", ".join(sorted(u.item.sku for u in result.units))
            raise InvalidInput(
                f"{code.strip()} is a serial of several items ({skus}): scan its GS1 code"
            )
        elif isinstance(result, SaleScan):
            raise InvalidInput(f"{result.number} is a receipt, not something to sell")
        else:
            raise InvalidInput(result.message)
    return cart


def _tenders(pays: Sequence[str], total: int) -> tuple[TenderInput, ...]:
    """cash | cash:AMOUNT | card:REF | card:REF:AMOUNT; one tender without an amount takes
    whatever is left to pay."""
    parsed: list[tuple[TenderKind, str, int | None]] = []
    for pay in pays:
        kind_text, _, rest = pay.partition(":")
        try:
            kind = TenderKind(kind_text.strip().lower())
        except ValueError:
            raise InvalidInput(f"--pay {pay!r}: use cash[:AMOUNT] or card:REF[:AMOUNT]") from None
        if kind is TenderKind.CASH:
            parsed.append((kind, "", _money(rest, "cash amount") if rest else None))
        else:
            reference, _, amount = rest.partition(":")
            parsed.append((kind, reference, _money(amount, "card amount") if amount else None))
    if sum(1 for *_, amount in parsed if amount is None) > 1:
        raise InvalidInput("only one --pay may leave out its amount")
    left = max(0, total - sum(amount or 0 for *_, amount in parsed))
    return tuple(
        TenderInput(kind, left if amount is None else amount, ref) for kind, ref, amount in parsed
    )


def _customer(store: Store, actor: Actor, name: str | None) -> tuple[int | None, str | None]:
    """(existing customer id, None), or (None, a new customer's name: added with the sale)."""
    if not name:
        return None, None
    wanted = name.strip().lower()
    found = customers.search_customers(store, actor, name, limit=customers.MAX_RESULTS)
    matches = [c for c in found if c.name.lower() == wanted]
    if len(matches) > 1:
        raise InvalidInput(
            f"several customers are called {name.strip()!r}; use the app to pick one"
        )
    if matches:
        return matches[0].id, None
    return None, name


def cmd_sell(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    shop = config.load_settings().shop
    till = _till(shop, args.location)
    cart = _cart_from_codes(store, actor, args.code, till.location)
    total = cart.totals(prices_include_tax=till.prices_include_tax).total
    customer_id, new_customer = _customer(store, actor, args.customer)
    checkout = Checkout(
        tuple(cart.lines),
        _tenders(args.pay, total),
        customer_id=customer_id,
        new_customer=new_customer,
    )
    sale = pos.complete_sale(store, actor, till, checkout)
    print(sale.number)
    print(receipt_text(sale_receipt(shop, sale)))


def cmd_refund(store: Store, args: argparse.Namespace) -> None:
    actor = _actor(store, args)
    shop = config.load_settings().shop
    approver = users.actor_by_pin(store, args.approve_pin) if args.approve_pin else None
    sale = pos.get_sale(store, actor, args.sale)
    request = RefundRequest(
        sale.number, pos.lines_for_serials(sale, args.serial), args.reason, args.restock, args.cash
    )
    refund = pos.refund_sale(store, actor, _till(shop, None), request, approver=approver)
    print(refund.number)
    print(receipt_text(refund_receipt(shop, refund)))


def cmd_receipt(store: Store, args: argparse.Namespace) -> None:
    sale = pos.get_sale(store, _actor(store, args), args.sale)
    print(receipt_text(sale_receipt(config.load_settings().shop, sale, reprint=True)))


def cmd_end_of_day(store: Store, args: argparse.Namespace) -> None:
    shop = config.load_settings().shop
    try:
        day = date.fromisoformat(args.day) if args.day else pos.business_day()
    except ValueError:
        raise InvalidInput(f"--day {args.day!r}: give a date as YYYY-MM-DD") from None
    report = pos.end_of_day(store, _actor(store, args), args.till or shop.till, day)
    if args.json:
        json.dump(asdict(report), sys.stdout, indent=1, default=str)
        print()
        return
    for label, value in day_report_lines(shop, report):
        print(f"{label:<28}{value:>20}")


def _units_to_label(store: Store, actor: Actor, args: argparse.Namespace) -> list[UnitRecord]:
    if args.serials is not None:
        wanted = serials.parse_list(args.serials)
        found = []
        for entry in wanted:
            units = [
                u
                for u in queries.find_units(store, actor, entry.serial)
                if u.sku.lower() == args.sku.strip().lower()
            ]
            if not units:
                raise NotFound(f"{args.sku.strip()} has no unit with serial {entry.serial}")
            found.extend(units)
        return found
    unit_filter = queries.UnitFilter(
        sku=args.sku,
        batch_id=args.received_batch,
        status=None if args.received_batch is not None else "in_stock",
    )
    return list(queries.iter_units(store, actor, unit_filter))


def cmd_labels(store: Store, args: argparse.Namespace) -> None:
    from app import labels as label_files

    actor = _actor(store, args)
    settings = config.load_settings()
    size = label_files.label_size(args.size or settings.label_size)
    items = {i.sku: i for i in queries.list_items(store, actor, include_inactive=True)}
    units = _units_to_label(store, actor, args)
    made = label_files.labels_for(settings.shop, units, items, gs1=args.gs1)
    if args.out:
        written = label_files.write_labels(made, Path(args.out), size)
        print(f"wrote {len(made)} labels to {args.out} ({written:,} bytes)")
        return
    from app.effects.command_line import printing_for_command

    with printing_for_command(store, settings, say=print) as effects:
        effects.print_labels(made, printer=args.printer, title=f"{len(made)} labels {args.sku}")


def _no_display() -> bool:
    """On Linux, Qt aborts the process when there is no screen to open a window on."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(store_url: str, args: argparse.Namespace) -> int:
    if _no_display():
        raise InvalidInput(
            "no screen to open the window on (DISPLAY is not set): run it on the desktop,"
            " or use the subcommands (serialpos --help)"
        )
    from app.ui.app import run_gui

    return run_gui(store_url, demo=not args.no_demo)


# ---------------------------------------------------------------- the parser


def _add_listing(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _add_unit_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sku")
    p.add_argument("--status", help="in_stock, sold, defective, adjusted_out, used, at_vendor")
    p.add_argument("--location")
    p.add_argument("--prefix", help="serial starts with")
    p.add_argument("--search", help="serial or asset tag contains")


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
    p.add_argument("--warranty-days", type=int)
    p.add_argument("--serial-prefix")
    p.add_argument("--serial-digits", type=int)
    p.add_argument("--serial-random", action=argparse.BooleanOptionalAction, default=None)


Handler = Callable[[Store, argparse.Namespace], None]


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="serialpos", description="SerialPOS back office")
    parser.add_argument("--db", help="SQLAlchemy URL (default: SERIALPOS_DB or the local store)")
    parser.add_argument("--as", dest="as_user", help="acting user (default: SERIALPOS_USER)")
    sub = parser.add_subparsers(dest="command", parser_class=ArgumentParser)

    gui = sub.add_parser("gui", help="open the window")
    gui.add_argument(
        "--no-demo", action="store_true", help="do not fill a new store with demo data"
    )

    p = sub.add_parser("init", help="create the store and its first manager")
    p.add_argument("--manager", required=True)
    p.add_argument("--pin", required=True)
    p.add_argument("--demo", action="store_true")
    p.set_defaults(handler=cmd_init)

    user = sub.add_parser("user").add_subparsers(
        dest="user_command", required=True, parser_class=ArgumentParser
    )
    p = user.add_parser("add")
    p.add_argument("name")
    p.add_argument("--role", required=True)
    p.add_argument("--pin", required=True)
    p.set_defaults(handler=cmd_user_add)

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
    _add_listing(p)
    p.set_defaults(handler=cmd_item_list)
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
    _add_listing(p)
    p.set_defaults(handler=cmd_location_list)

    p = sub.add_parser("receive", help="receive serialized units or a bulk quantity")
    p.add_argument("sku")
    p.add_argument("--location", required=True)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--serials", help="list separated by , ; tab or new line ('-': stdin)")
    how.add_argument("--range", help="A...B, e.g. SN0098...SN0102")
    how.add_argument("--generate", type=int, metavar="N", help="N serials from the item's scheme")
    how.add_argument("--csv", metavar="FILE")
    how.add_argument("--qty", type=int, help="bulk quantity (non-serialized items)")
    p.add_argument("--expect", type=int, metavar="N", help="the count the input must have")
    p.add_argument("--cost")
    p.add_argument("--supplier-warranty-days", type=int, default=0)
    _add_listing(p)
    p.set_defaults(handler=cmd_receive)

    p = sub.add_parser("serials", help="list and search serial units")
    _add_unit_filters(p)
    p.add_argument("--limit", type=int, default=100)
    _add_listing(p)
    p.set_defaults(handler=cmd_serials)

    p = sub.add_parser("history", help="a unit's history from the ledger")
    p.add_argument("serial")
    p.add_argument("--sku")
    _add_listing(p)
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
    p.add_argument("--approve-pin", help="a manager's PIN, when the acting user is not one")
    p.set_defaults(handler=cmd_write_off)

    p = sub.add_parser("stock", help="on-hand quantity by item and location")
    p.add_argument("--sku")
    _add_listing(p)
    p.set_defaults(handler=cmd_stock)

    p = sub.add_parser("valuation", help="stock value by specific cost")
    _add_listing(p)
    p.set_defaults(handler=cmd_valuation)

    p = sub.add_parser("sell", help="sell codes (serials, barcodes, SKUs) and take payment")
    p.add_argument("code", nargs="+")
    p.add_argument(
        "--pay", action="append", required=True, help="cash[:AMOUNT] or card:REF[:AMOUNT]"
    )
    p.add_argument("--customer", help="customer name (added if new)")
    p.add_argument("--location", help="where this till sells from (default: settings)")
    p.set_defaults(handler=cmd_sell)

    p = sub.add_parser("refund", help="refund a sale, or some serials of it")
    p.add_argument("sale")
    p.add_argument("serial", nargs="*")
    p.add_argument("--reason", required=True)
    p.add_argument("--restock", required=True, help="a sellable location, or 'defective'")
    p.add_argument(
        "--cash", action="store_true", help="refund in cash instead of the original tender"
    )
    p.add_argument("--approve-pin", help="a manager's PIN, when the acting user is not one")
    p.set_defaults(handler=cmd_refund)

    p = sub.add_parser("receipt", help="reprint a sale's receipt")
    p.add_argument("sale")
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser("end-of-day", help="totals by tender for a till and a day")
    p.add_argument("--till")
    p.add_argument("--day", help="YYYY-MM-DD (default: today)")
    _add_listing(p)
    p.set_defaults(handler=cmd_end_of_day)

    p = sub.add_parser("labels", help="serial labels to a file or a printer")
    p.add_argument("sku")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--serials", help="these serials (separated by , ; tab or new line)")
    which.add_argument("--received-batch", type=int, metavar="ID", help="the units of a receiving")
    which.add_argument("--all-in-stock", action="store_true")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--out", metavar="FILE", help="FILE.png, .pdf (sheet), .zpl or .bin (ESC/POS)"
    )
    where.add_argument("--printer", metavar="NAME", help="a printer from the settings")
    p.add_argument("--gs1", action="store_true", help="GS1-128 with (01) GTIN + (21) serial")
    p.add_argument("--size", help="label size: 50x25, 58mm, 80mm (default: settings)")
    p.set_defaults(handler=cmd_labels)

    export = sub.add_parser("export").add_subparsers(
        dest="export_command", required=True, parser_class=ArgumentParser
    )
    p = export.add_parser("serials", help="every serial unit to a CSV file")
    p.add_argument("file", metavar="FILE.csv")
    _add_unit_filters(p)
    p.set_defaults(handler=cmd_export)
    from app.cli_backoffice import register  # it imports this module's helpers

    register(sub)
    return parser


def _check_store_exists(url: str, command: str) -> None:
    """Only `init` makes a new SQLite store: a mistyped --db must not leave one behind."""
    parsed = make_url(url) if "://" in url else None
    if parsed is None or parsed.get_backend_name() != "sqlite" or command == "init":
        return
    database = parsed.database
    if database and database != ":memory:" and not Path(database).expanduser().exists():
        raise NotFound(f"no store at {database}; create it with 'serialpos init'")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        url = args.db or config.default_db_url()
        if args.command in (None, "gui"):
            if args.command is None:
                args.no_demo = False
            return cmd_gui(url, args)
        _check_store_exists(url, args.command)
        store = open_store(url)
        try:
            handler: Handler = args.handler
            handler(store, args)
        finally:
            store.dispose()
    except UserError as exc:
        print(f"serialpos: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `serialpos serials | head` is fine
        return 0
    return 0
