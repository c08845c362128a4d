"""Plain data handed out by the POS services: committed sales, refunds, the day's totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.ids import SaleLineId


@dataclass(frozen=True)
class TenderRecord:
    kind: str
    amount: int
    reference: str


@dataclass(frozen=True)
class SaleLineRecord:
    id: SaleLineId
    line_no: int
    sku: str
    description: str
    serial: str | None
    qty: int
    unit_price: int
    discount: int
    tax: int
    total: int
    warranty_end: date | None
    refunded_qty: int
    bundle_line_no: int | None = None  # a bundle's part: its bundle's line (carried at zero)
    bundle: bool = False  # a bundle's own line: its parts come back, not the line itself
    list_price: int | None = None  # the item's price, when a manager changed this line's
    bundle_share: int = 0  # a bundle's part: its share of the bundle's total

    @property
    def refundable_qty(self) -> int:
        return 0 if self.bundle else self.qty - self.refunded_qty

    @property
    def paid(self) -> int:
        """What the customer paid for this line: a bundle's part, its share of the kit."""
        return self.total if self.bundle_line_no is None else self.bundle_share


@dataclass(frozen=True)
class SaleRecord:
    number: str
    till: str
    at: datetime
    business_day: date
    cashier: str
    customer: str | None
    location: str
    prices_include_tax: bool
    lines: list[SaleLineRecord]
    subtotal: int
    discount: int
    tax: int
    total: int
    tenders: list[TenderRecord]
    change: int
    refunds: list[str] = field(default_factory=list)
    ticket_number: str | None = None  # the repair ticket this sale collected


@dataclass(frozen=True)
class RefundLineRecord:
    sku: str
    description: str
    serial: str | None
    qty: int
    amount: int
    tax: int


@dataclass(frozen=True)
class RefundRecord:
    number: str
    sale_number: str
    till: str
    at: datetime
    cashier: str
    approved_by: str
    customer: str | None
    reason: str
    restock: str
    lines: list[RefundLineRecord]
    total: int
    tax: int
    tenders: list[TenderRecord]


@dataclass(frozen=True)
class DayReport:
    """End of day for one till: what the drawer and the card terminal should show."""

    till: str
    day: date
    sales: int
    gross: int  # before discounts
    discounts: int
    tax: int
    net_sales: int  # what customers paid for goods
    taken_by_tender: dict[str, int]
    change_given: int
    refunds: int
    refunded: int
    refunded_by_tender: dict[str, int]
    cash_expected: int  # cash taken - change - cash refunded
