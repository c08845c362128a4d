"""The warranty panel: what the desk must see at once about a device (intake and detail)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.tickets.records import DeviceLookup, TicketRecord, TicketSummary
from app.tickets.statuses import TicketStatus
from app.tickets.warranty import WarrantyStatus
from app.ui.formatting import ShopFormat

GOOD, OVER, NONE = "#1e7d3a", "#b3261e", "#6b7280"


def _warranty(fmt: ShopFormat, status: WarrantyStatus) -> str:
    if status.end is None:
        return f"<span style='color:{NONE}'>none</span>"
    if not status.active:
        return f"<span style='color:{OVER}'>expired {escape(fmt.day(status.end))}</span>"
    days = "1 day" if status.days_left == 1 else f"{status.days_left} days"
    return f"<b style='color:{GOOD}'>{days} left</b> (until {escape(fmt.day(status.end))})"


def earlier_html(tickets: tuple[TicketSummary, ...], fmt: ShopFormat) -> str:
    if not tickets:
        return "no earlier tickets"
    shown = [
        f"{escape(t.number)} {escape(fmt.local_day(t.opened_at))} ({TicketStatus(t.status).label})"
        for t in tickets[:4]
    ]
    more = f", and {len(tickets) - 4} more" if len(tickets) > 4 else ""
    return ", ".join(shown) + more


def lookup_html(fmt: ShopFormat, found: DeviceLookup) -> str:
    """A scanned device: our unit (sale, buyer, both warranties, earlier tickets) or not."""
    rows: list[tuple[str, str]] = []
    if found.unit_id is None:
        known = f" — a {escape(found.item_name)}" if found.item_name else ""
        rows.append(("Device", f"<b>not sold by us</b>{known}: give the make and model"))
    else:
        item = f"<b>{escape(found.item_name or '')}</b> ({escape(found.sku or '')})"
        rows.append(("Item", item))
        if found.sold_on is not None:
            sold = f"{escape(fmt.day(found.sold_on))} on {escape(found.receipt or '')}"
        else:
            sold = f"not sold — {escape((found.unit_status or '').replace('_', ' '))}"
        rows.append(("Sold", sold))
        rows.append(("Customer", escape(found.customer or "—")))
    rows.append(("Customer warranty", _warranty(fmt, found.customer_warranty)))
    if found.unit_id is not None:
        rows.append(("Supplier warranty", _warranty(fmt, found.supplier_warranty)))
    rows.append(("Earlier tickets", earlier_html(found.earlier_tickets, fmt)))
    return _table(rows)


def ticket_warranty_html(fmt: ShopFormat, ticket: TicketRecord) -> str:
    if ticket.under_warranty:
        end = fmt.day(ticket.warranty_end) if ticket.warranty_end else ""
        text = (
            f"<b style='color:{GOOD}'>under warranty</b> on intake (until {escape(end)}):"
            " parts and labour free"
        )
    elif ticket.warranty_end is not None:
        ended = escape(fmt.day(ticket.warranty_end))
        text = f"<span style='color:{OVER}'>warranty expired {ended}</span>"
    else:
        text = f"<span style='color:{NONE}'>no warranty</span>"
    return text


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f"<tr><td style='color:#52606d; padding-right:10px'>{escape(k)}</td><td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"


class WarrantyPanel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("WarrantyPanel")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
