"""Domain events: what a committed service call changed, handed out only after the commit.

A service records events on its unit of work (`app.db.uow.record`); the store delivers them
to its listeners once the transaction has committed, never for one that rolled back. The
listeners are the after-commit effects (print jobs, e-mails: `app.effects`) and, in the
window, the change notices that tell every view which kinds of records to refresh.

Each event names the kinds of records it changed (`changes`), so a view that shows units
refreshes after a sale without knowing what a sale is.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar


class Change(enum.StrEnum):
    """Kinds of records a view may show; a change notice names the kinds that changed."""

    UNITS = "units"  # serial units and bulk stock (and so the ledger)
    ITEMS = "items"
    LOCATIONS = "locations"
    SALES = "sales"
    REFUNDS = "refunds"
    PARKED = "parked"
    CUSTOMERS = "customers"
    USERS = "users"
    SETTINGS = "settings"
    PRINT_JOBS = "print_jobs"
    TICKETS = "tickets"


@dataclass(frozen=True)
class Event:
    """Base of every domain event. Subclasses set `changes` for the views."""

    changes: ClassVar[frozenset[Change]] = frozenset()


Listener = Callable[[Sequence[Event]], None]


def changes_of(events: Sequence[Event]) -> frozenset[Change]:
    """The union of the kinds of records these events changed."""
    out: set[Change] = set()
    for event in events:
        out |= event.changes
    return frozenset(out)
