"""Warranty maths, pure: status on a given day, days left, and what a replacement carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class WarrantyStatus:
    """A warranty as seen on `today`: its end, whether it still runs, days left (0 if over)."""

    end: date | None
    active: bool
    days_left: int

    @property
    def label(self) -> str:
        if self.end is None:
            return "no warranty"
        if not self.active:
            return f"expired {self.end.isoformat()}"
        days = "1 day" if self.days_left == 1 else f"{self.days_left} days"
        return f"until {self.end.isoformat()} ({days} left)"


def warranty_status(end: date | None, today: date) -> WarrantyStatus:
    """The warranty ending on `end` (its last covered day) as of `today`."""
    if end is None:
        return WarrantyStatus(None, False, 0)
    left = (end - today).days
    # The end day itself is covered: it counts as the last day left.
    return WarrantyStatus(end, left >= 0, max(left + 1, 0) if left >= 0 else 0)
