"""What the ticket services tell the rest of the shop after their commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from app.events import Change, Event
from app.tickets.records import TicketRecord


@dataclass(frozen=True)
class TicketOpened(Event):
    """A ticket was taken in: its intake tag and the customer's claim slip print."""

    changes: ClassVar[frozenset[Change]] = frozenset(
        {Change.TICKETS, Change.CUSTOMERS, Change.UNITS}
    )
    ticket: TicketRecord


@dataclass(frozen=True)
class TicketStatusChanged(Event):
    """A ticket moved on: the customer may be e-mailed (ready, or a status the shop ticks)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.TICKETS, Change.UNITS})
    ticket: TicketRecord
    old: str
    new: str


@dataclass(frozen=True)
class TicketChanged(Event):
    """Notes, parts, labour, vendor or replacement changed on a ticket."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.TICKETS, Change.UNITS})
    ticket: TicketRecord


@dataclass(frozen=True)
class TicketCollected(Event):
    """The customer took the device back (paid at the till, or without charge)."""

    changes: ClassVar[frozenset[Change]] = frozenset({Change.TICKETS, Change.UNITS})
    ticket: TicketRecord
    sale_number: str | None
