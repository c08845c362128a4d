"""What a scan found: the results `resolve_scan` gives every view (and the cart line a
found unit or item makes), and `ScanCases`, the one dispatch on them.

Whatever acts on every kind of result (a sale, the Tickets view) is a `ScanCases` subclass
with one method a kind. A new kind of result is a new abstract method there, so a
subclass without it cannot be made (mypy says so where it is made) instead of failing at
the first such scan."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Generic, TypeVar, assert_never

from app.ids import ItemId, UnitId
from app.pos.cart import CartLine
from app.stock.bundles import ComponentRecord
from app.stock.models import UnitStatus


@dataclass(frozen=True)
class ItemSummary:
    id: ItemId
    sku: str
    name: str
    price: int
    tax_rate_bp: int
    serialized: bool
    warranty_days: int


@dataclass(frozen=True)
class ScannedUnit:
    """A unit found by a scan; `reason` says why it cannot be sold (None: it can)."""

    unit_id: UnitId
    item: ItemSummary
    serial: str
    status: UnitStatus
    location: str | None
    reason: str | None

    def cart_line(self) -> CartLine:
        i = self.item
        return CartLine(
            item_id=i.id,
            sku=i.sku,
            name=i.name,
            unit_price=i.price,
            tax_rate_bp=i.tax_rate_bp,
            unit_id=self.unit_id,
            serial=self.serial,
            warranty_days=i.warranty_days,
        )


@dataclass(frozen=True)
class UnitScan:
    unit: ScannedUnit


@dataclass(frozen=True)
class SerialChoice:
    """Several items carry this serial: the user picks one."""

    units: tuple[ScannedUnit, ...]


@dataclass(frozen=True)
class ItemScan:
    """A product barcode or SKU; for a serialized item, the in-stock units here to pick from."""

    item: ItemSummary
    units_here: tuple[ScannedUnit, ...] = ()
    more_here: bool = False

    def cart_line(self) -> CartLine:
        i = self.item
        return CartLine(i.id, i.sku, i.name, i.price, i.tax_rate_bp, warranty_days=i.warranty_days)


@dataclass(frozen=True)
class BundleNeed:
    """One component of a scanned bundle, with (serialized) its in-stock units here."""

    component: ComponentRecord
    units_here: tuple[ScannedUnit, ...] = ()
    more_here: bool = False


@dataclass(frozen=True)
class BundleScan:
    """A bundle's barcode or SKU: its components, in the order the till asks for them."""

    item: ItemSummary
    components: tuple[BundleNeed, ...]


@dataclass(frozen=True)
class SaleScan:
    number: str


@dataclass(frozen=True)
class TicketScan:
    """A repair ticket's number: the till collects it, the Tickets view opens it."""

    number: str
    status: str


@dataclass(frozen=True)
class UnknownScan:
    code: str
    message: str


ScanResult = UnitScan | SerialChoice | ItemScan | BundleScan | SaleScan | TicketScan | UnknownScan


Step = TypeVar("Step")


class ScanCases(ABC, Generic[Step]):
    """What each kind of scan result means here; `answer(result)` asks the right method."""

    def answer(self, result: ScanResult) -> Step:
        match result:
            case UnitScan(unit):
                return self.unit(unit)
            case SerialChoice(units):
                return self.serial_choice(units)
            case ItemScan():
                return self.item(result)
            case BundleScan():
                return self.bundle(result)
            case SaleScan(number):
                return self.receipt(number)
            case TicketScan():
                return self.ticket(result)
            case UnknownScan():
                return self.unknown(result)
        assert_never(result)

    @abstractmethod
    def unit(self, unit: ScannedUnit) -> Step:
        """One unit's serial (or its GS1 code)."""

    @abstractmethod
    def serial_choice(self, units: tuple[ScannedUnit, ...]) -> Step:
        """A serial that several items carry."""

    @abstractmethod
    def item(self, found: ItemScan) -> Step:
        """A product barcode or SKU (with, if serialized, its units here)."""

    @abstractmethod
    def bundle(self, found: BundleScan) -> Step:
        """A bundle's barcode or SKU."""

    @abstractmethod
    def receipt(self, number: str) -> Step:
        """A receipt's (or refund slip's) number."""

    @abstractmethod
    def ticket(self, found: TicketScan) -> Step:
        """A repair ticket's number."""

    @abstractmethod
    def unknown(self, found: UnknownScan) -> Step:
        """Nothing the store knows, and why."""
