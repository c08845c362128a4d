"""The only moves a serial unit may make between statuses (PRODUCT.md: Statuses)."""

from __future__ import annotations

from enum import StrEnum

from app.errors import Conflict
from app.stock.models import UnitStatus as S


class Move(StrEnum):
    RECEIVE = "receive"
    SALE = "sale"
    REFUND = "refund"
    REFUND_DEFECTIVE = "refund_defective"
    WRITE_OFF = "write_off"
    USE = "use"
    TO_VENDOR = "to_vendor"
    FROM_VENDOR = "from_vendor"
    WARRANTY_RETURN = "warranty_return"
    TRANSFER = "transfer"
    COUNT_MISSING = "count_missing"
    COUNT_FOUND = "count_found"
    SERIALIZE = "serialize"
    UNSERIALIZE = "unserialize"
    # Repair tickets: a part taken off a ticket before collection goes back to stock, and
    # a warranty replacement issues a new unit to the customer without a sale.
    RETURN_PART = "return_part"
    WARRANTY_ISSUE = "warranty_issue"
    # Not moves: a customer's unit came in on a ticket, or went back out (history only).
    TICKET_IN = "ticket_in"
    TICKET_OUT = "ticket_out"


# move -> (statuses it may start from, status it ends in)
MOVES: dict[Move, tuple[frozenset[S], S]] = {
    Move.SALE: (frozenset({S.IN_STOCK}), S.SOLD),
    Move.REFUND: (frozenset({S.SOLD}), S.IN_STOCK),
    Move.REFUND_DEFECTIVE: (frozenset({S.SOLD}), S.DEFECTIVE),
    Move.WRITE_OFF: (frozenset({S.IN_STOCK}), S.ADJUSTED_OUT),
    Move.USE: (frozenset({S.IN_STOCK}), S.USED),
    Move.TO_VENDOR: (frozenset({S.IN_STOCK, S.DEFECTIVE}), S.AT_VENDOR),
    Move.FROM_VENDOR: (frozenset({S.AT_VENDOR}), S.IN_STOCK),
    Move.WARRANTY_RETURN: (frozenset({S.SOLD}), S.DEFECTIVE),
    Move.TRANSFER: (frozenset({S.IN_STOCK}), S.IN_STOCK),
    Move.COUNT_MISSING: (frozenset({S.IN_STOCK}), S.ADJUSTED_OUT),
    Move.COUNT_FOUND: (frozenset({S.ADJUSTED_OUT}), S.IN_STOCK),
    Move.UNSERIALIZE: (frozenset({S.IN_STOCK}), S.ADJUSTED_OUT),
    Move.RETURN_PART: (frozenset({S.USED}), S.IN_STOCK),
    Move.WARRANTY_ISSUE: (frozenset({S.IN_STOCK}), S.SOLD),
}

_VERBS = {
    Move.SALE: "sell it",
    Move.REFUND: "refund it",
    Move.REFUND_DEFECTIVE: "refund it",
    Move.WRITE_OFF: "write it off",
    Move.USE: "use it as a part",
    Move.TO_VENDOR: "send it to the vendor",
    Move.FROM_VENDOR: "take it back from the vendor",
    Move.WARRANTY_RETURN: "take it back under warranty",
    Move.TRANSFER: "transfer it",
    Move.COUNT_MISSING: "count it as missing",
    Move.COUNT_FOUND: "count it as found",
    Move.UNSERIALIZE: "collapse it into a quantity",
    Move.RETURN_PART: "put it back in stock from a ticket",
    Move.WARRANTY_ISSUE: "issue it as a warranty replacement",
}


def describe_state(status: str, location: str | None, customer: str | None) -> str:
    """'is in stock at Front store', 'is sold to Jane Doe', 'is at the vendor'..."""
    where = f" at {location}" if location else ""
    match status:
        case S.IN_STOCK:
            return f"is in stock{where}"
        case S.SOLD:
            return f"is sold to {customer}" if customer else "is sold"
        case S.DEFECTIVE:
            return f"is defective{where}"
        case S.ADJUSTED_OUT:
            return "was written off"
        case S.USED:
            return "was used as a part"
        case S.AT_VENDOR:
            return "is at the vendor"
    return f"has status {status}"


def target_status(
    move: Move, serial: str, status: S, location: str | None, customer: str | None
) -> S:
    """The status the move leads to, or Conflict saying where the unit is and why not."""
    starts, ends = MOVES[move]
    if status not in starts:
        state = describe_state(status, location, customer)
        raise Conflict(f"{serial} {state}: cannot {_VERBS[move]}")
    return ends
