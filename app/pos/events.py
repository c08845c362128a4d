"""What the till's services tell the rest of the shop after their commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from app.events import Change, Event
from app.pos.records import RefundRecord, SaleRecord


@dataclass(frozen=True)
class SaleCompleted(Event):
    """A sale is committed: its receipt prints (with the drawer kick for cash)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.SALES, Change.UNITS})
    sale: SaleRecord


@dataclass(frozen=True)
class RefundCompleted(Event):
    """A refund is committed: its slip prints (the drawer opens when cash goes back)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.REFUNDS, Change.SALES, Change.UNITS})
    refund: RefundRecord


@dataclass(frozen=True)
class CartsParked(Event):
    """A cart was parked or resumed: the till's list of waiting sales changed."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.PARKED})
    till: str
