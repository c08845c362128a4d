"""The ticket workflow: statuses, priorities and the only moves between statuses."""

from __future__ import annotations

from enum import StrEnum

from app.errors import Conflict, InvalidInput


class TicketStatus(StrEnum):
    NEW = "new"
    DIAGNOSING = "diagnosing"
    AWAITING_APPROVAL = "awaiting_approval"
    WAITING_FOR_PARTS = "waiting_for_parts"
    IN_REPAIR = "in_repair"
    READY = "ready"
    COLLECTED = "collected"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return TITLES[self]


TITLES = {
    TicketStatus.NEW: "new",
    TicketStatus.DIAGNOSING: "diagnosing",
    TicketStatus.AWAITING_APPROVAL: "awaiting customer approval",
    TicketStatus.WAITING_FOR_PARTS: "waiting for parts",
    TicketStatus.IN_REPAIR: "in repair",
    TicketStatus.READY: "ready for collection",
    TicketStatus.COLLECTED: "collected",
    TicketStatus.CANCELLED: "cancelled",
}

S = TicketStatus
CLOSED = frozenset({S.COLLECTED, S.CANCELLED})
OPEN = frozenset(S) - CLOSED

# status -> where a desk may move it. Forward along the repair, plus the back-steps a shop
# needs (the customer wants another look, a part turned out to be missing, it failed the
# final test). Collected is reached only through collection (till or no-charge), never here.
NEXT: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.NEW: frozenset({S.DIAGNOSING, S.CANCELLED}),
    S.DIAGNOSING: frozenset(
        {S.AWAITING_APPROVAL, S.WAITING_FOR_PARTS, S.IN_REPAIR, S.READY, S.CANCELLED}
    ),
    S.AWAITING_APPROVAL: frozenset({S.DIAGNOSING, S.WAITING_FOR_PARTS, S.IN_REPAIR, S.CANCELLED}),
    S.WAITING_FOR_PARTS: frozenset({S.IN_REPAIR, S.CANCELLED}),
    S.IN_REPAIR: frozenset({S.WAITING_FOR_PARTS, S.READY, S.CANCELLED}),
    S.READY: frozenset({S.IN_REPAIR, S.CANCELLED}),
    S.COLLECTED: frozenset(),
    S.CANCELLED: frozenset(),
}


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


def parse_status(text: str) -> TicketStatus:
    wanted = text.strip().lower().replace(" ", "_").replace("-", "_")
    aliases = {"awaiting_customer_approval": "awaiting_approval", "ready_for_collection": "ready"}
    try:
        return TicketStatus(aliases.get(wanted, wanted))
    except ValueError:
        names = ", ".join(s.value for s in TicketStatus)
        raise InvalidInput(
            f"unknown ticket status {text.strip()[:30]!r}; statuses are {names}"
        ) from None


def parse_priority(text: str) -> Priority:
    try:
        return Priority(text.strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Priority)
        raise InvalidInput(
            f"unknown priority {text.strip()[:20]!r}; priorities are {names}"
        ) from None


def check_move(number: str, current: str, wanted: TicketStatus) -> None:
    """Conflict naming the ticket's current status unless `current -> wanted` is allowed."""
    now = TicketStatus(current)
    if wanted in NEXT[now]:
        return
    if wanted is S.COLLECTED and now is S.READY:
        raise Conflict(f"{number} is {now.label}: collect it at the till (or without charge)")
    if now in CLOSED:
        raise Conflict(f"{number} is {now.label}: a closed ticket does not move")
    raise Conflict(f"{number} is {now.label}: it cannot go to {wanted.label}")


def require_open(number: str, current: str, doing: str) -> None:
    """Conflict unless the ticket is still open (parts, notes for work, vendor...)."""
    if TicketStatus(current) in CLOSED:
        raise Conflict(f"{number} is {TicketStatus(current).label}: cannot {doing}")
