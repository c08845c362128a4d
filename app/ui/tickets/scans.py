"""What a scan means in the Tickets view (worked out on a worker, no Qt here):

- a ticket number opens that ticket;
- with a ticket open, an in-stock unit's serial or an item's code is a part for it;
- a unit's serial otherwise opens its open ticket, or starts an intake;
- any other code starts an intake for a device we do not know.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db.uow import Store
from app.errors import NotFound
from app.scan import (
    ItemScan,
    SaleScan,
    SerialChoice,
    TicketScan,
    UnitScan,
    UnknownScan,
    resolve_scan,
)
from app.stock.models import UnitStatus
from app.tickets import parts, queries
from app.tickets.common import TICKET_NUMBER
from app.tickets.records import TicketRecord
from app.users.roles import Actor


@dataclass(frozen=True)
class OpenTicket:
    ticket: TicketRecord


@dataclass(frozen=True)
class PartAdded:
    ticket: TicketRecord
    code: str


@dataclass(frozen=True)
class StartIntake:
    serial: str


@dataclass(frozen=True)
class NotForTickets:
    message: str


TicketScanStep = OpenTicket | PartAdded | StartIntake | NotForTickets


def ticket_scan(
    store: Store, actor: Actor, code: str, *, location: str, open_number: str | None
) -> TicketScanStep:
    """Acts on a scanned code for the Tickets view; `open_number` is the open ticket on
    screen (a part scanned goes on it, through the service, in this call)."""
    raw = code.strip()
    found = resolve_scan(store, actor, raw, location=location)

    def add_part() -> PartAdded:
        assert open_number is not None
        return PartAdded(parts.add_part(store, actor, open_number, raw, location=location), raw)

    match found:
        case TicketScan(number, _status):
            return OpenTicket(queries.ticket_detail(store, actor, number))
        case UnitScan(unit):
            if open_number is not None and unit.status == UnitStatus.IN_STOCK:
                return add_part()
            held = queries.open_ticket_of(store, actor, unit.unit_id)
            if held is not None:
                return OpenTicket(queries.ticket_detail(store, actor, held))
            return StartIntake(unit.serial)
        case SerialChoice(_units):
            return StartIntake(raw)  # the intake asks which item
        case ItemScan(item):
            if open_number is not None:
                return add_part()
            return NotForTickets(f"{item.sku} is an item: open a ticket, then scan its parts")
        case SaleScan(number):
            return NotForTickets(f"{number} is a receipt: scan the device or the ticket")
        case UnknownScan(_c, message):
            if TICKET_NUMBER.match(raw):
                raise NotFound(f"no ticket {raw.upper()}")
            # Serials have no spaces: a sentence arriving as a "scan" is typing the
            # keyboard filter took for a scanner (a busy till), not a device to take in.
            if raw and len(raw) <= 64 and raw.isprintable() and " " not in raw:
                return StartIntake(raw)
            return NotForTickets(message)
    raise AssertionError(f"unhandled scan {found!r}")  # pragma: no cover
