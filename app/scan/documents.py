"""Scans that name a document: a repair ticket (T-...), a receipt (R-...) or a refund
slip (RF-...)."""

from __future__ import annotations

import re

from sqlalchemy import bindparam, select

from app.db.prepared import Prepared, QuickReader
from app.pos.models import Refund, Sale
from app.scan.results import SaleScan, ScanResult, TicketScan, UnknownScan
from app.tickets.models import Ticket

_DOCUMENT = re.compile(r"^(R|RF|T)-\d{6,}$", re.IGNORECASE)

_TICKET_STATUS = Prepared(select(Ticket.status).where(Ticket.number == bindparam("number")))
_SALE_ID = Prepared(select(Sale.id).where(Sale.number == bindparam("number")))
_REFUNDED_SALE = Prepared(
    select(Sale.number)
    .join(Refund, Refund.sale_id == Sale.id)
    .where(Refund.number == bindparam("number"))
)


def looks_like_document(raw: str) -> bool:
    return _DOCUMENT.match(raw) is not None


def document(db: QuickReader, raw: str) -> ScanResult | None:
    """The ticket or sale with this number; a refund slip names its sale; None: no such
    document."""
    number = raw.upper()
    status = db.scalar(_TICKET_STATUS, number=number)
    if status is not None:
        return TicketScan(number, status)
    if db.scalar(_SALE_ID, number=number):
        return SaleScan(number)
    refunded = db.scalar(_REFUNDED_SALE, number=number)
    if refunded:
        return UnknownScan(raw, f"{number} is a refund slip; its sale is {refunded}")
    return None
