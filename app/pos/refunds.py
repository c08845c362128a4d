"""Refunds: units and quantities back (restocked or defective), money back, warranty ended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import uow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.ids import SaleLineId
from app.pos.cart import (
    TenderKind,
)
from app.pos.checkout import Till, next_number
from app.pos.day import business_day
from app.pos.events import RefundCompleted
from app.pos.models import Refund, RefundLine, Sale, SaleLine, Tender
from app.pos.records import (
    RefundLineRecord,
    RefundRecord,
    SaleRecord,
    TenderRecord,
)
from app.pos.sales import customer_name, sale_by_number, user_name
from app.pos.sellable import last_sale_of
from app.stock.ledger import load_unit_states, move_bulk, move_unit
from app.stock.lifecycle import Move
from app.stock.lookups import get_location
from app.stock.models import Item, Location, UnitStatus
from app.stock.serials import serial_key
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, require, require_approval

DEFECTIVE = "defective"


@dataclass(frozen=True)
class RefundLineRequest:
    """One line of the sale coming back, and how many of it."""

    sale_line_id: SaleLineId
    qty: int


@dataclass(frozen=True)
class RefundRequest:
    sale_number: str
    lines: tuple[RefundLineRequest, ...]
    reason: str
    restock: str  # a sellable location's name, or "defective"
    to_cash: bool = False  # else back to the original tenders


def lines_for_serials(sale: SaleRecord, serials: Sequence[str]) -> tuple[RefundLineRequest, ...]:
    """Picks the sale lines of the given serials; no serials: everything still refundable."""
    if not serials:
        chosen = tuple(
            RefundLineRequest(ln.id, ln.refundable_qty) for ln in sale.lines if ln.refundable_qty
        )
        if not chosen:
            raise Conflict(f"everything on {sale.number} has been refunded already")
        return chosen
    picked = []
    for serial in serials:
        key = serial_key(serial)
        line = next((ln for ln in sale.lines if ln.serial and serial_key(ln.serial) == key), None)
        if line is None:
            raise NotFound(f"{serial.strip()} is not on sale {sale.number}")
        picked.append(RefundLineRequest(line.id, 1))
    return tuple(picked)


def _share(amount: int, part: int, whole: int) -> int:
    return (amount * part) // whole


@dataclass(frozen=True)
class RefundQuote:
    """What a refund would give back, and on which tenders, before anyone approves it."""

    total: int
    tenders: tuple[TenderRecord, ...]


def quote_refund(
    store: Store,
    actor: Actor,
    sale_number: str,
    lines: Sequence[RefundLineRequest],
    *,
    to_cash: bool = False,
) -> RefundQuote:
    """The amount and tenders refund_sale would use for these lines now (read only: the
    service works them out again in its transaction)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        sale = sale_by_number(session, sale_number)
        total = 0
        for wanted in lines:
            line = session.get(SaleLine, wanted.sale_line_id)
            if line is None or line.sale_id != sale.id:
                raise NotFound(f"that line is not on sale {sale.number}")
            before = _refunded_qty(session, line.id)
            qty = max(0, min(wanted.qty, line.qty - before))
            total += _share(line.total, before + qty, line.qty) - _share(
                line.total, before, line.qty
            )
        tenders = _refund_tenders(session, sale, total, to_cash)
        return RefundQuote(total, tuple(TenderRecord(k, a, r) for k, a, r in tenders))


def _refunded_qty(session: Session, line_id: int) -> int:
    already = session.scalar(
        select(func.coalesce(func.sum(RefundLine.qty), 0)).where(RefundLine.sale_line_id == line_id)
    )
    return int(already or 0)


def refund_sale(
    store: Store, actor: Actor, till: Till, request: RefundRequest, *, approver: Actor | None
) -> RefundRecord:
    """Takes units or quantities back: restocked or defective, money back, warranty ended.
    A reason and a manager's approval are required; a unit is refunded once."""
    approved_by = require_approval(actor, approver, Permission.REFUND)
    reason = clean_text(request.reason, field="reason", max_length=200)
    if not request.lines:
        raise InvalidInput("choose what comes back")
    if len({line.sale_line_id for line in request.lines}) != len(request.lines):
        raise InvalidInput("a line is chosen twice")
    with store.write() as session:
        sale = sale_by_number(session, request.sale_number)
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
        for wanted in request.lines:
            amount, line_tax = _refund_line(
                session, actor, sale, refund, wanted.sale_line_id, wanted.qty, restock_id
            )
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
    before = _refunded_qty(session, line.id)
    left = line.qty - before
    label = line.serial or line.sku
    if left <= 0:
        raise Conflict(f"{label} from {sale.number} has already been refunded")
    if line.item_id is None:
        raise Conflict(f"{line.description} is a repair charge: it has no stock to take back")
    if _is_bundle_line(session, line):
        raise InvalidInput(f"{line.sku} is a bundle: choose which of its components come back")
    if not 1 <= qty <= left:
        raise InvalidInput(f"{label}: at most {left} can come back")
    _check_form_unchanged(session, line)
    # Proportional share of what was paid, so refunding every unit returns the line total
    # exactly; a bundle's part pays back its share of the bundle (app.pos.bundle_sale).
    paid, paid_tax = (
        (line.total, line.tax)
        if line.bundle_line_no is None
        else (line.bundle_share, line.bundle_share_tax)
    )
    amount = _share(paid, before + qty, line.qty) - _share(paid, before, line.qty)
    line_tax = _share(paid_tax, before + qty, line.qty) - _share(paid_tax, before, line.qty)
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
        move_bulk(
            session,
            actor,
            line.item_id,
            qty,
            Move.REFUND if restock_id else Move.REFUND_DEFECTIVE,
            to_location_id=restock_id,
            document=refund.number,
            reason=refund.reason,
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


def _is_bundle_line(session: Session, line: SaleLine) -> bool:
    parts = select(SaleLine.id).where(
        SaleLine.sale_id == line.sale_id, SaleLine.bundle_line_no == line.line_no
    )
    return session.scalar(parts.limit(1)) is not None


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
        cashier=user_name(session, refund.user_id),
        approved_by=user_name(session, refund.approved_by),
        customer=customer_name(session, sale.customer_id),
        reason=refund.reason,
        restock=refund.restock,
        lines=[RefundLineRecord(*r) for r in rows],
        total=refund.total,
        tax=refund.tax,
        tenders=tenders,
    )
