"""Repair tickets, their status changes, notes and charge lines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import BigId, key_string, utcnow


class Ticket(Base):
    """One device taken in for repair. Its current status lives here, beside its history."""

    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_on: Mapped[date]  # the shop's local date: warranty is judged on intake day
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)  # any change: "untouched" marks
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # Our unit (we sold it, or it is ours), else None: a foreign device by serial + text.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    serial: Mapped[str] = mapped_column(String(64))
    serial_key: Mapped[str] = mapped_column(key_string(64))
    device: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    condition: Mapped[str] = mapped_column(Text, default="")  # ticked checklist items, one a line
    condition_note: Mapped[str] = mapped_column(Text, default="")
    accessories: Mapped[str] = mapped_column(String(200), default="")
    estimate: Mapped[int | None]
    promised: Mapped[date | None]
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    under_warranty: Mapped[bool] = mapped_column(default=False)
    warranty_end: Mapped[date | None]  # the customer warranty as it stood at intake
    passcode: Mapped[str | None] = mapped_column(Text)  # Fernet token; NULL once closed
    rma: Mapped[str | None] = mapped_column(String(64))
    vendor_sent_at: Mapped[datetime | None]
    vendor_back_at: Mapped[datetime | None]
    replacement_unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    replacement_serial: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    sale_number: Mapped[str | None] = mapped_column(String(20))  # the sale that collected it

    __table_args__ = (
        # The list pages by id (newest first) within a status, technician or due date.
        Index("ix_tickets_status_id", "status", "id"),
        Index("ix_tickets_technician_status_id", "technician_id", "status", "id"),
        Index("ix_tickets_status_promised", "status", "promised"),
        Index("ix_tickets_customer_id", "customer_id", "id"),
        Index("ix_tickets_serial_key", "serial_key"),
        Index("ix_tickets_unit_id", "unit_id"),
    )


class TicketStatusChange(Base):
    """Every step of the workflow: when, who, from what, to what, and why."""

    __tablename__ = "ticket_status_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_ticket_status_changes_ticket", "ticket_id", "id"),)


class TicketNote(Base):
    """A note on a ticket, internal or for the customer; timed and signed."""

    __tablename__ = "ticket_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    for_customer: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (Index("ix_ticket_notes_ticket", "ticket_id", "id"),)


class TicketLine(Base):
    """A charge on a ticket: a serialized part, a bulk part by quantity, or labour.

    A removed line stays (with who and when) so the ticket's history is whole; only lines
    not removed are charged.
    """

    __tablename__ = "ticket_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))  # part | bulk | labour
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    serial: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column(default=1)
    list_price: Mapped[int]  # each, before warranty
    unit_price: Mapped[int]  # each, as charged (zero under warranty unless overridden)
    tax_rate_bp: Mapped[int] = mapped_column(default=0)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None]
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        Index("ix_ticket_lines_ticket", "ticket_id", "id"),
        Index("ix_ticket_lines_unit", "unit_id"),
    )
