"""Reading committed sales: by number, by a unit's serial, the latest ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import NotFound
from app.ids import SaleLineId
from app.pos.models import Refund, RefundLine, Sale, SaleLine, Tender
from app.pos.records import (
    SaleLineRecord,
    SaleRecord,
    TenderRecord,
)
from app.pos.sale_rows import SaleLineRow, SaleRow, TenderRow
from app.stock.models import Location, SerialUnit
from app.stock.serials import serial_key
from app.users.models import User
from app.users.roles import Actor, Permission, require


def sale_record(session: Session, sale: Sale) -> SaleRecord:
    refunded = dict(
        session.execute(
            select(RefundLine.sale_line_id, func.sum(RefundLine.qty))
            .join(SaleLine, SaleLine.id == RefundLine.sale_line_id)
            .where(SaleLine.sale_id == sale.id)
            .group_by(RefundLine.sale_line_id)
        ).all()
    )
    lines = session.scalars(
        select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)
    ).all()
    tenders = session.scalars(
        select(Tender).where(Tender.sale_id == sale.id).order_by(Tender.id)
    ).all()
    refunds = session.scalars(
        select(Refund.number).where(Refund.sale_id == sale.id).order_by(Refund.id)
    ).all()
    return build_sale_record(
        sale,
        lines,
        tenders,
        cashier=user_name(session, sale.user_id),
        customer=customer_name(session, sale.customer_id),
        location=session.get_one(Location, sale.location_id).name,
        refunded=refunded,
        refunds=refunds,
    )


def build_sale_record(
    sale: Sale | SaleRow,
    lines: Sequence[SaleLine | SaleLineRow],
    tenders: Sequence[Tender | TenderRow],
    *,
    cashier: str,
    customer: str | None,
    location: str,
    refunded: Mapping[int, int] | None = None,
    refunds: Sequence[str] = (),
) -> SaleRecord:
    """The record of a sale from its rows, lines in line order (a sale just written passes
    the rows it wrote: nothing refunded yet)."""
    refunded = refunded or {}
    bundles = {ln.bundle_line_no for ln in lines if ln.bundle_line_no is not None}
    return SaleRecord(
        number=sale.number,
        till=sale.till,
        at=sale.at,
        business_day=sale.business_day,
        cashier=cashier,
        customer=customer,
        location=location,
        prices_include_tax=sale.prices_include_tax,
        lines=[
            SaleLineRecord(
                id=SaleLineId(ln.id),
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
                bundle_line_no=ln.bundle_line_no,
                bundle=ln.line_no in bundles,
                list_price=ln.list_price,
                bundle_share=ln.bundle_share,
            )
            for ln in lines
        ],
        subtotal=sale.subtotal,
        discount=sale.discount,
        tax=sale.tax,
        total=sale.total,
        tenders=[TenderRecord(t.kind, t.amount, t.reference) for t in tenders],
        change=sale.change,
        refunds=list(refunds),
        # A ticket's charge is the one line without an item; its SKU is the ticket number.
        ticket_number=next((ln.sku for ln in lines if ln.item_id is None), None),
    )


def user_name(session: Session, user_id: int) -> str:
    return session.get_one(User, user_id).name


def customer_name(session: Session, customer_id: int | None) -> str | None:
    return session.get_one(Customer, customer_id).name if customer_id is not None else None


def sale_by_number(session: Session, number: str) -> Sale:
    sale = session.scalar(select(Sale).where(Sale.number == number.strip().upper()))
    if sale is None:
        raise NotFound(f"no sale with number {number.strip()!r}")
    return sale


def get_sale(store: Store, actor: Actor, number: str) -> SaleRecord:
    """A committed sale by its number (for reprints and refunds)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        return sale_record(session, sale_by_number(session, number))


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
        return sale_record(session, sale)


def recent_sales(
    store: Store, actor: Actor, *, till: str | None = None, limit: int = 50
) -> list[SaleRecord]:
    """The latest sales, newest first (sale history and reprints)."""
    require(actor, Permission.SELL)
    with store.read() as session:
        query = select(Sale).order_by(Sale.id.desc()).limit(limit)
        if till:
            query = query.where(Sale.till == till)
        return [sale_record(session, s) for s in session.scalars(query)]
