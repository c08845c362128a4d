"""Plain, frozen data handed out by the stock services and queries (no ORM objects leak)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.ids import BatchId, ItemId, LocationId, UnitId
from app.stock.models import UnitStatus


@dataclass(frozen=True)
class ItemRecord:
    id: ItemId
    sku: str
    name: str
    price: int
    cost: int
    barcode: str | None
    tax_rate_bp: int
    serialized: bool
    warranty_days: int
    serial_prefix: str
    serial_digits: int
    serial_random: bool
    serial_next: int
    active: bool
    serial_charset: str = "ascii"  # app.stock.serial_charsets


@dataclass(frozen=True)
class LocationRecord:
    id: LocationId
    name: str
    sellable: bool
    active: bool


@dataclass(frozen=True, slots=True)  # slots: the Stock list holds tens of thousands
class UnitRecord:
    id: UnitId
    item_id: ItemId
    sku: str
    item_name: str
    serial: str
    asset_tag: str | None
    status: UnitStatus
    location: str | None
    customer: str | None
    cost: int | None  # None: the acting user may not see what stock cost (VIEW_COSTS)
    received_at: datetime
    batch_id: BatchId | None
    supplier_warranty_end: date | None
    warranty_type: str | None
    warranty_start: date | None
    warranty_end: date | None


@dataclass(frozen=True)
class UnitPage:
    """One page of the unit list; `next_after` continues it (keyset, never OFFSET)."""

    units: list[UnitRecord]
    next_after: tuple[str, int] | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    from_state: str
    to_state: str
    user: str
    document: str | None
    reason: str | None


@dataclass(frozen=True)
class StockRow:
    sku: str
    name: str
    location: str
    qty: int
    serialized: bool


@dataclass(frozen=True)
class ValuationRow:
    sku: str
    name: str
    qty: int
    value: int  # minor units: specific cost of each unit, or bulk quantity x item cost


@dataclass(frozen=True)
class ReceiveResult:
    batch_id: BatchId | None
    sku: str
    location: str
    qty: int
    serials: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ConversionResult:
    """What serialize / unserialize did; past transactions are never rewritten."""

    sku: str
    serialized: bool
    qty_by_location: dict[str, int]
    serials: list[str]
    warning: str
