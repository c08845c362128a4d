"""A ticket's paperwork: the intake tag fixed to the device, the customer's claim slip,
and the notification e-mail's text. Records in, documents out; NEVER the passcode (the
records do not even carry it).

Here at the top of app/ for now, beside receipts and labels, until app/paperwork/ exists.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.config import MailSettings, ShopSettings
from app.money import format_money
from app.printing.documents import (
    BarcodeRow,
    FeedRow,
    Row,
    Tag,
    TextRow,
    two_columns,
    wrap,
)
from app.tickets.records import TicketRecord
from app.tickets.statuses import TicketStatus


def _local(at: datetime) -> str:
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _device(ticket: TicketRecord) -> str:
    return ticket.device or ticket.sku or "device"


def intake_tag(ticket: TicketRecord) -> Tag:
    """The tag on the device: ticket barcode, customer, device, serial, date, problem."""
    return Tag(
        ticket_number=ticket.number,
        customer=ticket.customer,
        device=_device(ticket),
        serial=ticket.serial,
        problem=ticket.problem,
        date=_local(ticket.opened_at),
        accessories=ticket.accessories or None,
    )


def claim_slip_rows(shop: ShopSettings, ticket: TicketRecord, columns: int) -> tuple[Row, ...]:
    """The customer's slip: the shop, the ticket as a barcode, device, estimate, promised
    date and the shop's terms."""

    def plain(text: str, *, bold: bool = False) -> list[Row]:
        return [TextRow(line, bold=bold) for line in wrap(text, columns)]

    rows: list[Row] = [TextRow(shop.name, bold=True, align="center")]
    rows += [TextRow(line, align="center") for line in shop.address_lines]
    rows += [FeedRow(), TextRow("REPAIR CLAIM SLIP", bold=True, align="center")]
    rows += [TextRow(ticket.number, bold=True, align="center", tall=True, wide=True)]
    rows += [FeedRow(), BarcodeRow(ticket.number), TextRow("-" * columns)]
    rows += plain(f"Taken in: {_local(ticket.opened_at)}")
    rows += plain(f"Customer: {ticket.customer}", bold=True)
    rows += plain(f"Device: {_device(ticket)}")
    rows += plain(f"S/N: {ticket.serial}")
    rows += plain(f"Problem: {ticket.problem}")
    if ticket.accessories:
        rows += plain(f"Accessories: {ticket.accessories}")
    if ticket.under_warranty and ticket.warranty_end:
        rows += plain(f"Under warranty until {ticket.warranty_end.isoformat()}")
    if ticket.estimate is not None:
        money = format_money(ticket.estimate, currency=shop.currency, locale=shop.locale)
        rows += [TextRow(line) for line in two_columns("Estimate", money, columns)]
    if ticket.promised is not None:
        rows += plain(f"Promised for: {ticket.promised.isoformat()}")
    if shop.ticket_terms:
        rows.append(TextRow("-" * columns))
        for term in shop.ticket_terms:
            rows += plain(term)
    return tuple(rows)


class _Placeholders(dict[str, str]):
    def __missing__(self, key: str) -> str:  # an unknown {placeholder} stays as typed
        return "{" + key + "}"


def notification(
    shop: ShopSettings, mail: MailSettings, ticket: TicketRecord, status: str
) -> tuple[str, str]:
    """(subject, body) of the customer's e-mail from the shop's template."""
    try:
        words = TicketStatus(status).label
    except ValueError:
        words = status
    values = _Placeholders(
        ticket=ticket.number,
        customer=ticket.customer,
        device=_device(ticket),
        status=words,
        shop=shop.name,
    )
    subject = " ".join(mail.subject.format_map(values).split())  # one header line
    return subject, mail.body.format_map(values)
