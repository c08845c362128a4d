"""Plain, frozen records of a physical count, handed to the window and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class ScanVerdict(StrEnum):
    """What a serial scanned into a count turned out to be."""

    EXPECTED = "expected"  # in stock at the counted location
    OTHER_LOCATION = "other_location"  # in stock, but at another location
    OTHER_STATUS = "other_status"  # sold, written off, defective, at the vendor, used
    UNKNOWN = "unknown"  # no unit of any item has this serial


@dataclass(frozen=True)
class CountTally:
    """The live tally. `expected` is the in-stock count when the count began; the
    variance (`finish_count`) is worked out afresh from the store."""

    count_id: int
    location: str
    status: str  # open | applied
    expected: int
    counted: int
    missing: int
    unexpected: int


@dataclass(frozen=True)
class CountScanResult:
    serial: str
    verdict: ScanVerdict
    already_scanned: bool  # a second scan of the same unit counts once
    sku: str | None
    message: str  # one line for the screen: "P1-00001 is in stock at Back: unexpected"
    tally: CountTally


@dataclass(frozen=True)
class CountedUnit:
    sku: str
    serial: str
    status: str
    location: str | None
    state: str  # "is in stock at Back", "is sold to Jane Doe"


@dataclass(frozen=True)
class QuantityDifference:
    """A bulk item counted by quantity: what the store says is here, what was counted."""

    sku: str
    name: str
    on_record: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.on_record


class VarianceKind(StrEnum):
    """The groups of a count's variance (each listed a page at a time: `variance_page`)."""

    MISSING = "missing"  # in stock here, not scanned: written off
    MOVED_HERE = "moved_here"  # in stock at another location: transferred here
    FOUND = "found"  # written off earlier, found on the shelf: back in stock
    NOT_MOVED = "not_moved"  # sold, used, defective, at vendor: listed only
    UNKNOWN = "unknown"  # no such unit: to be received


@dataclass(frozen=True)
class Listed(Generic[T]):
    """One group of the variance: how many there are, and the first few of them (the
    rest page in with `variance_page`; a shelf of 100,000 missing units is never held)."""

    total: int
    first: tuple[T, ...]


@dataclass(frozen=True)
class CountVariance:
    """What applying the count would do: nothing is written until `apply_count`."""

    tally: CountTally
    missing: Listed[CountedUnit]  # in stock here, not scanned: written off
    moved_here: Listed[CountedUnit]  # in stock at another location: transferred here
    found: Listed[CountedUnit]  # written off earlier, found on the shelf: back in stock
    not_moved: Listed[CountedUnit]  # sold, used, defective, at vendor: listed only
    unknown: Listed[str]  # no such unit: to be received
    quantities: list[QuantityDifference]  # only items counted by quantity


@dataclass(frozen=True)
class VariancePage:
    """A page of one variance group, in order; `next_after` asks for the next page."""

    units: list[CountedUnit]  # for UNKNOWN: the serial, sku and location empty
    next_after: int | None


@dataclass(frozen=True)
class CountApplied:
    variance: CountVariance
    approved_by: str | None  # the manager who approved writing the missing units off
