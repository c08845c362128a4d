"""What the stock services tell the rest of the shop after their commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from app.events import Change, Event


@dataclass(frozen=True)
class UnitsReceived(Event):
    """Stock came in (serialized units or a bulk quantity); labels may follow."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.UNITS})
    sku: str
    location: str
    qty: int
    batch_id: int | None


@dataclass(frozen=True)
class UnitsMoved(Event):
    """Units or quantities changed status or place: transfer, write-off, count, conversion."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.UNITS})
    kind: str  # the ledger's movement kind (transfer, write_off, ...)
    count: int


@dataclass(frozen=True)
class ItemsChanged(Event):
    """An item was added or edited (price, scheme, serialized flag, active)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.ITEMS})
    sku: str


@dataclass(frozen=True)
class LocationsChanged(Event):
    changes: ClassVar[frozenset[Change]] = frozenset({Change.LOCATIONS})
    name: str


@dataclass(frozen=True)
class WarrantyChanged(Event):
    """A unit's customer-warranty end was edited (audited, manager-approved)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.UNITS})
    sku: str
    serial: str
