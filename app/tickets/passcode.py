"""The device passcode / unlock pattern: sealed at rest, shown only to service staff and
managers (audited), never in a record, wiped when the ticket closes."""

from __future__ import annotations

from app import vault
from app.db.uow import Store
from app.errors import NotFound, PermissionDenied
from app.tickets.common import get_ticket
from app.tickets.models import Ticket
from app.users import audit
from app.users.roles import Actor, Role

READERS = frozenset({Role.SERVICE, Role.MANAGER})


def seal_passcode(plain: str) -> str:
    """Fernet token for the store; the key lives outside it (app.vault)."""
    return vault.seal(plain)


def wipe_passcode(ticket: Ticket) -> None:
    """Called in the transaction that collects or cancels the ticket: nothing is kept."""
    ticket.passcode = None


def reveal_passcode(store: Store, actor: Actor, number: str) -> str:
    """The device's passcode for the technician (service and manager roles only); every
    look is written to the audit log."""
    if actor.role not in READERS:
        raise PermissionDenied(f"{actor.name} may not see device passcodes")
    with store.write() as session:
        ticket = get_ticket(session, number)
        if ticket.passcode is None:
            raise NotFound(f"{ticket.number} has no passcode (none given, or it was wiped)")
        plain = vault.unseal(ticket.passcode)
        audit.record(session, actor, "ticket.passcode", ticket.number, "passcode shown")
        return plain
