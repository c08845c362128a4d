"""`serialpos ticket ...`: the service desk from the command line.

One module with `register(sub)` so it moves with the command line's split. Every command
is one service call (one transaction); bad input is one line on stderr, exit 2, nothing
changed. A device passcode is never an argument: `--passcode` reads it from
SERIALPOS_TICKET_PASSCODE or, without it, from the terminal without echo.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from app import config
from app.cli.common import (
    ArgumentParser,
    acting_user,
    add_listing,
    emit,
    parse_amount,
    parse_tax_rate,
    plain,
    till_location,
    whole_number,
)
from app.customers import services as customers
from app.db.uow import Store
from app.effects.command_line import printing_for_command
from app.errors import InvalidInput
from app.files import write_atomically
from app.money import format_plain
from app.tickets import collection, notes, parts, queries, replacement, vendor, workflow
from app.tickets.intake import Intake, NewCustomer, open_ticket
from app.tickets.records import TicketRecord, TicketSummary
from app.tickets.statuses import parse_priority, parse_status
from app.users import services as users
from app.users.roles import Actor

PASSCODE_ENV = "SERIALPOS_TICKET_PASSCODE"
_MONEY = {"estimate", "list_price", "unit_price", "total"}


def _plain_deep(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _plain_deep(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_deep(v) for v in value]
    if key in _MONEY and isinstance(value, int):
        return format_plain(value)
    return plain(value)


def ticket_json(ticket: TicketRecord) -> dict[str, Any]:
    """The ticket as scripts see it: money as 12.50, dates ISO, never the passcode."""
    data = asdict(ticket)
    for line, record in zip(data["lines"], ticket.lines, strict=True):
        line["total"] = record.total
    data["total"] = ticket.total
    return _plain_deep(data)  # type: ignore[no-any-return]


def summary_json(row: TicketSummary) -> dict[str, Any]:
    return _plain_deep(asdict(row))  # type: ignore[no-any-return]


def _date(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} {text.strip()[:20]!r} is not a date like 2026-12-24") from None


def _customer(
    store: Store, actor: Actor, args: argparse.Namespace
) -> tuple[int | None, NewCustomer | None]:
    """An existing customer of that name (the phone picks among namesakes), else a new one."""
    name = args.customer.strip()
    same = [
        c for c in customers.search_customers(store, actor, name) if c.name.lower() == name.lower()
    ]
    if args.phone:
        same = [c for c in same if c.phone == args.phone.strip()] or []
    if len(same) == 1:
        return same[0].id, None
    if len(same) > 1:
        labels = "; ".join(c.label for c in same[:5])
        raise InvalidInput(f"several customers are named {name}: {labels}; give --phone")
    return None, NewCustomer(name, args.phone or "", args.email or "")


def _passcode(args: argparse.Namespace) -> str | None:
    if not args.passcode:
        return None
    return os.environ.get(PASSCODE_ENV) or getpass.getpass("Device passcode (not shown): ")


def _technician(store: Store, name: str | None) -> int | None:
    return users.actor_by_name(store, name).id if name else None


def _print_ticket(ticket: TicketRecord) -> None:
    print(
        f"{ticket.number}  {ticket.status}  {ticket.customer}  {ticket.device}  S/N {ticket.serial}"
    )
    if ticket.under_warranty and ticket.warranty_end:
        print(f"under warranty until {ticket.warranty_end.isoformat()}")
    for line in ticket.lines:
        serial = f" S/N {line.serial}" if line.serial else ""
        what = f"{line.kind} {line.qty} x {line.description}{serial}"
        print(f"  #{line.id} {what}  {format_plain(line.total)}")
    if ticket.lines:
        print(f"  total {format_plain(ticket.total)}")


def cmd_open(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    customer_id, new_customer = _customer(store, actor, args)
    intake = Intake(
        serial=args.serial,
        problem=args.problem,
        sku=args.sku,
        device=args.device,
        customer_id=customer_id,
        new_customer=new_customer,
        condition=tuple(args.condition or ()),
        accessories=args.accessories or "",
        estimate=parse_amount(args.estimate, "estimate"),
        promised=_date(args.promised, "promised date"),
        technician_id=_technician(store, args.technician),
        priority=parse_priority(args.priority),
        passcode=_passcode(args),
    )
    _with_effects(store, lambda: open_ticket(store, actor, intake), _print_opened)


def _print_opened(ticket: TicketRecord) -> None:
    print(ticket.number)  # first line, alone: scripts read it
    _print_ticket(ticket)


def _with_effects(store: Store, call: Any, show: Any) -> None:
    """One service call with the after-commit effects (tag and slip, e-mail on ready);
    what they say about printers and mail comes after the command's own output."""
    said: list[str] = []
    with printing_for_command(store, config.load_settings(), say=said.append):
        ticket: TicketRecord = call()
        show(ticket)
    for line in said:
        print(line)


def cmd_status(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    status = parse_status(args.status)
    _with_effects(
        store,
        lambda: workflow.change_status(store, actor, args.number, status, note=args.note or ""),
        _print_status,
    )


def _print_status(ticket: TicketRecord) -> None:
    print(f"{ticket.number} {ticket.status}")


def cmd_note(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    ticket = notes.add_note(store, actor, args.number, args.text, for_customer=args.for_customer)
    print(f"{ticket.number}: {len(ticket.notes)} notes")


def _override(actor: Actor, args: argparse.Namespace) -> Actor | None:
    return actor if args.charge else None  # the service refuses unless a manager acts


def cmd_part(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    location = till_location(store, args.location)
    ticket = parts.add_part(store, actor, args.number, args.code, qty=args.qty,
                            location=location, override_by=_override(actor, args))  # fmt: skip
    _print_ticket(ticket)


def cmd_labour(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    price = parse_amount(args.price, "price") or 0
    ticket = parts.add_labour(store, actor, args.number, args.text, price,
                              tax_rate_bp=parse_tax_rate(args.tax_rate) or 0,
                              override_by=_override(actor, args))  # fmt: skip
    _print_ticket(ticket)


def cmd_remove(store: Store, args: argparse.Namespace) -> None:
    _print_ticket(parts.remove_line(store, acting_user(store, args), args.number, args.line))


def cmd_vendor(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    if args.back:
        ticket = vendor.receive_from_vendor(store, actor, args.number, location=args.location)
        print(f"{ticket.number}: back from the vendor (RMA {ticket.rma})")
    else:
        ticket = vendor.send_to_vendor(store, actor, args.number, args.rma)
        print(f"{ticket.number}: at the vendor, RMA {ticket.rma}")


def cmd_replace(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    location = till_location(store, args.location)
    ticket = replacement.replace_under_warranty(
        store, actor, args.number, location=location, serial=args.serial
    )
    print(f"{ticket.number}: {ticket.serial} replaced by {ticket.replacement_serial}")


def cmd_collect(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    _with_effects(
        store, lambda: collection.collect_without_charge(store, actor, args.number), _print_status
    )


def cmd_show(store: Store, args: argparse.Namespace) -> None:
    ticket = queries.ticket_detail(store, acting_user(store, args), args.number)
    if args.json:
        json.dump(ticket_json(ticket), sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    _print_ticket(ticket)
    for change in ticket.changes:
        note = f"  {change.note}" if change.note else ""
        print(f"  {plain(change.at)} {change.user}: {change.to_status}{note}")
    for n in ticket.notes:
        who = "for customer" if n.for_customer else "internal"
        print(f"  {plain(n.at)} {n.user} ({who}): {n.text}")


def cmd_list(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    f = queries.TicketFilter(
        status=parse_status(args.status) if args.status else None,
        closed_too=args.all,
        technician_id=_technician(store, args.technician),
        overdue=args.overdue,
        search=args.search or "",
    )
    shop = config.load_settings().shop
    page = queries.list_tickets(
        store, actor, f, limit=args.limit, stale_days=shop.ticket_stale_days
    )
    columns = ("number", "status", "promised", "customer", "device", "serial", "technician")
    emit(args, [summary_json(t) for t in page.tickets], columns)


def cmd_tag(store: Store, args: argparse.Namespace) -> None:
    from app.paperwork.tickets import claim_slip_rows, intake_tag
    from app.printing.escpos import render_rows, render_tag
    from app.printing.raster import rows_image, tag_image, to_png

    actor = acting_user(store, args)
    ticket = queries.ticket_detail(store, actor, args.number)
    settings = config.load_settings()
    if args.printer:
        with printing_for_command(store, settings, say=print) as effects:
            effects.print_ticket_papers(ticket, tag=not args.slip, slip=args.slip,
                                        printer_name=args.printer)  # fmt: skip
        return
    out = Path(args.out)
    png = out.suffix.lower() == ".png"
    if args.slip:
        rows = claim_slip_rows(settings.shop, ticket, 48)
        data = (
            to_png(rows_image(rows, width_mm=80, dpi=203, columns=48)) if png else render_rows(rows)
        )
    else:
        data = to_png(tag_image(intake_tag(ticket))) if png else render_tag(intake_tag(ticket))
    write_atomically(out, data)
    print(f"wrote {'claim slip' if args.slip else 'intake tag'} {ticket.number} to {out}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds `ticket ...` to the command line's subcommands."""
    ticket = sub.add_parser("ticket", help="repair tickets").add_subparsers(
        dest="ticket_command", required=True, parser_class=ArgumentParser
    )
    p = ticket.add_parser("open", help="take a device in; prints the ticket number first")
    p.add_argument("--customer", required=True, help="customer name (added if new)")
    p.add_argument("--phone")
    p.add_argument("--email")
    p.add_argument("--serial", required=True, help="the device's serial or IMEI")
    p.add_argument("--sku", help="which item, when several share the serial")
    p.add_argument("--device", help="make and model of a device we did not sell")
    p.add_argument("--problem", required=True)
    p.add_argument("--condition", action="append", help="a condition-checklist item (repeat)")
    p.add_argument("--accessories")
    p.add_argument("--estimate")
    p.add_argument("--promised", help="promised date, YYYY-MM-DD")
    p.add_argument("--technician", help="user name (service or manager)")
    p.add_argument("--priority", default="normal", help="low, normal, high or urgent")
    p.add_argument("--passcode", action="store_true",
                   help=f"ask for the device passcode (or read {PASSCODE_ENV})")  # fmt: skip
    p.set_defaults(handler=cmd_open)
    p = ticket.add_parser("status", help="move a ticket along its workflow")
    p.add_argument("number")
    p.add_argument("status")
    p.add_argument("--note")
    p.set_defaults(handler=cmd_status)
    p = ticket.add_parser("note", help="add a note")
    p.add_argument("number")
    p.add_argument("text")
    p.add_argument("--for-customer", action="store_true")
    p.set_defaults(handler=cmd_note)
    p = ticket.add_parser("part", help="use a part: a unit's serial, or an item's SKU")
    p.add_argument("number")
    p.add_argument("code")
    p.add_argument("--qty", type=whole_number, default=1)
    p.add_argument("--location", help="where bulk parts come from (default: settings)")
    p.add_argument("--charge", action="store_true", help="charge under warranty (managers)")
    p.set_defaults(handler=cmd_part)
    p = ticket.add_parser("labour", help="add labour with its price")
    p.add_argument("number")
    p.add_argument("text")
    p.add_argument("--price", required=True)
    p.add_argument("--tax-rate", help="percent, e.g. 20")
    p.add_argument("--charge", action="store_true", help="charge under warranty (managers)")
    p.set_defaults(handler=cmd_labour)
    p = ticket.add_parser("remove", help="take a line off (parts go back to stock)")
    p.add_argument("number")
    p.add_argument("line", type=whole_number, help="the line's number (#N in ticket show)")
    p.set_defaults(handler=cmd_remove)
    p = ticket.add_parser("vendor", help="send to the vendor under an RMA, or take back")
    p.add_argument("number")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--rma", help="the vendor's RMA reference")
    which.add_argument("--back", action="store_true", help="it is back from the vendor")
    p.add_argument("--location", help="where the shop's own unit goes back to")
    p.set_defaults(handler=cmd_vendor)
    p = ticket.add_parser("replace", help="warranty replacement with a new unit")
    p.add_argument("number")
    p.add_argument("--serial", help="the new unit (default: the first in stock)")
    p.add_argument("--location", help="where the new unit is taken from (default: settings)")
    p.set_defaults(handler=cmd_replace)
    p = ticket.add_parser("collect", help="hand a no-charge ticket back without a sale")
    p.add_argument("number")
    p.set_defaults(handler=cmd_collect)
    p = ticket.add_parser("show", help="one ticket whole")
    p.add_argument("number")
    add_listing(p)
    p.set_defaults(handler=cmd_show)
    p = ticket.add_parser("list", help="open tickets, newest first")
    p.add_argument("--status")
    p.add_argument("--overdue", action="store_true")
    p.add_argument("--technician")
    p.add_argument("--search", help="ticket number, customer name or serial")
    p.add_argument("--all", action="store_true", help="closed tickets too")
    p.add_argument("--limit", type=whole_number, default=100)
    add_listing(p)
    p.set_defaults(handler=cmd_list)
    p = ticket.add_parser("tag", help="the intake tag (or --slip) to a file or a printer")
    p.add_argument("number")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", help="file: .png for a picture, else ESC/POS bytes")
    where.add_argument("--printer", help="a printer's name")
    p.add_argument("--slip", action="store_true", help="the customer's claim slip instead")
    p.set_defaults(handler=cmd_tag)
