"""One dispatch on what a scan found, for whatever acts on every kind of result (a sale,
the Tickets view): a `ScanCases` subclass gives one method a kind. A new kind of result
is a new abstract method here, so a subclass without it cannot be made (mypy says so
where it is made) instead of failing at the first such scan."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar, assert_never

from app.scan.results import (
    BundleScan,
    ItemScan,
    SaleScan,
    ScannedUnit,
    ScanResult,
    SerialChoice,
    TicketScan,
    UnitScan,
    UnknownScan,
)

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
