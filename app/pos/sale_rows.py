"""A new sale's rows as plain dataclasses, written by one INSERT per table (app.db.rows).

Nothing changes them again in the sale's transaction, so the mapped classes' tracking
would buy nothing; their fields are the tables' columns (app.pos.models keeps the schema),
and the record the till prints is built from them (app.pos.sales.build_sale_record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(slots=True)
class SaleRow:
    number: str
    till: str
    at: datetime
    business_day: date
    user_id: int
    customer_id: int | None
    location_id: int
    prices_include_tax: bool
    sale_discount_bp: int
    subtotal: int
    discount: int
    tax: int
    total: int
    change: int
    approved_by: int | None
    id: int = 0  # given when written


@dataclass(slots=True)
class SaleLineRow:
    sale_id: int
    line_no: int
    item_id: int | None  # None: a repair ticket's charge
    unit_id: int | None
    sku: str
    description: str
    serial: str | None
    qty: int
    unit_price: int
    tax_rate_bp: int
    line_discount_bp: int
    discount: int
    tax: int
    total: int
    warranty_end: date | None
    list_price: int | None = None
    bundle_line_no: int | None = None
    bundle_share: int = 0
    bundle_share_tax: int = 0
    id: int = 0  # given when written


@dataclass(slots=True)
class TenderRow:
    sale_id: int
    kind: str
    amount: int
    reference: str
    id: int = 0  # not read back: nothing refers to a sale's tender by its id
