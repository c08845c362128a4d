"""Back-office subcommands: count, recall, warranty, expected deliveries, user management.

Kept apart from app/cli.py (registered by one call in its build_parser); the output and
actor helpers are cli.py's. Every command is the same services the window calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from app import config
from app.cli import auth
from app.cli.common import ArgumentParser, acting_user, parse_amount, plain, whole_number
from app.cli.receiving import read_text_file
from app.db.uow import Store
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.pos.recall import RecallQuery, recall_units
from app.pos.recall_export import recall_lines, write_recall_csv
from app.stock import count_apply, count_export, counts, expected, serial_csv, serials, warranty
from app.stock.count_records import CountTally, CountVariance
from app.stock.count_records import VarianceKind as K
from app.stock.receiving import Receiving
from app.users.roles import Actor, Role


def _date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what} {text!r}: give a date as YYYY-MM-DD") from None


def _approver(store: Store, args: argparse.Namespace) -> Actor | None:
    return auth.approver(store, args, config.load_settings().shop.till)


def _listed(args: argparse.Namespace) -> list[serials.SerialEntry]:
    if args.serials is not None:
        return serials.parse_list(args.serials)
    text = read_text_file(args.file, "file")
    if args.file.lower().endswith(".csv"):
        return serial_csv.parse_csv(text)
    return serials.parse_list(text)


# ---------------------------------------------------------------- count


def _print_tally(t: CountTally) -> None:
    print(f"count {t.count_id} of {t.location} ({t.status})")
    for label, value in (("expected", t.expected), ("counted", t.counted),
                         ("missing", t.missing), ("unexpected", t.unexpected)):  # fmt: skip
        print(f"{label:<12}{value:>8}")


def _print_variance(store: Store, actor: Actor, count_id: int) -> None:
    """Every unit of the variance, a page at a time (never the whole shelf in memory)."""
    titles = {K.MISSING: "missing", K.MOVED_HERE: "moved here", K.FOUND: "found",
              K.NOT_MOVED: "not moved"}  # fmt: skip
    for kind, title in titles.items():
        for u in count_export.variance_units(store, actor, count_id, kind):
            print(f"{title}: {u.sku} {u.serial} {u.state}")
    for u in count_export.variance_units(store, actor, count_id, K.UNKNOWN):
        print(f"unknown, to receive: {u.serial}")


def _print_applied(v: CountVariance) -> None:
    """What an applied count did: each group's size and its first units (the rest have
    moved: the ledger lists them under the count's document)."""
    for title, group in (("missing", v.missing), ("moved here", v.moved_here),
                         ("found", v.found), ("not moved", v.not_moved)):  # fmt: skip
        for u in group.first:
            print(f"{title}: {u.sku} {u.serial} {u.state}")
        if group.total > len(group.first):
            print(f"{title}: … and {group.total - len(group.first)} more")
    for serial in v.unknown.first:
        print(f"unknown, to receive: {serial}")
    if v.unknown.total > len(v.unknown.first):
        print(f"unknown, to receive: … and {v.unknown.total - len(v.unknown.first)} more")


def _print_quantities(v: CountVariance) -> None:
    for q in v.quantities:
        print(f"quantity: {q.sku} on record {q.on_record}, counted {q.counted}")


def _count_of(store: Store, actor: Actor, location: str) -> int:
    """The open count of the location (resumed), else a new one."""
    wanted = location.strip().lower()
    for tally in counts.open_counts(store, actor):
        if tally.location.lower() == wanted:
            return tally.count_id
    return counts.start_count(store, actor, location).count_id


def cmd_count(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    entries = _listed(args)  # all parsed before anything is saved
    quantities = [_quantity(q) for q in args.quantity or ()]
    approver = _approver(store, args)
    if args.apply and actor.role is not Role.MANAGER and approver is None:
        raise PermissionDenied(
            "--apply writes missing units off: it needs a manager's approval"
            " (--approve-pin, -fd or -env)"
        )
    count_id = _count_of(store, actor, args.location)
    for entry in entries:
        result = counts.scan_count(store, actor, count_id, entry.serial)
        if result.already_scanned:
            print(f"scanned twice: {result.serial}", file=sys.stderr)
    for sku, qty in quantities:
        counts.count_quantity(store, actor, count_id, sku, qty)
    if args.apply:
        applied = count_apply.apply_count(store, actor, count_id, approver=approver)
        _print_tally(applied.variance.tally)
        _print_applied(applied.variance)
        _print_quantities(applied.variance)
        return
    _print_tally(counts.count_tally(store, actor, count_id))
    _print_variance(store, actor, count_id)
    _print_quantities(count_apply.finish_count(store, actor, count_id))


def _quantity(text: str) -> tuple[str, int]:
    sku, _, qty = text.partition("=")
    if not sku.strip() or not qty.strip().isdigit():
        raise InvalidInput(f"--quantity {text!r}: give SKU=N")
    return sku.strip(), int(qty)


# ---------------------------------------------------------------- recall


def _recall_query(args: argparse.Namespace) -> RecallQuery:
    received_from = received_to = None
    if args.received:
        start, sep, end = args.received.partition("..")
        if not sep:
            raise InvalidInput(f"--received {args.received!r}: give FROM..TO (YYYY-MM-DD)")
        received_from = _date(start, "--received") if start.strip() else None
        received_to = _date(end, "--received") if end.strip() else None
    listed = tuple(e.serial for e in serials.parse_list(args.serials)) if args.serials else ()
    return RecallQuery(
        args.sku, serial_range=args.range, serials=listed, batch_id=args.batch,
        supplier=args.supplier, received_from=received_from, received_to=received_to,
    )  # fmt: skip


def cmd_recall(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    limit = config.load_settings().shop.max_range
    rows = recall_units(store, actor, _recall_query(args), range_limit=limit)
    if args.csv:
        path = Path(args.csv)
        if not path.parent.is_dir():
            raise NotFound(f"folder {str(path.parent)!r} does not exist")
        print(f"wrote {write_recall_csv(path, rows)} units to {path}")
    elif args.json:
        json.dump([{k: plain(v) for k, v in asdict(r).items()} for r in rows],
                  sys.stdout, indent=1, ensure_ascii=False)  # fmt: skip
        print()
    else:
        print("\n".join(recall_lines(f"Recall {args.sku.strip()}", rows)))


# ---------------------------------------------------------------- warranty


def cmd_warranty(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    change = warranty.change_warranty_end(
        store, actor, args.serial, end=_date(args.end, "--end"), reason=args.reason,
        sku=args.sku, approver=_approver(store, args),
    )  # fmt: skip
    old = change.old_end.isoformat() if change.old_end else "none"
    print(f"{change.sku} {change.serial}: warranty end {old} -> {change.new_end.isoformat()}")


# ---------------------------------------------------------------- expected deliveries


def cmd_expected_import(store: Store, args: argparse.Namespace) -> None:
    rcv = Receiving(
        sku=args.sku, location=args.location, cost=parse_amount(args.cost, "cost"),
        supplier_warranty_days=args.supplier_warranty_days, supplier=args.supplier,
    )  # fmt: skip
    made = expected.import_expected(store, acting_user(store, args), rcv, _listed(args))
    print(f"expected delivery {made.id}: {made.listed} serials of {made.sku} for {made.location}")


def cmd_expected_tick(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    for entry in serials.parse_list(args.serials):
        print(expected.tick_expected(store, actor, args.delivery, entry.serial).message)
    d = expected.expected_delivery(store, actor, args.delivery)
    print(f"ticked {d.ticked} of {d.listed}")


def cmd_expected_show(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    d = expected.expected_delivery(store, actor, args.delivery)
    print(f"expected delivery {d.id} ({d.status}): ticked {d.ticked} of {d.listed}")
    for serial in expected.unticked_serials(store, actor, d.id):
        print(f"not scanned: {serial}")


def cmd_expected_confirm(store: Store, args: argparse.Namespace) -> None:
    done = expected.confirm_expected(store, acting_user(store, args), args.delivery)
    r = done.received
    print(f"received {r.qty} x {r.sku} at {r.location} (batch {r.batch_id})")
    for serial in done.missing:
        print(f"missing: {serial}")


# ---------------------------------------------------------------- users


# ---------------------------------------------------------------- the parser


def _serial_input(p: argparse.ArgumentParser) -> None:
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--serials", help="serials separated by , ; tab or new line")
    how.add_argument("--file", help="a list (one a line) or a .csv with a serial column")


def register(sub: Any) -> None:
    """Adds the back-office subcommands to the `serialpos` parser's subparsers."""
    p = sub.add_parser("count", help="count a location by its serials; --apply writes it")
    p.add_argument("location")
    _serial_input(p)
    p.add_argument("--quantity", action="append", metavar="SKU=N", help="a bulk item's count")
    p.add_argument("--apply", action="store_true", help="apply the variance after the tally")
    auth.add_approval(p)
    p.set_defaults(handler=cmd_count)

    p = sub.add_parser("recall", help="an item's units by range, list, batch, supplier, date")
    p.add_argument("sku")
    p.add_argument("--range", help="A...B")
    p.add_argument("--serials")
    p.add_argument("--batch", type=whole_number)
    p.add_argument("--received", metavar="FROM..TO", help="receipt dates, YYYY-MM-DD")
    p.add_argument("--supplier")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true")
    out.add_argument("--csv", metavar="FILE")
    p.set_defaults(handler=cmd_recall)

    p = sub.add_parser("warranty", help="change a unit's customer-warranty end (audited)")
    p.add_argument("serial")
    p.add_argument("--end", required=True, help="YYYY-MM-DD")
    p.add_argument("--reason", required=True)
    p.add_argument("--sku")
    auth.add_approval(p)
    p.set_defaults(handler=cmd_warranty)

    ex = sub.add_parser("expected", help="receive against a supplier's serial list").add_subparsers(
        dest="expected_command", required=True, parser_class=ArgumentParser
    )
    p = ex.add_parser("import", help="save the supplier's list to tick off")
    p.add_argument("sku")
    p.add_argument("--location", required=True)
    _serial_input(p)
    p.add_argument("--supplier")
    p.add_argument("--cost")
    p.add_argument("--supplier-warranty-days", type=whole_number, default=0)
    p.set_defaults(handler=cmd_expected_import)
    for name, handler in (("tick", cmd_expected_tick), ("show", cmd_expected_show),
                          ("confirm", cmd_expected_confirm)):  # fmt: skip
        p = ex.add_parser(name)
        p.add_argument("delivery", type=whole_number)
        if name == "tick":
            p.add_argument("--serials", required=True, help="scanned serials")
        p.set_defaults(handler=handler)
