"""Pure money maths for a sale: line and sale discounts, tax, totals, tenders and change.

All amounts are integers of minor units; percentages are basis points (1250 = 12.5 %).
Rounding is half-up, once per line, so the receipt's lines add up to its totals exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from app.errors import InvalidInput
from app.ids import ItemId, UnitId
from app.money import format_plain

FULL = 10_000  # 100 % in basis points
MAX_QTY = 9_999  # of one bulk line: more is a typo at a till
MAX_PRICE = 100_000_000  # an overridden price above a million is a typo


def _div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding half away from zero (amounts here are never negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class LineInput:
    unit_price: int
    qty: int
    tax_rate_bp: int
    discount_bp: int = 0


@dataclass(frozen=True)
class LineTotals:
    gross: int  # unit price x quantity
    line_discount: int
    sale_discount: int  # this line's share of the sale discount
    tax: int
    total: int  # what the customer pays for the line, tax included

    @property
    def discount(self) -> int:
        return self.line_discount + self.sale_discount


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineTotals, ...]
    subtotal: int
    discount: int
    tax: int
    total: int


def check_discount(bp: int) -> None:
    if not 0 <= bp <= FULL:
        raise InvalidInput("a discount is between 0 and 100 %")


def _spread(amount: int, weights: Sequence[int]) -> list[int]:
    """Splits `amount` in proportion to `weights`; the remainders go to the largest parts."""
    total = sum(weights)
    if total == 0 or amount == 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def line_tax(net: int, rate_bp: int, *, prices_include_tax: bool) -> int:
    """The tax in (inclusive) or on top of (exclusive) a net amount."""
    if prices_include_tax:
        return net - _div_half_up(net * FULL, FULL + rate_bp)
    return _div_half_up(net * rate_bp, FULL)


def compute_totals(
    lines: Sequence[LineInput], *, sale_discount_bp: int = 0, prices_include_tax: bool = True
) -> Totals:
    """Totals of a cart: discounts first (line, then sale), then tax per line."""
    check_discount(sale_discount_bp)
    gross = []
    after_line = []
    for line in lines:
        check_discount(line.discount_bp)
        if line.qty < 1:
            raise InvalidInput("a quantity is at least 1")
        g = line.unit_price * line.qty
        gross.append(g)
        after_line.append(g - _div_half_up(g * line.discount_bp, FULL))
    sale_discount = _div_half_up(sum(after_line) * sale_discount_bp, FULL)
    shares = _spread(sale_discount, after_line)
    results = []
    for line, g, a, share in zip(lines, gross, after_line, shares, strict=True):
        net = a - share
        tax = line_tax(net, line.tax_rate_bp, prices_include_tax=prices_include_tax)
        total = net if prices_include_tax else net + tax
        results.append(LineTotals(g, g - a, share, tax, total))
    return Totals(
        lines=tuple(results),
        subtotal=sum(gross),
        discount=sum(r.discount for r in results),
        tax=sum(r.tax for r in results),
        total=sum(r.total for r in results),
    )


class TenderKind(StrEnum):
    CASH = "cash"
    CARD = "card"


@dataclass(frozen=True)
class TenderInput:
    kind: TenderKind
    amount: int
    reference: str = ""


def change_due(total: int, tenders: Sequence[TenderInput]) -> int:
    """The cash to hand back; refuses short payment, card over-payment and empty tenders
    (a sale that comes to nothing, say 100 % off, needs no payment)."""
    if not tenders:
        if total == 0:
            return 0
        raise InvalidInput("take a payment first")
    for tender in tenders:
        if tender.amount <= 0:
            raise InvalidInput("a payment amount must be above zero")
        if tender.kind is TenderKind.CARD and not tender.reference.strip():
            raise InvalidInput("a card payment needs its reference (approval code)")
    paid = sum(t.amount for t in tenders)
    if paid < total:
        raise InvalidInput(f"{format_plain(total - paid)} still to pay")
    card = sum(t.amount for t in tenders if t.kind is TenderKind.CARD)
    if card > total:
        raise InvalidInput("a card cannot pay more than the total: no change is given on cards")
    change = paid - total
    cash = paid - card
    if change > cash:  # pragma: no cover - implied by the card check above
        raise InvalidInput("change can only be given from cash")
    return change


@dataclass(frozen=True)
class BundlePart:
    """One serialized unit scanned for a bundle line (a kit's body, its lens...)."""

    item_id: ItemId
    sku: str
    name: str
    unit_id: UnitId
    serial: str
    warranty_days: int = 0


@dataclass(frozen=True)
class CartLine:
    """A line in the till's cart. Display fields travel with it; checkout re-reads prices
    (except an overridden price, which checkout takes only with a manager's approval)."""

    item_id: ItemId
    sku: str
    name: str
    unit_price: int
    tax_rate_bp: int
    qty: int = 1
    unit_id: UnitId | None = None
    serial: str | None = None
    warranty_days: int = 0
    discount_bp: int = 0
    ticket_line_id: int | None = None  # a repair ticket's charge (sku = the ticket number)
    bundle_units: tuple[BundlePart, ...] = ()  # a bundle's serialized parts, as scanned
    price_override: int | None = None  # the price a manager approved instead of unit_price
    override_reason: str = ""

    @property
    def serialized(self) -> bool:
        return self.unit_id is not None

    @property
    def unit_ids(self) -> tuple[UnitId, ...]:
        """Every unit this line sells: its own, or its bundle's parts."""
        own = () if self.unit_id is None else (self.unit_id,)
        return own + tuple(part.unit_id for part in self.bundle_units)

    @property
    def price(self) -> int:
        return self.unit_price if self.price_override is None else self.price_override

    def priced(self) -> LineInput:
        return LineInput(self.price, self.qty, self.tax_rate_bp, self.discount_bp)


def line_from_dict(data: dict[str, Any]) -> CartLine:
    """A cart line back from its `asdict` form (a parked sale's JSON)."""
    parts = tuple(BundlePart(**part) for part in data.get("bundle_units", ()))
    return CartLine(**{**data, "bundle_units": parts})


def check_price_override(price: int, reason: str) -> None:
    if not 0 <= price <= MAX_PRICE:
        raise InvalidInput(f"a price is between 0 and {format_plain(MAX_PRICE)}")
    if not reason.strip():
        raise InvalidInput("give the reason for the new price")


class Cart:
    """The open sale at a till: serialized lines (one per unit) and bulk lines with a quantity."""

    def __init__(self, lines: Sequence[CartLine] = (), *, sale_discount_bp: int = 0) -> None:
        self.lines: list[CartLine] = list(lines)
        self.sale_discount_bp = sale_discount_bp
        self.customer_id: int | None = None
        self.customer_label: str = ""
        self.ticket_number: str | None = None  # a repair ticket this sale collects

    def add(self, line: CartLine) -> int:
        """Adds a line and returns its index; a bulk item already there gains quantity."""
        if line.unit_ids:
            taken = {unit for existing in self.lines for unit in existing.unit_ids}
            for unit_id, serial in line_serials(line):
                if unit_id in taken:
                    raise InvalidInput(f"{serial} is already in this sale")
            self.lines.append(line)
            return len(self.lines) - 1
        if line.ticket_line_id is not None:
            if any(existing.ticket_line_id == line.ticket_line_id for existing in self.lines):
                raise InvalidInput(f"{line.sku} is already in this sale")
            self.lines.append(line)
            return len(self.lines) - 1
        for index, existing in enumerate(self.lines):
            if (
                existing.ticket_line_id is None
                and not existing.unit_ids
                and (existing.item_id == line.item_id and existing.price == line.price)
            ):
                if existing.qty + line.qty > MAX_QTY:
                    raise InvalidInput(f"a quantity is between 1 and {MAX_QTY}")
                self.lines[index] = _with(existing, qty=existing.qty + line.qty)
                return index
        self.lines.append(line)
        return len(self.lines) - 1

    def remove(self, index: int) -> CartLine:
        return self.lines.pop(index)

    def set_qty(self, index: int, qty: int) -> None:
        line = self.lines[index]
        if line.unit_id is not None and qty != 1:
            raise InvalidInput("a serialized line is one unit: scan each unit")
        if line.bundle_units and qty != line.qty:
            raise InvalidInput(f"{line.name}: scan the bundle again for another one")
        if line.ticket_line_id is not None and qty != line.qty:
            # Checkout charges what the ticket says: a stepped quantity would show one
            # total at the till and charge another.
            raise InvalidInput(f"{line.sku} is one repair: its quantities are set on the ticket")
        if not 1 <= qty <= MAX_QTY:
            raise InvalidInput(f"a quantity is between 1 and {MAX_QTY}")
        self.lines[index] = _with(line, qty=qty)

    def set_line_discount(self, index: int, bp: int) -> None:
        check_discount(bp)
        self.lines[index] = _with(self.lines[index], discount_bp=bp)

    def set_price(self, index: int, price: int, reason: str) -> None:
        """A manager-approved price for one line (checkout refuses it without approval)."""
        line = self.lines[index]
        if line.ticket_line_id is not None:
            raise InvalidInput("a repair charge's price is set on its ticket")
        check_price_override(price, reason)
        override = None if price == line.unit_price else price
        self.lines[index] = replace(
            line,
            price_override=override,
            override_reason="" if override is None else reason.strip(),
        )

    def set_sale_discount(self, bp: int) -> None:
        check_discount(bp)
        self.sale_discount_bp = bp

    @property
    def has_serialized(self) -> bool:
        return any(line.unit_ids for line in self.lines)

    @property
    def has_price_override(self) -> bool:
        return any(line.price_override is not None for line in self.lines)

    def totals(self, *, prices_include_tax: bool) -> Totals:
        return compute_totals(
            [line.priced() for line in self.lines],
            sale_discount_bp=self.sale_discount_bp,
            prices_include_tax=prices_include_tax,
        )

    def clear(self) -> None:
        self.lines.clear()
        self.sale_discount_bp = 0
        self.customer_id = None
        self.customer_label = ""
        self.ticket_number = None


def line_serials(line: CartLine) -> list[tuple[UnitId, str]]:
    """(unit, serial) of every unit the line sells."""
    own = [] if line.unit_id is None else [(line.unit_id, line.serial or "")]
    return own + [(part.unit_id, part.serial) for part in line.bundle_units]


def _with(line: CartLine, *, qty: int | None = None, discount_bp: int | None = None) -> CartLine:
    return replace(
        line,
        qty=line.qty if qty is None else qty,
        discount_bp=line.discount_bp if discount_bp is None else discount_bp,
    )
