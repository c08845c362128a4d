"""Sales, their lines and tenders, refunds, parked sales, and document number counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.counters import Counter as Counter  # the table moved to app.db; kept importable
from app.db.types import utcnow


class Sale(Base):
    __tablename__ = "sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    till: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    business_day: Mapped[date]  # the shop's local date, for end of day and warranty start
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    prices_include_tax: Mapped[bool]
    sale_discount_bp: Mapped[int] = mapped_column(default=0)
    subtotal: Mapped[int]
    discount: Mapped[int]
    tax: Mapped[int]
    total: Mapped[int]
    change: Mapped[int] = mapped_column(default=0)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (Index("ix_sales_day_till", "business_day", "till"),)


class SaleLine(Base):
    __tablename__ = "sale_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"))
    line_no: Mapped[int]
    # None on a repair ticket's charge lines (labour, parts already used on the ticket).
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    # Snapshots: the receipt must read the same after the item is renamed or repriced.
    sku: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200))
    serial: Mapped[str | None] = mapped_column(String(64))
    qty: Mapped[int]
    unit_price: Mapped[int]
    tax_rate_bp: Mapped[int]
    line_discount_bp: Mapped[int] = mapped_column(default=0)
    discount: Mapped[int]  # line + share of sale discount
    tax: Mapped[int]
    total: Mapped[int]
    warranty_end: Mapped[date | None]
    # A bundle's part: the line_no of its bundle's line on this sale. The part is carried at
    # zero; `bundle_share` (and its tax) is its part of the bundle's total, for refunds.
    bundle_line_no: Mapped[int | None]
    bundle_share: Mapped[int] = mapped_column(default=0, server_default="0")
    bundle_share_tax: Mapped[int] = mapped_column(default=0, server_default="0")
    # The item's price when a manager overrode it on this line (unit_price is the new one).
    list_price: Mapped[int | None]

    __table_args__ = (
        Index("ix_sale_lines_sale", "sale_id", "line_no"),
        Index("ix_sale_lines_unit", "unit_id"),
    )


class Refund(Base):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("sales.id"))
    till: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    business_day: Mapped[date]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    restock: Mapped[str] = mapped_column(String(64))  # a location's name, or "defective"
    total: Mapped[int]
    tax: Mapped[int]

    __table_args__ = (Index("ix_refunds_day_till", "business_day", "till"),)


class RefundLine(Base):
    __tablename__ = "refund_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"))
    sale_line_id: Mapped[int] = mapped_column(ForeignKey("sale_lines.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    qty: Mapped[int]
    amount: Mapped[int]
    tax: Mapped[int]


class Tender(Base):
    """A payment taken (sale) or given back (refund)."""

    __tablename__ = "tenders"

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("sales.id"), index=True)
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int]
    reference: Mapped[str] = mapped_column(String(64), default="")


class ParkedSale(Base):
    """A cart put aside to serve the next customer; units are not reserved while parked."""

    __tablename__ = "parked_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    till: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    label: Mapped[str] = mapped_column(String(120))
    cart: Mapped[str] = mapped_column(Text)  # JSON of the cart lines, customer and discount


class OpenCart(Base):
    """The sale open on a till's screen for one user, saved on every change: it survives a
    quit, a crash or a power cut and comes back at that user's next log-in on that till."""

    __tablename__ = "open_carts"
    __table_args__ = (UniqueConstraint("till", "user_id", name="uq_open_carts_till_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    till: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # The window's change counter: a save that arrives late never overwrites a newer one.
    version: Mapped[int] = mapped_column(BigInteger)
    cart: Mapped[str] = mapped_column(Text)  # JSON, as parked sales keep theirs
