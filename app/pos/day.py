"""The business day and its end-of-day totals."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from app.db.uow import Store
from app.pos.models import Refund, Sale, Tender
from app.pos.records import (
    DayReport,
)
from app.users.roles import Actor, Permission, require


def business_day() -> date:
    """The shop's local date: warranty starts and end of day go by it."""
    return datetime.now().date()


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
