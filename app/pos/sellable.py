"""Whether a unit can be sold now, and if not, the reason in the cashier's words: the
sale checks it, the scan says it before the unit reaches the cart, a refund asks which
sale a unit was last sold on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.pos.models import Sale, SaleLine
from app.stock.ledger import UnitState
from app.stock.models import UnitStatus

# Built once: a scan of a sold unit and a refund ask it (the scan prepares it).
LAST_SALE = (
    select(Sale.number, Sale.business_day)
    .join(SaleLine, SaleLine.sale_id == Sale.id)
    .where(SaleLine.unit_id == bindparam("unit_id"))
    .order_by(Sale.id.desc())
    .limit(1)
)
# unit id -> (receipt number, business day) of the unit's last sale, if it has one.
LastSale = Callable[[int], "tuple[str, date] | None"]


def last_sale_of(session: Session, unit_id: int) -> tuple[str, date] | None:
    row = session.execute(LAST_SALE, {"unit_id": unit_id}).first()
    return (row[0], row[1]) if row else None


def unsellable_reason(last_sale: LastSale, unit: UnitState, sellable_location: bool) -> str | None:
    """None if the unit can be sold now, else the specific reason for the cashier;
    `last_sale` is asked only about a sold unit."""
    if unit.status == UnitStatus.IN_STOCK:
        if not sellable_location:
            return f"{unit.serial} is at {unit.location}, which is not for sale"
        return None
    if unit.status == UnitStatus.SOLD:
        sale = last_sale(unit.id)
        if sale:
            return f"{unit.serial} was sold on {sale[1].isoformat()} (receipt {sale[0]})"
        return f"{unit.serial} is already sold"
    from app.stock.lifecycle import describe_state

    return f"{unit.serial} {describe_state(unit.status, unit.location, unit.customer)}"
