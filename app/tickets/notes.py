"""Notes on a ticket: internal, or for the customer; each timed and signed."""

from __future__ import annotations

from app.db import uow
from app.db.uow import Store
from app.text import clean_text
from app.tickets.common import get_ticket, ticket_record, touch
from app.tickets.events import TicketChanged
from app.tickets.models import TicketNote
from app.tickets.records import TicketRecord
from app.users.roles import Actor, Permission, require


def add_note(
    store: Store, actor: Actor, number: str, text: str, *, for_customer: bool = False
) -> TicketRecord:
    """Adds a signed, timed note (internal unless `for_customer`)."""
    require(actor, Permission.TICKETS)
    text = clean_text(text, field="note", max_length=4000)
    with store.write() as session:
        ticket = get_ticket(session, number)
        session.add(
            TicketNote(ticket_id=ticket.id, user_id=actor.id, text=text, for_customer=for_customer)
        )
        touch(ticket)
        record = ticket_record(session, ticket)
        uow.record(session, TicketChanged(record))
        return record
