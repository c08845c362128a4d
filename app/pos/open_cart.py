"""The sale open on a till's screen, kept in the store as parked sales are: saved on every
change, it survives a quit, a crash and a power cut, and comes back at the next log-in of
the same user on the same till. Each user has their own: locking never hands a sale on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import select

from app.db.uow import Store
from app.pos.cart import CartLine, line_from_dict
from app.pos.checkout import Till
from app.pos.models import OpenCart
from app.users.roles import Actor, Permission, require


@dataclass(frozen=True)
class SavedCart:
    lines: tuple[CartLine, ...]
    customer_id: int | None
    sale_discount_bp: int
    ticket_number: str | None = None  # the repair ticket the sale collects


def save_open_cart(
    store: Store,
    actor: Actor,
    till: Till,
    lines: Sequence[CartLine],
    *,
    version: int,
    customer_id: int | None = None,
    sale_discount_bp: int = 0,
    ticket_number: str | None = None,
) -> None:
    """Keeps this user's open cart on this till (an empty cart removes it). `version`
    increases with every change on screen: a save arriving after a newer one is dropped."""
    require(actor, Permission.SELL)
    payload = json.dumps(
        {
            "lines": [asdict(line) for line in lines],
            "customer_id": customer_id,
            "sale_discount_bp": sale_discount_bp,
            "ticket_number": ticket_number,
        }
    )
    with store.write() as session:
        row = session.scalar(
            select(OpenCart).where(OpenCart.till == till.name, OpenCart.user_id == actor.id)
        )
        if row is not None and row.version >= version:
            return  # a newer state of the cart is saved already
        if row is None:
            session.add(OpenCart(till=till.name, user_id=actor.id, version=version, cart=payload))
        else:
            # An emptied cart stays as an empty row: its version still stops older saves.
            row.version, row.cart = version, payload


def open_cart_of(store: Store, actor: Actor, till: Till) -> SavedCart | None:
    """This user's open cart on this till, if they left one with something in it."""
    require(actor, Permission.SELL)
    with store.read() as session:
        row = session.scalar(
            select(OpenCart).where(OpenCart.till == till.name, OpenCart.user_id == actor.id)
        )
        if row is None:
            return None
        payload = json.loads(row.cart)
        lines = tuple(line_from_dict(line) for line in payload["lines"])  # a kit's parts too
        if not lines:
            return None
        return SavedCart(
            lines,
            payload["customer_id"],
            payload["sale_discount_bp"],
            payload.get("ticket_number"),  # none in a cart kept before tickets
        )
