"""Parking a cart aside and resuming it; parked units are not reserved."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.uow import Store
from app.errors import InvalidInput, NotFound
from app.pos.cart import CartLine, line_from_dict
from app.pos.checkout import Till
from app.pos.models import ParkedSale
from app.pos.sales import user_name
from app.text import clean_text
from app.users.roles import Actor, Permission, require


def park_sale(
    store: Store,
    actor: Actor,
    till: Till,
    lines: Sequence[CartLine],
    *,
    label: str,
    customer_id: int | None = None,
    sale_discount_bp: int = 0,
    ticket_number: str | None = None,
) -> int:
    """Puts a cart aside (units are not reserved: they are checked again at checkout), with
    the repair ticket it collects: its lines come back with it, and paying collects it."""
    require(actor, Permission.SELL)
    if not lines:
        raise InvalidInput("the cart is empty: nothing to park")
    if ticket_number is None and any(ln.ticket_line_id is not None for ln in lines):
        raise InvalidInput("the cart holds ticket lines but no ticket")
    label = clean_text(label, field="label", max_length=120, required=False) or "parked sale"
    payload = {
        "lines": [asdict(ln) for ln in lines],
        "customer_id": customer_id,
        "sale_discount_bp": sale_discount_bp,
        "ticket_number": ticket_number,
    }
    with store.write() as session:
        parked = ParkedSale(till=till.name, user_id=actor.id, label=label, cart=json.dumps(payload))
        session.add(parked)
        session.flush()
        return parked.id


@dataclass(frozen=True)
class ParkedCart:
    id: int
    label: str
    at: datetime
    cashier: str
    lines: tuple[CartLine, ...]
    customer_id: int | None
    sale_discount_bp: int
    ticket_number: str | None = None  # the repair ticket the sale collects


def list_parked(store: Store, actor: Actor, till: Till) -> list[ParkedCart]:
    require(actor, Permission.SELL)
    with store.read() as session:
        rows = session.scalars(
            select(ParkedSale).where(ParkedSale.till == till.name).order_by(ParkedSale.id)
        )
        return [_parked(session, p) for p in rows]


def _parked(session: Session, parked: ParkedSale) -> ParkedCart:
    payload = json.loads(parked.cart)
    return ParkedCart(
        id=parked.id,
        label=parked.label,
        at=parked.at,
        cashier=user_name(session, parked.user_id),
        lines=tuple(line_from_dict(ln) for ln in payload["lines"]),
        customer_id=payload["customer_id"],
        sale_discount_bp=payload["sale_discount_bp"],
        ticket_number=payload.get("ticket_number"),  # none in a cart parked before tickets
    )


def resume_sale(store: Store, actor: Actor, parked_id: int) -> ParkedCart:
    """Takes a parked cart back (and off the parked list) in one step."""
    require(actor, Permission.SELL)
    with store.write() as session:
        parked = session.get(ParkedSale, parked_id)
        if parked is None:
            raise NotFound("that parked sale was already resumed")
        cart = _parked(session, parked)
        session.delete(parked)
        return cart
