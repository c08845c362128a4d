"""The till from the command line: `sell`, `refund`, `receipt`, `end-of-day`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date

from app import config
from app.cli import auth
from app.cli.common import (
    ArgumentParser,
    Subcommands,
    acting_user,
    add_listing,
    parse_amount,
    till_location,
)
from app.customers import services as customers
from app.db.uow import Store
from app.effects.command_line import printing_for_command
from app.effects.handlers import Effects
from app.errors import TRIM, InvalidInput
from app.paperwork.receipts import day_report_lines, receipt_text, refund_receipt, sale_receipt
from app.pos import ticket_sale
from app.pos.cart import Cart, TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.pos.day import business_day, end_of_day
from app.pos.refunds import RefundRequest, lines_for_serials, refund_sale
from app.pos.sales import get_sale
from app.scan import (
    AddLine,
    CollectTicket,
    PickBundleUnits,
    PickUnit,
    ReceiptScanned,
    Refuse,
    ScannedUnit,
    SerialChoice,
    UnitScan,
    UnknownScan,
    resolve_scan,
    sale_step,
)
from app.users.roles import Actor


def _till(shop: config.ShopSettings, location: str) -> Till:
    return Till(
        name=shop.till,
        location=location,
        prices_include_tax=shop.prices_include_tax,
        discount_limit_bp=shop.manager_discount_percent * 100,
    )


def _cart_from_codes(store: Store, actor: Actor, codes: Sequence[str], location: str) -> Cart:
    """Each code resolved like a scan at the till; anything but a sellable line is refused
    (there is no one to ask which unit was meant)."""
    cart = Cart()
    queue = list(codes)
    while queue:
        code = queue.pop(0)
        match sale_step(resolve_scan(store, actor, code, location=location), location=location):
            case AddLine(line, _said):
                cart.add(line)
            case PickBundleUnits() as bundle:
                wanted = len(bundle.asks)
                serials, queue = queue[:wanted], queue[wanted:]
                if len(serials) < wanted:
                    raise InvalidInput(bundle.unpicked)
                units = [_bundle_unit(store, actor, s, location) for s in serials]
                cart.add(bundle.line(units, {u for ln in cart.lines for u in ln.unit_ids}))
            case PickUnit(unpicked=message) | Refuse(message):
                raise InvalidInput(message)
            case ReceiptScanned(number):
                raise InvalidInput(f"{number} is a receipt, not something to sell")
            case CollectTicket(number):
                ticket_sale.add_to_cart(store, actor, cart, number)
    return cart


def _bundle_unit(store: Store, actor: Actor, serial: str, location: str) -> ScannedUnit:
    """A serial given after a bundle's SKU: it must name one unit."""
    match resolve_scan(store, actor, serial, location=location):
        case UnitScan(unit):
            return unit
        case SerialChoice(units):
            skus = ", ".join(sorted(u.item.sku for u in units))
            raise InvalidInput(f"{serial.strip()} is a serial of several items ({skus})")
        case UnknownScan(_code, message):
            raise InvalidInput(message)
    raise InvalidInput(f"{serial.strip()} is not a unit's serial: give the component serials")


def _tenders(pays: Sequence[str], total: int) -> tuple[TenderInput, ...]:
    """cash | cash:AMOUNT | card:REF | card:REF:AMOUNT; one tender without an amount takes
    whatever is left to pay."""
    parsed: list[tuple[TenderKind, str, int | None]] = []
    for pay in pays:
        kind_text, _, rest = pay.partition(":")
        try:
            kind = TenderKind(kind_text.strip(TRIM).lower())
        except ValueError:
            raise InvalidInput(f"--pay {pay!r}: use cash[:AMOUNT] or card:REF[:AMOUNT]") from None
        if kind is TenderKind.CASH:
            parsed.append((kind, "", parse_amount(rest, "cash amount") if rest else None))
        else:
            reference, _, amount = rest.partition(":")
            parsed.append(
                (kind, reference, parse_amount(amount, "card amount") if amount else None)
            )
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


@contextmanager
def _paper(store: Store, args: argparse.Namespace) -> Iterator[Effects | None]:
    """With --print, the command's receipts go through the print queue exactly as the
    till's do (the same effects; the drawer opens for cash); one line per job follows."""
    if not args.print:
        yield None
        return
    with printing_for_command(store, config.load_settings(), say=print) as effects:
        yield effects


def cmd_sell(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    shop = config.load_settings().shop
    till = _till(shop, till_location(store, args.location))
    cart = _cart_from_codes(store, actor, args.code, till.location)
    total = cart.totals(prices_include_tax=till.prices_include_tax).total
    customer_id, new_customer = _customer(store, actor, args.customer)
    checkout = Checkout(
        tuple(cart.lines),
        _tenders(args.pay, total) if total else (),  # a warranty repair comes to nothing
        customer_id=customer_id if customer_id or new_customer else cart.customer_id,
        new_customer=new_customer,
        ticket_number=cart.ticket_number,
    )
    with _paper(store, args):
        sale = complete_sale(store, actor, till, checkout)
        print(sale.number)
        print(receipt_text(sale_receipt(shop, sale)))


def cmd_refund(store: Store, args: argparse.Namespace) -> None:
    actor = acting_user(store, args)
    shop = config.load_settings().shop
    approver = auth.approver(store, args, shop.till)
    sale = get_sale(store, actor, args.sale)
    request = RefundRequest(
        sale.number, lines_for_serials(sale, args.serial), args.reason, args.restock, args.cash
    )
    # A refund restocks where --restock says: the till's own location is not needed.
    till = _till(shop, shop.till_location)
    with _paper(store, args):
        refund = refund_sale(store, actor, till, request, approver=approver)
        print(refund.number)
        print(receipt_text(refund_receipt(shop, refund)))


def cmd_receipt(store: Store, args: argparse.Namespace) -> None:
    sale = get_sale(store, acting_user(store, args), args.sale)
    print(receipt_text(sale_receipt(config.load_settings().shop, sale, reprint=True)))
    with _paper(store, args) as effects:
        if effects is not None:
            effects.print_sale(sale, reprint=True)


def cmd_end_of_day(store: Store, args: argparse.Namespace) -> None:
    shop = config.load_settings().shop
    try:
        day = date.fromisoformat(args.day) if args.day else business_day()
    except ValueError:
        raise InvalidInput(f"--day {args.day!r}: give a date as YYYY-MM-DD") from None
    report = end_of_day(store, acting_user(store, args), args.till or shop.till, day)
    if args.json:
        json.dump(asdict(report), sys.stdout, indent=1, default=str)
        print()
        return
    for label, value in day_report_lines(shop, report):
        print(f"{label:<28}{value:>20}")
    with _paper(store, args) as effects:
        if effects is not None:
            effects.print_day_report(report)


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser(
        "sell",
        help="sell codes (serials, barcodes, SKUs; a bundle's SKU then its component serials)"
        " and take payment",
    )
    p.add_argument("code", nargs="+")
    p.add_argument(
        "--pay", action="append", required=True, help="cash[:AMOUNT] or card:REF[:AMOUNT]"
    )
    p.add_argument("--customer", help="customer name (added if new)")
    p.add_argument(
        "--location",
        help="where this till sells from (default: [shop] till_location, else the only"
        " sellable location)",
    )
    _add_print(p)
    p.set_defaults(handler=cmd_sell)

    p = sub.add_parser("refund", help="refund a sale, or some serials of it")
    p.add_argument("sale")
    p.add_argument("serial", nargs="*")
    p.add_argument("--reason", required=True)
    p.add_argument("--restock", required=True, help="a sellable location, or 'defective'")
    p.add_argument(
        "--cash", action="store_true", help="refund in cash instead of the original tender"
    )
    auth.add_approval(p)
    _add_print(p)
    p.set_defaults(handler=cmd_refund)

    p = sub.add_parser("receipt", help="reprint a sale's receipt")
    p.add_argument("sale")
    _add_print(p)
    p.set_defaults(handler=cmd_receipt)

    p = sub.add_parser("end-of-day", help="totals by tender for a till and a day")
    p.add_argument("--till")
    p.add_argument("--day", help="YYYY-MM-DD (default: today)")
    add_listing(p)
    _add_print(p)
    p.set_defaults(handler=cmd_end_of_day)


def _add_print(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--print", action="store_true", help="also print it on the receipt printer (queued)"
    )
