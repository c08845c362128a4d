"""What a scan means in the Tickets view (worked out on a worker, no Qt here):

- a ticket number opens that ticket;
- with a ticket open, an in-stock unit's serial or an item's code is a part for it;
- a unit's serial otherwise opens its open ticket, or starts an intake;
- a bundle's code is not a part: its parts are scanned one by one;
- any other code starts an intake for a device we do not know.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.db.uow import Store
from app.errors import NotFound
from app.scan import (
    BundleScan,
    ItemScan,
    ScanCases,
    ScannedUnit,
    TicketScan,
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
    return _TicketCases(store, actor, raw, location, open_number).answer(found)


class _TicketCases(ScanCases[TicketScanStep]):
    def __init__(
        self, store: Store, actor: Actor, raw: str, location: str, open_number: str | None
    ) -> None:
        self._store, self._actor, self._raw = store, actor, raw
        self._location, self._open_number = location, open_number

    def _add_part(self) -> PartAdded:
        assert self._open_number is not None
        store, actor, raw = self._store, self._actor, self._raw
        ticket = parts.add_part(store, actor, self._open_number, raw, location=self._location)
        return PartAdded(ticket, raw)

    def _opened(self, number: str) -> OpenTicket:
        return OpenTicket(queries.ticket_detail(self._store, self._actor, number))

    def ticket(self, found: TicketScan) -> TicketScanStep:
        return self._opened(found.number)

    def unit(self, unit: ScannedUnit) -> TicketScanStep:
        if self._open_number is not None and unit.status == UnitStatus.IN_STOCK:
            return self._add_part()
        held = queries.open_ticket_of(self._store, self._actor, unit.unit_id)
        if held is not None:
            return self._opened(held)
        return StartIntake(unit.serial)

    def serial_choice(self, units: tuple[ScannedUnit, ...]) -> TicketScanStep:
        return StartIntake(self._raw)  # the intake asks which item

    def item(self, found: ItemScan) -> TicketScanStep:
        if self._open_number is not None:
            return self._add_part()
        return NotForTickets(f"{found.item.sku} is an item: open a ticket, then scan its parts")

    def bundle(self, found: BundleScan) -> TicketScanStep:
        # A bundle is sold whole at the till; a repair uses its parts one by one.
        return NotForTickets(f"{found.item.sku} is a bundle: scan each of its parts instead")

    def receipt(self, number: str) -> TicketScanStep:
        return NotForTickets(f"{number} is a receipt: scan the device or the ticket")

    def unknown(self, found: UnknownScan) -> TicketScanStep:
        raw = self._raw
        if TICKET_NUMBER.match(raw):
            raise NotFound(f"no ticket {raw.upper()}")
        # Serials have no spaces: a sentence arriving as a "scan" is typing the
        # keyboard filter took for a scanner (a busy till), not a device to take in.
        if raw and len(raw) <= 64 and raw.isprintable() and " " not in raw:
            return StartIntake(raw)
        return NotForTickets(found.message)
