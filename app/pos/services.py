"""POS services: complete a sale, refund it, park and resume carts, end of day.

Each public function is one transaction. Completing a sale claims each unit with a
conditional update (see app.stock.ledger.move_unit): two tills can never sell one unit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import uow
from app.db.counters import next_number as next_number
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.pos import ticket_sale
from app.pos.cart import (
    CartLine,
    LineInput,
    TenderInput,
    TenderKind,
    Totals,
    change_due,
    check_discount,
    compute_totals,
)
from app.pos.events import RefundCompleted, SaleCompleted
from app.pos.models import ParkedSale, Refund, RefundLine, Sale, SaleLine, Tender
from app.pos.records import (
    DayReport,
    RefundLineRecord,
    RefundRecord,
    SaleLineRecord,
    SaleRecord,
    TenderRecord,
)
from app.stock.ledger import UnitState, load_unit_states, move_unit
from app.stock.lifecycle import Move
from app.stock.models import Customer, Item, Location, Movement, SerialUnit, UnitStatus
from app.stock.serials import serial_key
from app.stock.services import change_bulk, get_location
from app.text import clean_text
from app.users import audit
from app.users.models import User
from app.users.roles import Actor, Permission, Role, require, require_approval

DEFECTIVE = "defective"
MAX_LINES = 500


def business_day() -> date:
    """The shop's local date: warranty starts and end of day go by it."""
    return datetime.now().date()


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


# ---------------------------------------------------------------- why a unit cannot be sold


def last_sale_of(session: Session, unit_id: int) -> tuple[str, date] | None:
    row = session.execute(
        select(Sale.number, Sale.business_day)
        .join(SaleLine, SaleLine.sale_id == Sale.id)
        .where(SaleLine.unit_id == unit_id)
        .order_by(Sale.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def unsellable_reason(session: Session, unit: UnitState, sellable_location: bool) -> str | None:
    """None if the unit can be sold now, else the specific reason for the cashier."""
    if unit.status == UnitStatus.IN_STOCK:
        if not sellable_location:
            return f"{unit.serial} is at {unit.location}, which is not for sale"
        return None
    if unit.status == UnitStatus.SOLD:
        sale = last_sale_of(session, unit.id)
        if sale:
            return f"{unit.serial} was sold on {sale[1].isoformat()} (receipt {sale[0]})"
        return f"{unit.serial} is already sold"
    from app.stock.lifecycle import describe_state

    return f"{unit.serial} {describe_state(unit.status, unit.location, unit.customer)}"


# ---------------------------------------------------------------- completing a sale


def _check_checkout(
    actor: Actor, till: Till, checkout: Checkout, approver: Actor | None
) -> Actor | None:
    require(actor, Permission.SELL)
    if not checkout.lines:
        raise InvalidInput("the cart is empty")
    if len(checkout.lines) > MAX_LINES:
        raise InvalidInput(f"a sale has at most {MAX_LINES} lines")
    units = [line.unit_id for line in checkout.lines if line.unit_id is not None]
    if len(units) != len(set(units)):
        twice = next(
            line
            for line in checkout.lines
            if line.unit_id is not None and units.count(line.unit_id) > 1
        )
        raise InvalidInput(f"{twice.serial} is already in this sale")
    for line in checkout.lines:
        check_discount(line.discount_bp)
        if line.unit_id is not None and line.qty != 1:
            raise InvalidInput(f"{line.serial}: a serialized line is one unit")
    check_discount(checkout.sale_discount_bp)
    discounts = [checkout.sale_discount_bp, *(line.discount_bp for line in checkout.lines)]
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
        location = get_location(session, till.location)
        charges = ticket_sale.charges(session, checkout)
        items = _items(session, [ln for ln in checkout.lines if ln.ticket_line_id is None])
        totals = _price(items, till, checkout, charges)
        change = change_due(totals.total, checkout.tenders)
        sale = Sale(
            number=next_number(session, "sale", "R"),
            till=till.name,
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
        session.add(sale)
        session.flush()
        selling = _Selling(session, actor, sale, location)
        units = {
            u.id: u
            for u in load_unit_states(session, [ln.unit_id for ln in checkout.lines if ln.unit_id])
        }
        for line_no, (line, line_totals) in enumerate(
            zip(checkout.lines, totals.lines, strict=True), 1
        ):
            if line.ticket_line_id is not None:
                session.add(ticket_sale.sale_line(sale, line_no, line, charges, line_totals))
                continue
            item = items[line.item_id]
            serial: str | None = None
            warranty_end: date | None = None
            if line.unit_id is not None:
                serial, warranty_end = selling.sell_unit(item, line, units)
            else:
                selling.sell_bulk(item, line)
            session.add(
                SaleLine(
                    sale_id=sale.id,
                    line_no=line_no,
                    item_id=item.id,
                    unit_id=line.unit_id,
                    sku=item.sku,
                    description=item.name,
                    serial=serial,
                    qty=line.qty,
                    unit_price=item.price,
                    tax_rate_bp=item.tax_rate_bp,
                    line_discount_bp=line.discount_bp,
                    discount=line_totals.discount,
                    tax=line_totals.tax,
                    total=line_totals.total,
                    warranty_end=warranty_end,
                )
            )
        for tender in checkout.tenders:
            reference = clean_text(
                tender.reference, field="card reference", max_length=64, required=False
            )
            session.add(
                Tender(
                    sale_id=sale.id,
                    kind=tender.kind.value,
                    amount=tender.amount,
                    reference=reference,
                )
            )
        if approved_by is not None:
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
        record = _sale_record(session, sale)
        uow.record(session, SaleCompleted(record))
        return record


def _price(
    items: dict[int, Item], till: Till, checkout: Checkout, charges: ticket_sale.Charges
) -> Totals:
    """The sale's totals from the items' current prices and the ticket's charges as the
    ticket has them now (the till's copy is not trusted)."""
    priced = [
        ticket_sale.priced(ln, charges)
        if ln.ticket_line_id is not None
        else LineInput(
            items[ln.item_id].price, ln.qty, items[ln.item_id].tax_rate_bp, ln.discount_bp
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
    """One sale being written: moves its units and bulk stock, with their ledger rows."""

    session: Session
    actor: Actor
    sale: Sale
    location: Location
    sellable: set[int] | None = None

    def sell_unit(
        self, item: Item, line: CartLine, units: dict[int, UnitState]
    ) -> tuple[str, date | None]:
        """Claims the unit for this sale; its customer warranty starts today."""
        if self.sellable is None:
            self.sellable = _sellable_locations(self.session)
        unit = _claimable(self.session, units, line, self.sellable, {item.id: item.serialized})
        day = self.sale.business_day
        warranty_end = day + timedelta(days=item.warranty_days) if item.warranty_days else None
        warranty = ("standard", day, warranty_end) if warranty_end else (None, None, None)
        try:
            move_unit(
                self.session,
                self.actor,
                unit,
                Move.SALE,
                to_location_id=None,
                customer_id=self.sale.customer_id,
                document=self.sale.number,
                warranty=warranty,
            )
        except Conflict:
            raise UnitUnavailable(
                f"{unit.serial} was sold on another till just now; it was taken out of the cart",
                unit.id,
            ) from None
        return unit.serial, warranty_end

    def sell_bulk(self, item: Item, line: CartLine) -> None:
        """Takes the quantity from the till's location; never below zero."""
        if item.serialized:
            raise InvalidInput(f"{item.sku} is serialized: scan the unit's serial")
        try:
            change_bulk(self.session, item.id, self.location.id, -line.qty)
        except Conflict as exc:
            raise Conflict(f"{item.sku}: {exc} ({self.location.name})") from None
        self.session.add(
            Movement(
                user_id=self.actor.id,
                kind=Move.SALE.value,
                item_id=item.id,
                qty=line.qty,
                from_location_id=self.location.id,
                customer_id=self.sale.customer_id,
                document=self.sale.number,
            )
        )


def _items(session: Session, lines: Sequence[CartLine]) -> dict[int, Item]:
    wanted = {line.item_id for line in lines}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(wanted)))}
    for item_id in wanted - items.keys():
        raise NotFound(f"item {item_id} no longer exists")
    for item in items.values():
        if not item.active:
            raise Conflict(f"{item.sku} is deactivated and cannot be sold")
    return items


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


def _sellable_locations(session: Session) -> set[int]:
    return set(session.scalars(select(Location.id).where(Location.sellable, Location.active)))


def _claimable(
    session: Session,
    units: dict[int, UnitState],
    line: CartLine,
    sellable: set[int],
    items_serialized: dict[int, bool],
) -> UnitState:
    assert line.unit_id is not None
    unit = units.get(line.unit_id)
    if unit is None or unit.item_id != line.item_id:
        raise UnitUnavailable(f"{line.serial} is not a unit of {line.sku}", line.unit_id)
    if not items_serialized.get(unit.item_id, True):
        raise UnitUnavailable(
            f"{line.sku} is no longer serialized: sell it by quantity", line.unit_id
        )
    reason = unsellable_reason(session, unit, unit.location_id in sellable)
    if reason:
        raise UnitUnavailable(reason + "; it was taken out of the cart", unit.id)
    return unit


# ---------------------------------------------------------------- reading sales


def _sale_record(session: Session, sale: Sale) -> SaleRecord:
    refunded = dict(
        session.execute(
            select(RefundLine.sale_line_id, func.sum(RefundLine.qty))
            .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
            .where(SaleLine.sale_id == sale.id)
            .group_by(RefundLine.sale_line_id)
        ).all()
    )
    lines = [
        SaleLineRecord(
            id=ln.id,
            line_no=ln.line_no,
            sku=ln.sku,
            description=ln.description,
            serial=ln.serial,
            qty=ln.qty,
            unit_price=ln.unit_price,
            discount=ln.discount,
            tax=ln.tax,
            total=ln.total,
            warranty_end=ln.warranty_end,
            refunded_qty=int(refunded.get(ln.id, 0)),
        )
        for ln in session.scalars(
            select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
        )
    ]
    tenders = [
        TenderRecord(t.kind, t.amount, t.reference)
        for t in session.scalars(
            select(Tender).where(Tender.sale_id == sale.id).order_by(Tender.id)
        )
    ]
    refunds = list(
        session.scalars(select(Refund.number).where(Refund.sale_id == sale.id).order_by(Refund.id))
    )
    return SaleRecord(
        number=sale.number,
        till=sale.till,
        at=sale.at,
        business_day=sale.business_day,
        cashier=_user_name(session, sale.user_id),
        customer=_customer_name(session, sale.customer_id),
        location=session.get_one(Location, sale.location_id).name,
        prices_include_tax=sale.prices_include_tax,
        lines=lines,
        subtotal=sale.subtotal,
        discount=sale.discount,
        tax=sale.tax,
        total=sale.total,
        tenders=tenders,
        change=sale.change,
        refunds=refunds,
    )


def _user_name(session: Session, user_id: int) -> str:
    return session.get_one(User, user_id).name


def _customer_name(session: Session, customer_id: int | None) -> str | None:
    return session.get_one(Customer, customer_id).name if customer_id is not None else None


def _sale_by_number(session: Session, number: str) -> Sale:
    sale = session.scalar(select(Sale).where(Sale.number == number.strip().upper()))
    if sale is None:
        raise NotFound(f"no sale with number {number.strip()!r}")
    return sale


def get_sale(store: Store, actor: Actor, number: str) -> SaleRecord:
    """A committed sale by its number (for reprints and refunds)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        return _sale_record(session, _sale_by_number(session, number))


def find_sale_of_unit(store: Store, actor: Actor, serial: str) -> SaleRecord:
    """The sale in which this unit was sold last (scan the unit at the refund desk)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        # By the unit's own comparison key (indexed; the same case rule as everywhere).
        sale = session.scalar(
            select(Sale)
            .join(SaleLine, SaleLine.sale_id == Sale.id)
            .join(SerialUnit, SerialUnit.id == SaleLine.unit_id)
            .where(SerialUnit.serial_key == serial_key(serial))
            .order_by(Sale.id.desc())
            .limit(1)
        )
        if sale is None:
            raise NotFound(f"no sale found for serial {serial.strip()!r}")
        return _sale_record(session, sale)


def recent_sales(
    store: Store, actor: Actor, *, till: str | None = None, limit: int = 50
) -> list[SaleRecord]:
    """The latest sales, newest first (sale history and reprints)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        query = select(Sale).order_by(Sale.id.desc()).limit(limit)
        if till:
            query = query.where(Sale.till == till)
        return [_sale_record(session, s) for s in session.scalars(query)]


# ---------------------------------------------------------------- refunds


@dataclass(frozen=True)
class RefundRequest:
    sale_number: str
    lines: tuple[tuple[int, int], ...]  # (sale line id, quantity coming back)
    reason: str
    restock: str  # a sellable location's name, or "defective"
    to_cash: bool = False  # else back to the original tenders


def lines_for_serials(sale: SaleRecord, serials: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Picks the sale lines of the given serials; no serials: everything still refundable."""
    if not serials:
        chosen = tuple((ln.id, ln.refundable_qty) for ln in sale.lines if ln.refundable_qty > 0)
        if not chosen:
            raise Conflict(f"everything on {sale.number} has been refunded already")
        return chosen
    picked = []
    for serial in serials:
        key = serial_key(serial)
        line = next((ln for ln in sale.lines if ln.serial and serial_key(ln.serial) == key), None)
        if line is None:
            raise NotFound(f"{serial.strip()} is not on sale {sale.number}")
        picked.append((line.id, 1))
    return tuple(picked)


def _share(amount: int, part: int, whole: int) -> int:
    return (amount * part) // whole


def refund_sale(
    store: Store, actor: Actor, till: Till, request: RefundRequest, *, approver: Actor | None
) -> RefundRecord:
    """Takes units or quantities back: restocked or defective, money back, warranty ended.
    A reason and a manager's approval are required; a unit is refunded once."""
    approved_by = require_approval(actor, approver, Permission.REFUND)
    reason = clean_text(request.reason, field="reason", max_length=200)
    if not request.lines:
        raise InvalidInput("choose what comes back")
    if len({line_id for line_id, _ in request.lines}) != len(request.lines):
        raise InvalidInput("a line is chosen twice")
    with store.write() as session:
        sale = _sale_by_number(session, request.sale_number)
        restock_id = (
            None
            if request.restock.strip().lower() == DEFECTIVE
            else _restock_location(session, request.restock)
        )
        number = next_number(session, "refund", "RF")
        refund = Refund(
            number=number,
            sale_id=sale.id,
            till=till.name,
            business_day=business_day(),
            user_id=actor.id,
            approved_by=approved_by.id,
            reason=reason,
            restock=DEFECTIVE if restock_id is None else get_location_name(session, restock_id),
            total=0,
            tax=0,
        )
        session.add(refund)
        session.flush()
        total = tax = 0
        for line_id, qty in request.lines:
            amount, line_tax = _refund_line(session, actor, sale, refund, line_id, qty, restock_id)
            total += amount
            tax += line_tax
        refund.total, refund.tax = total, tax
        for kind, amount, reference in _refund_tenders(session, sale, total, request.to_cash):
            session.add(Tender(refund_id=refund.id, kind=kind, amount=amount, reference=reference))
        audit.record(
            session, actor, "sale.refund", number, f"{sale.number}: {reason}", approver=approved_by
        )
        session.flush()
        slip = _refund_record(session, refund, sale)
        uow.record(session, RefundCompleted(slip))
        return slip


def get_location_name(session: Session, location_id: int) -> str:
    return session.get_one(Location, location_id).name


def _restock_location(session: Session, name: str) -> int:
    location = get_location(session, name)
    if not location.sellable:
        raise InvalidInput(f"{location.name} is not sellable stock; restock there or to defective")
    return location.id


def _refund_line(
    session: Session,
    actor: Actor,
    sale: Sale,
    refund: Refund,
    line_id: int,
    qty: int,
    restock_id: int | None,
) -> tuple[int, int]:
    line = session.get(SaleLine, line_id)
    if line is None or line.sale_id != sale.id:
        raise NotFound(f"that line is not on sale {sale.number}")
    already = session.scalar(
        select(func.coalesce(func.sum(RefundLine.qty), 0)).where(RefundLine.sale_line_id == line.id)
    )
    before = int(already or 0)
    left = line.qty - before
    label = line.serial or line.sku
    if left <= 0:
        raise Conflict(f"{label} from {sale.number} has already been refunded")
    if line.item_id is None:
        raise Conflict(f"{line.description} is a repair charge: it has no stock to take back")
    if not 1 <= qty <= left:
        raise InvalidInput(f"{label}: at most {left} can come back")
    _check_form_unchanged(session, line)
    # Proportional share of what was paid, so refunding every unit returns the line total exactly.
    amount = _share(line.total, before + qty, line.qty) - _share(line.total, before, line.qty)
    line_tax = _share(line.tax, before + qty, line.qty) - _share(line.tax, before, line.qty)
    if line.unit_id is not None:
        (unit,) = load_unit_states(session, [line.unit_id])
        move = Move.REFUND if restock_id is not None else Move.REFUND_DEFECTIVE
        if unit.status == UnitStatus.SOLD and last_sale_of(session, unit.id) != (
            sale.number,
            sale.business_day,
        ):
            raise Conflict(
                f"{unit.serial} was sold again after {sale.number}; refund it from its last sale"
            )
        move_unit(
            session,
            actor,
            unit,
            move,
            to_location_id=restock_id,
            document=refund.number,
            reason=refund.reason,
            warranty=(None, None, None),
        )
    else:
        if restock_id is not None:
            change_bulk(session, line.item_id, restock_id, qty)
        session.add(
            Movement(
                user_id=actor.id,
                kind=Move.REFUND.value if restock_id else Move.REFUND_DEFECTIVE.value,
                item_id=line.item_id,
                qty=qty,
                to_location_id=restock_id,
                document=refund.number,
                reason=refund.reason,
            )
        )
    session.add(
        RefundLine(
            refund_id=refund.id,
            sale_line_id=line.id,
            unit_id=line.unit_id,
            qty=qty,
            amount=amount,
            tax=line_tax,
        )
    )
    return amount, line_tax


def _check_form_unchanged(session: Session, line: SaleLine) -> None:
    """An item serialized or unserialized since the sale cannot take its stock back in the
    old form (PRODUCT.md: past transactions are not rewritten): refuse and say why."""
    serialized_now = session.get_one(Item, line.item_id).serialized
    if line.unit_id is not None and not serialized_now:
        raise Conflict(
            f"{line.sku} has been counted by quantity since this sale, so {line.serial}"
            " cannot be refunded here; receive it back as a quantity"
        )
    if line.unit_id is None and serialized_now:
        raise Conflict(
            f"{line.sku} has been serialized since this sale, so it cannot be refunded"
            " here; receive the returned units with their serials"
        )


def _refund_tenders(
    session: Session, sale: Sale, total: int, to_cash: bool
) -> list[tuple[str, int, str]]:
    """Back to the original tenders (cards first, up to what each paid), or all in cash."""
    if to_cash or total == 0:
        return [(TenderKind.CASH.value, total, "")] if total else []
    paid = list(
        session.scalars(select(Tender).where(Tender.sale_id == sale.id).order_by(Tender.id))
    )
    already = dict(
        session.execute(
            select(Tender.reference, func.sum(Tender.amount))
            .join(Refund, Refund.id == Tender.refund_id)
            .where(Refund.sale_id == sale.id, Tender.kind == TenderKind.CARD.value)
            .group_by(Tender.reference)
        ).all()
    )
    out: list[tuple[str, int, str]] = []
    left = total
    for tender in sorted(paid, key=lambda t: t.kind != TenderKind.CARD.value):
        if left == 0:
            break
        room = tender.amount - (sale.change if tender.kind == TenderKind.CASH.value else 0)
        if tender.kind == TenderKind.CARD.value:
            room -= int(already.pop(tender.reference, 0) or 0)
        take = max(0, min(room, left))
        if take:
            out.append((tender.kind, take, tender.reference))
            left -= take
    if left:
        out.append((TenderKind.CASH.value, left, ""))
    return out


def _refund_record(session: Session, refund: Refund, sale: Sale) -> RefundRecord:
    rows = session.execute(
        select(
            SaleLine.sku,
            SaleLine.description,
            SaleLine.serial,
            RefundLine.qty,
            RefundLine.amount,
            RefundLine.tax,
        )
        .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
        .where(RefundLine.refund_id == refund.id)
        .order_by(RefundLine.id)
    ).all()
    tenders = [
        TenderRecord(t.kind, t.amount, t.reference)
        for t in session.scalars(
            select(Tender).where(Tender.refund_id == refund.id).order_by(Tender.id)
        )
    ]
    return RefundRecord(
        number=refund.number,
        sale_number=sale.number,
        till=refund.till,
        at=refund.at,
        cashier=_user_name(session, refund.user_id),
        approved_by=_user_name(session, refund.approved_by),
        customer=_customer_name(session, sale.customer_id),
        reason=refund.reason,
        restock=refund.restock,
        lines=[RefundLineRecord(*r) for r in rows],
        total=refund.total,
        tax=refund.tax,
        tenders=tenders,
    )


# ---------------------------------------------------------------- parking


def park_sale(
    store: Store,
    actor: Actor,
    till: Till,
    lines: Sequence[CartLine],
    *,
    label: str,
    customer_id: int | None = None,
    sale_discount_bp: int = 0,
) -> int:
    """Puts a cart aside (units are not reserved: they are checked again at checkout)."""
    require(actor, Permission.SELL)
    if not lines:
        raise InvalidInput("the cart is empty: nothing to park")
    label = clean_text(label, field="label", max_length=120, required=False) or "parked sale"
    payload = {
        "lines": [asdict(ln) for ln in lines],
        "customer_id": customer_id,
        "sale_discount_bp": sale_discount_bp,
    }
    with store.write() as session:
        parked = ParkedSale(till=till.name, user_id=actor.id, label=label, cart=json.dumps(payload))
        session.add(parked)
        session.flush()
        return parked.id


@dataclass(frozen=True)
class ParkedCart:
    id: int
    label: str
    at: datetime
    cashier: str
    lines: tuple[CartLine, ...]
    customer_id: int | None
    sale_discount_bp: int


def list_parked(store: Store, actor: Actor, till: Till) -> list[ParkedCart]:
    require(actor, Permission.SELL)
    with store.read() as session:
        rows = session.scalars(
            select(ParkedSale).where(ParkedSale.till == till.name).order_by(ParkedSale.id)
        )
        return [_parked(session, p) for p in rows]


def _parked(session: Session, parked: ParkedSale) -> ParkedCart:
    payload = json.loads(parked.cart)
    return ParkedCart(
        id=parked.id,
        label=parked.label,
        at=parked.at,
        cashier=_user_name(session, parked.user_id),
        lines=tuple(CartLine(**ln) for ln in payload["lines"]),
        customer_id=payload["customer_id"],
        sale_discount_bp=payload["sale_discount_bp"],
    )


def resume_sale(store: Store, actor: Actor, parked_id: int) -> ParkedCart:
    """Takes a parked cart back (and off the parked list) in one step."""
    require(actor, Permission.SELL)
    with store.write() as session:
        parked = session.get(ParkedSale, parked_id)
        if parked is None:
            raise NotFound("that parked sale was already resumed")
        cart = _parked(session, parked)
        session.delete(parked)
        return cart


# ---------------------------------------------------------------- end of day


def end_of_day(store: Store, actor: Actor, till: str, day: date) -> DayReport:
    """Totals by tender, refunds, discounts and number of sales for a till and a day."""
    require(actor, Permission.SELL)
    with store.read() as session:
        sales = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Sale.subtotal), 0),
                func.coalesce(func.sum(Sale.discount), 0),
                func.coalesce(func.sum(Sale.tax), 0),
                func.coalesce(func.sum(Sale.total), 0),
                func.coalesce(func.sum(Sale.change), 0),
            ).where(Sale.till == till, Sale.business_day == day)
        ).one()
        taken = dict(
            session.execute(
                select(Tender.kind, func.sum(Tender.amount))
                .join(Sale, Sale.id == Tender.sale_id)
                .where(Sale.till == till, Sale.business_day == day)
                .group_by(Tender.kind)
            ).all()
        )
        refunds = session.execute(
            select(func.count(), func.coalesce(func.sum(Refund.total), 0)).where(
                Refund.till == till, Refund.business_day == day
            )
        ).one()
        given = dict(
            session.execute(
                select(Tender.kind, func.sum(Tender.amount))
                .join(Refund, Refund.id == Tender.refund_id)
                .where(Refund.till == till, Refund.business_day == day)
                .group_by(Tender.kind)
            ).all()
        )
    taken = {k: int(v) for k, v in taken.items()}
    given = {k: int(v) for k, v in given.items()}
    change = int(sales[5])
    return DayReport(
        till=till,
        day=day,
        sales=int(sales[0]),
        gross=int(sales[1]),
        discounts=int(sales[2]),
        tax=int(sales[3]),
        net_sales=int(sales[4]),
        taken_by_tender=taken,
        change_given=change,
        refunds=int(refunds[0]),
        refunded=int(refunds[1]),
        refunded_by_tender=given,
        cash_expected=taken.get("cash", 0) - change - given.get("cash", 0),
    )
