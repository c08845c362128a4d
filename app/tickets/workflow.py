"""The ticket workflow: status moves (statuses.NEXT), each timed, signed and noted."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import uow
from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict
from app.stock.ledger import note_unit
from app.stock.lifecycle import Move
from app.text import clean_text
from app.tickets.common import claim_status, get_ticket, ticket_record, unit_state
from app.tickets.events import TicketStatusChanged
from app.tickets.models import Ticket, TicketLine, TicketStatusChange
from app.tickets.passcode import wipe_passcode
from app.tickets.records import TicketRecord
from app.tickets.statuses import CLOSED, TicketStatus, check_move, parse_status
from app.users.roles import Actor, Permission, require


def step(
    session: Session, actor: Actor, ticket: Ticket, new: TicketStatus, note: str = ""
) -> TicketRecord:
    """Moves the ticket (claiming its current status) and writes the step; a closing step
    also wipes the passcode and notes the unit's way out in its history."""
    old = ticket.status
    claim_status(session, ticket, new.value)
    session.add(
        TicketStatusChange(
            ticket_id=ticket.id, user_id=actor.id, from_status=old, to_status=new, note=note
        )
    )
    if new in CLOSED:
        wipe_passcode(ticket)
        ticket.closed_at = utcnow()
        if ticket.unit_id is not None:
            # The device's own history names what was fitted to it on this ticket.
            fitted = _fitted(session, ticket)
            note_unit(session, actor, unit_state(session, ticket.unit_id), Move.TICKET_OUT,
                      ticket.number, f"parts: {fitted}"[:200] if fitted else None)  # fmt: skip
    record = ticket_record(session, ticket)
    uow.record(session, TicketStatusChanged(record, old, new.value))
    return record


def _fitted(session: Session, ticket: Ticket) -> str:
    lines = session.scalars(
        select(TicketLine)
        .where(TicketLine.ticket_id == ticket.id, TicketLine.removed_at.is_(None))
        .where(TicketLine.kind != "labour")
        .order_by(TicketLine.id)
    )
    return ", ".join(
        f"{ln.description} S/N {ln.serial}" if ln.serial else f"{ln.description} x{ln.qty}"
        for ln in lines
    )


def _parts_left(session: Session, ticket: Ticket) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(TicketLine)
            .where(
                TicketLine.ticket_id == ticket.id,
                TicketLine.removed_at.is_(None),
                TicketLine.kind != "labour",
            )
        )
        or 0
    )


def change_status(
    store: Store, actor: Actor, number: str, status: TicketStatus | str, *, note: str = ""
) -> TicketRecord:
    """Moves a ticket along the workflow (or back a step); a refused move names the
    ticket's current status and changes nothing. Cancelling wipes the passcode."""
    require(actor, Permission.TICKETS)
    wanted = status if isinstance(status, TicketStatus) else parse_status(status)
    note = clean_text(note, field="note", max_length=2000, required=False)
    with store.write() as session:
        ticket = get_ticket(session, number)
        check_move(ticket.number, ticket.status, wanted)
        if wanted is TicketStatus.CANCELLED and _parts_left(session, ticket):
            raise Conflict(
                f"{ticket.number} still has parts on it: remove them first (they go back to stock)"
            )
        return step(session, actor, ticket, wanted, note)
