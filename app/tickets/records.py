"""Plain, frozen data handed out by the ticket services and queries (no ORM objects leak).

Nothing here ever holds a device passcode: a ticket says only `has_passcode`. The only way
to the passcode is `app.tickets.passcode.reveal_passcode` (service and manager roles,
audited), so every record can be printed, exported or sent as JSON safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.tickets.warranty import WarrantyStatus


@dataclass(frozen=True)
class TicketLineRecord:
    """A charge: part (serialized, `serial` set), bulk part (`qty`) or labour."""

    id: int
    kind: str  # part | bulk | labour
    description: str
    serial: str | None
    qty: int
    list_price: int  # each, before warranty
    unit_price: int  # each, as charged
    tax_rate_bp: int
    approved_by: str | None  # the manager who overrode warranty pricing
    at: datetime
    user: str

    @property
    def total(self) -> int:
        return self.unit_price * self.qty


@dataclass(frozen=True)
class StatusChangeRecord:
    at: datetime
    user: str
    from_status: str | None
    to_status: str
    note: str


@dataclass(frozen=True)
class NoteRecord:
    at: datetime
    user: str
    text: str
    for_customer: bool


@dataclass(frozen=True)
class TicketSummary:
    """One row of the ticket list."""

    id: int
    number: str
    status: str
    priority: str
    opened_at: datetime
    touched_at: datetime
    promised: date | None
    overdue: bool
    stale: bool  # open and untouched for the shop's ticket_stale_days
    customer: str
    device: str
    serial: str
    technician: str | None
    under_warranty: bool


@dataclass(frozen=True)
class TicketRecord:
    """Everything about one ticket (detail view, documents, events, JSON)."""

    id: int
    number: str
    status: str
    priority: str
    opened_at: datetime
    opened_on: date
    opened_by: str
    touched_at: datetime
    customer_id: int
    customer: str
    customer_phone: str
    customer_email: str
    unit_id: int | None  # None: a foreign device (we did not sell it)
    sku: str | None
    serial: str
    device: str
    problem: str
    condition: tuple[str, ...]
    condition_note: str
    accessories: str
    estimate: int | None
    promised: date | None
    technician: str | None
    under_warranty: bool
    warranty_end: date | None
    has_passcode: bool
    rma: str | None
    vendor_sent_at: datetime | None
    vendor_back_at: datetime | None
    replacement_serial: str | None
    closed_at: datetime | None
    sale_number: str | None
    lines: tuple[TicketLineRecord, ...]
    changes: tuple[StatusChangeRecord, ...]
    notes: tuple[NoteRecord, ...]

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def is_open(self) -> bool:
        return self.status not in ("collected", "cancelled")


@dataclass(frozen=True)
class TicketPage:
    """One page of the ticket list; pass `next_after` back for the next (keyset paging)."""

    tickets: tuple[TicketSummary, ...]
    next_after: int | None


@dataclass(frozen=True)
class DeviceLookup:
    """What intake shows for a scanned serial before the ticket is opened.

    `unit_id` None: a foreign device (we hold no unit with this serial under that item).
    """

    serial: str
    unit_id: int | None
    sku: str | None
    item_name: str | None
    unit_status: str | None
    carries_imei: bool
    sold_on: date | None
    receipt: str | None
    customer_id: int | None
    customer: str | None
    customer_warranty: WarrantyStatus
    supplier_warranty: WarrantyStatus
    earlier_tickets: tuple[TicketSummary, ...]


@dataclass(frozen=True)
class ChargeLine:
    """A ticket charge as the till puts it in the cart: no unit to claim (parts are used)."""

    ticket_line_id: int
    description: str
    unit_price: int
    qty: int
    tax_rate_bp: int


@dataclass(frozen=True)
class TicketCharges:
    """What collecting a ready ticket costs: the till turns these into cart lines."""

    number: str
    customer_id: int
    customer: str
    lines: tuple[ChargeLine, ...]

    @property
    def total(self) -> int:
        return sum(line.unit_price * line.qty for line in self.lines)
