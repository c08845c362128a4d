"""Items, locations, serial units, bulk stock, receiving batches and the movement ledger."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

import app.customers.models  # noqa: F401  (units and the ledger refer to the customers table)
from app.db.base import Base
from app.db.types import BigId, EnumString, key_string, utcnow


class UnitStatus(StrEnum):
    IN_STOCK = "in_stock"
    SOLD = "sold"
    DEFECTIVE = "defective"
    ADJUSTED_OUT = "adjusted_out"
    USED = "used"
    AT_VENDOR = "at_vendor"


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(default=0)  # minor units, as the shop sets it
    cost: Mapped[int] = mapped_column(default=0)  # minor units; default cost of bulk stock
    barcode: Mapped[str | None] = mapped_column(String(32), index=True)
    tax_rate_bp: Mapped[int] = mapped_column(default=0)  # basis points: 2000 = 20 %
    serialized: Mapped[bool] = mapped_column(default=False)
    # Phones and modems: a 15-digit serial is an IMEI, checked by its Luhn digit at intake.
    imei: Mapped[bool] = mapped_column(default=False, server_default=false())
    warranty_days: Mapped[int] = mapped_column(default=0)
    serial_prefix: Mapped[str] = mapped_column(String(32), default="")
    serial_digits: Mapped[int] = mapped_column(default=6)
    serial_random: Mapped[bool] = mapped_column(default=False)
    serial_next: Mapped[int] = mapped_column(BigInteger, default=1)
    # What its serials may contain (app.stock.serial_charsets): "ascii", "upper", "digits".
    serial_charset: Mapped[str] = mapped_column(String(16), default="ascii", server_default="ascii")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("cost >= 0", name="cost_not_negative"),
        CheckConstraint("warranty_days >= 0", name="warranty_not_negative"),
    )


# What a till needs to price and sell an item, in this order: the columns of a scan's
# ItemSummary and the start of a sale's SoldItem (both read them as plain rows).
ITEM_SALE_COLUMNS = (
    Item.id,
    Item.sku,
    Item.name,
    Item.price,
    Item.tax_rate_bp,
    Item.serialized,
    Item.warranty_days,
)


class BundleComponent(Base):
    """One part of a bundle item (a kit): which item and how many of it per kit.

    A bundle has no stock of its own: selling one takes its parts (units by serial, bulk
    parts by quantity) from the till's location."""

    __tablename__ = "bundle_components"

    bundle_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    component_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    position: Mapped[int]  # the order the till asks for the parts in
    qty: Mapped[int]

    __table_args__ = (
        CheckConstraint("qty >= 1 AND qty <= 99", name="bundle_qty_range"),
        CheckConstraint("bundle_item_id <> component_item_id", name="bundle_not_itself"),
        Index("ix_bundle_components_component", "component_item_id"),
    )


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    sellable: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)


class ReceivingBatch(Base):
    """One receiving: which item, where, how many, how the serials were entered."""

    __tablename__ = "receiving_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    qty: Mapped[int]
    method: Mapped[str] = mapped_column(String(16))
    supplier_warranty_days: Mapped[int] = mapped_column(default=0)
    supplier: Mapped[str | None] = mapped_column(String(120))  # for recalls by supplier


class SubmissionToken(Base):
    """One receiving dialog's submission, saved with what it received: the same token
    again (a double click, a retry) returns that receipt instead of a second one."""

    __tablename__ = "submission_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    qty: Mapped[int]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("receiving_batches.id"))


class SerialUnit(Base):
    """One physical unit. Its current state lives here, changed with its movement row."""

    __tablename__ = "serial_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    serial: Mapped[str] = mapped_column(String(64))  # as entered, trimmed
    serial_key: Mapped[str] = mapped_column(key_string(64))  # for comparing: case ignored
    asset_tag: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[UnitStatus] = mapped_column(EnumString(UnitStatus, 16))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    cost: Mapped[int] = mapped_column(default=0)  # specific cost, minor units
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("receiving_batches.id"))
    supplier_warranty_end: Mapped[date | None]
    warranty_type: Mapped[str | None] = mapped_column(String(16))
    warranty_start: Mapped[date | None]
    warranty_end: Mapped[date | None]
    lot: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("item_id", "serial_key", name="uq_serial_units_item_serial"),
        Index("ix_serial_units_serial_key", "serial_key"),
        Index("ix_serial_units_status_serial_key", "status", "serial_key"),
        Index("ix_serial_units_location_status", "location_id", "status"),
        Index("ix_serial_units_batch", "batch_id"),
        CheckConstraint(
            "status IN ('in_stock','sold','defective','adjusted_out','used','at_vendor')",
            name="status_known",
        ),
    )


class StockLevel(Base):
    """Bulk (non-serialized) quantity of an item at a location."""

    __tablename__ = "stock_levels"

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    qty: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("qty >= 0", name="qty_not_negative"),)


class Movement(Base):
    """The append-only ledger: one row for every change to stock."""

    __tablename__ = "movements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("serial_units.id"))
    qty: Mapped[int] = mapped_column(default=1)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    document: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_movements_unit", "unit_id", "id"),
        Index("ix_movements_item", "item_id", "id"),
        Index("ix_movements_document", "document"),
    )
