"""The tables of a ticket's detail: parts and labour, notes, status steps."""

from __future__ import annotations

from app.tickets.records import NoteRecord, StatusChangeRecord, TicketLineRecord
from app.tickets.statuses import TicketStatus
from app.ui.formatting import ShopFormat
from app.ui.models.columns import RIGHT, Column

KINDS = {"part": "Part", "bulk": "Part", "labour": "Labour"}


def _status(value: str | None) -> str:
    return TicketStatus(value).label if value else ""


def line_columns(fmt: ShopFormat) -> list[Column[TicketLineRecord]]:
    return [
        Column("kind", "Kind", lambda ln: KINDS.get(ln.kind, ln.kind), width=60),
        Column(
            "description",
            "Description",
            lambda ln: ln.description + (f"  S/N {ln.serial}" if ln.serial else ""),
            stretch=True,
            width=260,
        ),
        Column("qty", "Qty", lambda ln: str(ln.qty), align=RIGHT, width=44),
        Column("list", "List price", lambda ln: fmt.money(ln.list_price), align=RIGHT, width=90),
        Column(
            "price",
            "Charged",
            lambda ln: fmt.money(ln.unit_price),
            align=RIGHT,
            width=90,
            tooltip=lambda ln: f"approved by {ln.approved_by}" if ln.approved_by else "",
        ),
        Column("total", "Total", lambda ln: fmt.money(ln.total), align=RIGHT, width=90),
        Column("by", "By", lambda ln: ln.user, width=80),
    ]


def note_columns(fmt: ShopFormat) -> list[Column[NoteRecord]]:
    return [
        Column("at", "When", lambda n: fmt.moment(n.at), width=150),
        Column("by", "By", lambda n: n.user, width=80),
        Column("for", "For", lambda n: "customer" if n.for_customer else "internal", width=75),
        Column("text", "Note", lambda n: n.text, stretch=True, width=300, tooltip=lambda n: n.text),
    ]


def step_columns(fmt: ShopFormat) -> list[Column[StatusChangeRecord]]:
    return [
        Column("at", "When", lambda c: fmt.moment(c.at), width=150),
        Column("by", "By", lambda c: c.user, width=80),
        Column("from", "From", lambda c: _status(c.from_status), width=170),
        Column("to", "To", lambda c: _status(c.to_status), width=170),
        Column("note", "Note", lambda c: c.note, stretch=True, width=200),
    ]
