"""Completing a sale: checks the cart, claims its units, takes bulk stock, writes tenders.

One transaction per sale. Its units are claimed together by one conditional update (see
app.stock.ledger.move_units): two tills can never sell one unit, and a sale that loses a
claim is refused whole. The sale reads everything it needs first and then writes with few
statements (one INSERT per table, app.db.rows), so the till's commit stays short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db import uow
from app.db.counters import next_number as next_number
from app.db.rows import insert_new
from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.ids import UnitId
from app.money import format_plain
from app.pos import bundle_sale, ticket_sale
from app.pos.cart import (
    CartLine,
    LineInput,
    TenderInput,
    Totals,
    change_due,
    check_discount,
    check_price_override,
    compute_totals,
    line_serials,
)
from app.pos.day import business_day
from app.pos.events import SaleCompleted
from app.pos.models import Sale, SaleLine, Tender
from app.pos.records import SaleRecord
from app.pos.sale_reads import (
    SaleLocation,
    SoldItem,
    UnitForSale,
    sold_items,
    till_location,
    units_for_sale,
)
from app.pos.sale_rows import SaleLineRow, SaleRow, TenderRow
from app.pos.sales import build_sale_record, customer_name
from app.pos.sellable import last_sale_of, unsellable_reason
from app.stock.ledger import UnitMove, UnitMoved, UnitState, move_bulk, move_units
from app.stock.lifecycle import Move
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, Role, require

MAX_LINES = 500
PRICE_ACTION = "sale.price"
# Where a sale's rows go (app.pos.sale_rows: one INSERT a table).
_SALES: Table = Sale.__table__  # type: ignore[assignment]
_LINES: Table = SaleLine.__table__  # type: ignore[assignment]
_TENDERS: Table = Tender.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Till:
    """Where a sale happens: the till's name, its stock location and the shop's tax rule."""

    name: str
    location: str
    prices_include_tax: bool = True
    discount_limit_bp: int = 1_000  # above this a manager approves


@dataclass(frozen=True)
class Checkout:
    lines: tuple[CartLine, ...]
    tenders: tuple[TenderInput, ...]
    customer_id: int | None = None
    sale_discount_bp: int = 0
    new_customer: str | None = None  # a name to add as a customer with this sale, if it goes
    ticket_number: str | None = None  # a repair ticket collected (and closed) by this sale


class UnitUnavailable(Conflict):
    """A unit in the cart can no longer be sold; the till drops that line, keeps the rest."""

    def __init__(self, message: str, unit_id: int) -> None:
        self.unit_id = unit_id
        super().__init__(message)


def _check_checkout(
    actor: Actor, till: Till, checkout: Checkout, approver: Actor | None
) -> Actor | None:
    require(actor, Permission.SELL)
    if not checkout.lines:
        raise InvalidInput("the cart is empty")
    if len(checkout.lines) > MAX_LINES:
        raise InvalidInput(f"a sale has at most {MAX_LINES} lines")
    seen: set[int] = set()
    for line in checkout.lines:
        for unit_id, serial in line_serials(line):
            if unit_id in seen:
                raise InvalidInput(f"{serial} is already in this sale")
            seen.add(unit_id)
    for line in checkout.lines:
        check_discount(line.discount_bp)
        if line.unit_id is not None and line.qty != 1:
            raise InvalidInput(f"{line.serial}: a serialized line is one unit")
        if line.price_override is not None:
            if line.ticket_line_id is not None:
                raise InvalidInput(f"{line.sku}: a repair charge's price is set on its ticket")
            check_price_override(line.price_override, line.override_reason)
    check_discount(checkout.sale_discount_bp)
    discounts = [checkout.sale_discount_bp, *(line.discount_bp for line in checkout.lines)]
    if any(line.price_override is not None for line in checkout.lines):
        if actor.role is Role.MANAGER:
            return actor  # a manager changing a price approves it themselves
        if approver is None or approver.role is not Role.MANAGER:
            raise ApprovalRequired("a changed price needs a manager's approval")
        return approver
    if not needs_approval(actor, till, discounts):
        return None
    if approver is None or approver.role is not Role.MANAGER:
        limit = till.discount_limit_bp / 100
        raise ApprovalRequired(f"a discount above {limit:g} % needs a manager's approval")
    return approver


class ApprovalRequired(PermissionDenied):
    """Allowed with a manager's approval: the till asks for a manager's PIN and retries."""


def needs_approval(actor: Actor, till: Till, discounts_bp: Sequence[int]) -> bool:
    """Whether these discounts need a manager (the acting user not being one)."""
    return max(discounts_bp, default=0) > till.discount_limit_bp and actor.role is not Role.MANAGER


def complete_sale(
    store: Store, actor: Actor, till: Till, checkout: Checkout, *, approver: Actor | None = None
) -> SaleRecord:
    """Sells the cart in one transaction: units to `sold` with warranty, bulk stock down,
    ledger rows, tenders, and a sale number. Nothing is written if any check fails."""
    approved_by = _check_checkout(actor, till, checkout, approver)
    day = business_day()
    with store.write() as session:
        # Everything is read first, then written with few statements: one INSERT per table
        # and one conditional UPDATE claiming every unit, so the till's commit is short.
        location = till_location(session, till.location)
        charges = ticket_sale.charges(session, checkout)
        items = sold_items(session, [ln for ln in checkout.lines if ln.ticket_line_id is None])
        bundles = bundle_sale.bundles_in(session, items)
        totals = _price(items, till, checkout, charges)
        change = change_due(totals.total, checkout.tenders)
        units = units_for_sale(session, bundle_sale.unit_ids(checkout.lines))
        sale = SaleRow(
            number=next_number(session, "sale", "R"),
            till=till.name,
            at=utcnow(),
            business_day=day,
            user_id=actor.id,
            customer_id=_customer_id(session, checkout),
            location_id=location.id,
            prices_include_tax=till.prices_include_tax,
            sale_discount_bp=checkout.sale_discount_bp,
            subtotal=totals.subtotal,
            discount=totals.discount,
            tax=totals.tax,
            total=totals.total,
            change=change,
            approved_by=approved_by.id if approved_by else None,
        )
        insert_new(session, _SALES, [sale], ids_by="number")  # its id, for its lines
        selling = _Selling(session, actor, sale, location, units)
        lines: list[SaleLineRow] = []
        for line, line_totals in zip(checkout.lines, totals.lines, strict=True):
            line_no = len(lines) + 1
            if line.ticket_line_id is not None:
                lines.append(ticket_sale.sale_line(sale, line_no, line, charges, line_totals))
                continue
            item = items[line.item_id]
            bundle_sale.check_line(line, bundles)
            serial: str | None = None
            warranty_end: date | None = None
            parts: list[SaleLineRow] = []
            if line.item_id in bundles:
                parts = bundle_sale.sell(
                    session,
                    sale,
                    line_no,
                    line,
                    line_totals,
                    bundles[line.item_id],
                    (selling.sell_unit, selling.sell_bulk),
                )
            elif line.unit_id is not None:
                serial, warranty_end = selling.sell_unit(item, line)
            else:
                selling.sell_bulk(item, line)
            lines.append(
                SaleLineRow(
                    sale_id=sale.id,
                    line_no=line_no,
                    item_id=item.id,
                    unit_id=line.unit_id,
                    sku=item.sku,
                    description=item.name,
                    serial=serial,
                    qty=line.qty,
                    unit_price=item.price if line.price_override is None else line.price_override,
                    tax_rate_bp=item.tax_rate_bp,
                    line_discount_bp=line.discount_bp,
                    discount=line_totals.discount,
                    tax=line_totals.tax,
                    total=line_totals.total,
                    warranty_end=warranty_end,
                    list_price=None if line.price_override is None else item.price,
                )
            )
            lines.extend(parts)
            _audit_override(session, actor, approved_by, sale.number, item, line)
        selling.claim_units()
        tenders = [
            TenderRow(
                sale_id=sale.id,
                kind=tender.kind.value,
                amount=tender.amount,
                reference=clean_text(
                    tender.reference, field="card reference", max_length=64, required=False
                ),
            )
            for tender in checkout.tenders
        ]
        insert_new(session, _LINES, lines, ids_by="line_no")
        insert_new(session, _TENDERS, tenders)
        if approved_by is not None and _big_discount(actor, till, checkout):
            audit.record(
                session,
                actor,
                "sale.discount",
                sale.number,
                "discount above limit",
                approver=approved_by,
            )
        ticket_sale.collect(session, actor, checkout, sale.number, charges)
        session.flush()
        record = build_sale_record(
            sale,
            lines,
            tenders,
            cashier=actor.name,
            customer=customer_name(session, sale.customer_id),
            location=location.name,
        )
        uow.record(session, SaleCompleted(record))
        return record


def _price(
    items: dict[int, SoldItem], till: Till, checkout: Checkout, charges: ticket_sale.Charges
) -> Totals:
    """The sale's totals from the items' current prices and the ticket's charges as the
    ticket has them now (the till's copy is not trusted)."""
    priced = [
        ticket_sale.priced(ln, charges)
        if ln.ticket_line_id is not None
        else LineInput(
            items[ln.item_id].price if ln.price_override is None else ln.price_override,
            ln.qty,
            items[ln.item_id].tax_rate_bp,
            ln.discount_bp,
        )
        for ln in checkout.lines
    ]
    return compute_totals(
        priced,
        sale_discount_bp=checkout.sale_discount_bp,
        prices_include_tax=till.prices_include_tax,
    )


@dataclass
class _Selling:
    """One sale being written: its units' claims (made together) and its bulk stock, with
    their ledger rows."""

    session: Session
    actor: Actor
    sale: SaleRow
    location: SaleLocation
    units: dict[UnitId, UnitForSale]
    claims: list[UnitMove] = field(default_factory=list)

    def sell_unit(
        self, item: SoldItem, line: CartLine, reason: str | None = None
    ) -> tuple[str, date | None]:
        """Checks the unit can be sold and queues its claim (`claim_units`); its customer
        warranty starts today."""
        unit = _claimable(self.session, self.units, line, item.serialized)
        day = self.sale.business_day
        warranty_end = day + timedelta(days=item.warranty_days) if item.warranty_days else None
        warranty = ("standard", day, warranty_end) if warranty_end else (None, None, None)
        sold = UnitMove(
            unit, Move.SALE, None, self.sale.customer_id, self.sale.number, reason, warranty
        )
        self.claims.append(sold)
        return unit.serial, warranty_end

    def claim_units(self) -> None:
        """Claims every unit of the sale at once: of two tills selling one unit, only one
        claims it; the other's sale is refused whole."""
        try:
            move_units(self.session, self.actor, self.claims)
        except UnitMoved as exc:
            raise UnitUnavailable(
                f"{exc.unit.serial} was sold on another till just now;"
                " it was taken out of the cart",
                exc.unit.id,
            ) from None

    def sell_bulk(self, item: SoldItem, line: CartLine, reason: str | None = None) -> None:
        """Takes the quantity from the till's location; never below zero."""
        if item.serialized:
            raise InvalidInput(f"{item.sku} is serialized: scan the unit's serial")
        if not self.location.sellable or not self.location.active:
            # The same rule as a unit's: stock in a back room or a repair bench is not for sale.
            raise Conflict(f"{item.sku} is at {self.location.name}, which is not for sale")
        try:
            move_bulk(
                self.session,
                self.actor,
                item.id,
                line.qty,
                Move.SALE,
                from_location_id=self.location.id,
                customer_id=self.sale.customer_id,
                document=self.sale.number,
                reason=reason,
            )
        except Conflict as exc:
            raise Conflict(f"{item.sku}: {exc} ({self.location.name})") from None


def _big_discount(actor: Actor, till: Till, checkout: Checkout) -> bool:
    """Whether a manager approved a discount (not only a changed price) on this sale."""
    discounts = [checkout.sale_discount_bp, *(ln.discount_bp for ln in checkout.lines)]
    return needs_approval(actor, till, discounts)


def _audit_override(
    session: Session,
    actor: Actor,
    approver: Actor | None,
    number: str,
    item: SoldItem,
    line: CartLine,
) -> None:
    """Who changed which price on which sale, old -> new, why, and who approved (the
    audit row's own time says when)."""
    if line.price_override is None:
        return
    what = f"{item.sku} {line.serial}" if line.serial else item.sku
    old, new = format_plain(item.price), format_plain(line.price_override)
    reason = clean_text(line.override_reason, field="reason", max_length=200)
    detail = f"{what}: price {old} → {new}; {reason}"
    audit.record(session, actor, PRICE_ACTION, number, detail, approver=approver)


def _customer_id(session: Session, checkout: Checkout) -> int | None:
    """The sale's customer; a new one is added in the sale's own transaction, so a refused
    sale leaves no customer behind."""
    if checkout.new_customer is not None:
        name = clean_text(checkout.new_customer, field="customer name", max_length=120)
        customer = Customer(name=name, phone="", email="")
        session.add(customer)
        session.flush()
        return customer.id
    if checkout.customer_id is not None and session.get(Customer, checkout.customer_id) is None:
        raise NotFound("that customer no longer exists")
    return checkout.customer_id


def _claimable(
    session: Session, units: dict[UnitId, UnitForSale], line: CartLine, serialized: bool
) -> UnitState:
    assert line.unit_id is not None
    found = units.get(line.unit_id)
    if found is None or found.state.item_id != line.item_id:
        raise UnitUnavailable(f"{line.serial} is not a unit of {line.sku}", line.unit_id)
    unit = found.state
    if not serialized:
        raise UnitUnavailable(
            f"{line.sku} is no longer serialized: sell it by quantity", line.unit_id
        )
    reason = unsellable_reason(partial(last_sale_of, session), unit, found.sellable_location)
    if reason:
        raise UnitUnavailable(reason + "; it was taken out of the cart", unit.id)
    return unit
