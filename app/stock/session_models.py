"""Work kept in the store so it can be resumed: physical counts and expected deliveries.

A count or an expected-delivery check can take an afternoon and cross a restart; every
scan is saved as it is made, and the running totals live on the session row so a scan
never has to count what came before it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base
from app.db.types import BigId, key_string, utcnow


class CountSession(Base):
    """A physical count of one location: open while scanning, applied once."""

    __tablename__ = "count_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | applied
    # Running totals, kept with each scan: the live tally never counts the scans.
    expected: Mapped[int] = mapped_column(default=0)  # in-stock units here when it began
    found: Mapped[int] = mapped_column(default=0)  # scanned and expected here
    unexpected: Mapped[int] = mapped_column(default=0)  # scanned, not expected here
    applied_at: Mapped[datetime | None]
    applied_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CountScan(Base):
    """One distinct serial scanned into a count (a second scan of it adds no row)."""

    __tablename__ = "count_scans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("count_sessions.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    serial: Mapped[str] = mapped_column(String(64))
    serial_key: Mapped[str] = mapped_column(key_string(64))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    verdict: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_count_scans_session_unit", "session_id", "unit_id"),
        Index("ix_count_scans_session_key", "session_id", "serial_key"),
    )


class CountQuantity(Base):
    """A bulk item's counted quantity on a count (the last figure entered wins)."""

    __tablename__ = "count_quantities"

    session_id: Mapped[int] = mapped_column(ForeignKey("count_sessions.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    qty: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ExpectedDelivery(Base):
    """A supplier's list of serials, ticked off by scanning before it is received."""

    __tablename__ = "expected_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    supplier: Mapped[str | None] = mapped_column(String(120))
    cost: Mapped[int | None]
    supplier_warranty_days: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | received
    listed: Mapped[int] = mapped_column(default=0)
    ticked: Mapped[int] = mapped_column(default=0)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("receiving_batches.id"))


class ExpectedSerial(Base):
    """One serial on a supplier's list; `ticked_at` is set when it is scanned."""

    __tablename__ = "expected_serials"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("expected_deliveries.id"))
    position: Mapped[int]
    serial: Mapped[str] = mapped_column(String(64))
    serial_key: Mapped[str] = mapped_column(key_string(64))
    asset_tag: Mapped[str | None] = mapped_column(String(64))
    cost: Mapped[int | None]
    ticked_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("delivery_id", "serial_key", name="uq_expected_serials_delivery_key"),
        Index("ix_expected_serials_delivery_position", "delivery_id", "position"),
    )
