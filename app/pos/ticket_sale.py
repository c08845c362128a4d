"""Collecting a repair ticket at the till: its charges as cart lines, paid in one sale.

The till scans T-000012, `ticket_cart` turns the ready ticket's charges into cart lines
(no unit to claim: the parts are already `used`), and `complete_sale` prices those lines
from the ticket as it is now and calls `collect` in the sale's own transaction, which
closes the ticket as collected. The POS imports tickets, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.db.uow import Store
from app.errors import Conflict, InvalidInput
from app.ids import ItemId
from app.pos.cart import Cart, CartLine, LineInput, LineTotals
from app.pos.sale_rows import SaleLineRow, SaleRow
from app.tickets import collection
from app.tickets.records import ChargeLine, TicketCharges
from app.users.roles import Actor

if TYPE_CHECKING:  # services imports this module; the type only, no cycle at run time
    from app.pos.checkout import Checkout

# ticket line id -> its charge as the ticket has it inside the sale's transaction
Charges = dict[int, ChargeLine]


@dataclass(frozen=True)
class TicketCart:
    """A ready ticket for the till: its customer and its charges as cart lines."""

    charges: TicketCharges
    lines: tuple[CartLine, ...]


def cart_line(number: str, charge: ChargeLine) -> CartLine:
    return CartLine(
        item_id=ItemId(0),
        sku=number,
        name=charge.description,
        unit_price=charge.unit_price,
        tax_rate_bp=charge.tax_rate_bp,
        qty=charge.qty,
        ticket_line_id=charge.ticket_line_id,
    )


def ticket_cart(store: Store, actor: Actor, number: str) -> TicketCart:
    """A scanned ticket number -> its charges as cart lines (the sale's customer: theirs).
    Refused unless the ticket is ready."""
    charges = collection.ticket_charges(store, actor, number)
    return TicketCart(charges, tuple(cart_line(charges.number, c) for c in charges.lines))


def add_to_cart(store: Store, actor: Actor, cart: Cart, number: str) -> TicketCart:
    """A scanned ticket number at the till: its charges go in the cart, its customer
    becomes the sale's; one ticket per sale."""
    found = ticket_cart(store, actor, number)
    if cart.ticket_number is not None:
        raise InvalidInput(f"this sale collects {cart.ticket_number} already: one ticket a sale")
    for line in found.lines:
        cart.add(line)
    cart.ticket_number = found.charges.number
    if cart.customer_id is None:
        cart.customer_id, cart.customer_label = found.charges.customer_id, found.charges.customer
    return found


def charges(session: Session, checkout: Checkout) -> Charges:
    """The checkout's ticket's charges now; the cart's ticket lines must be exactly them."""
    number = checkout.ticket_number
    in_cart = [ln.ticket_line_id for ln in checkout.lines if ln.ticket_line_id is not None]
    if number is None:
        if in_cart:
            raise InvalidInput("the cart holds ticket lines but no ticket")
        return {}
    current = collection.charges_of(session, number)
    if sorted(in_cart) != sorted(c.ticket_line_id for c in current.lines):
        raise Conflict(f"{current.number} changed since it was scanned: scan it again")
    return {c.ticket_line_id: c for c in current.lines}


def priced(line: CartLine, charges: Charges) -> LineInput:
    assert line.ticket_line_id is not None
    charge = charges[line.ticket_line_id]
    return LineInput(charge.unit_price, charge.qty, charge.tax_rate_bp, line.discount_bp)


def sale_line(
    sale: SaleRow, line_no: int, line: CartLine, charges: Charges, totals: LineTotals
) -> SaleLineRow:
    """The receipt line of a ticket charge: no item, no unit (the part was used)."""
    assert line.ticket_line_id is not None
    charge = charges[line.ticket_line_id]
    return SaleLineRow(
        sale_id=sale.id,
        line_no=line_no,
        item_id=None,
        unit_id=None,
        sku=line.sku,
        description=charge.description,
        serial=None,
        qty=charge.qty,
        unit_price=charge.unit_price,
        tax_rate_bp=charge.tax_rate_bp,
        line_discount_bp=line.discount_bp,
        discount=totals.discount,
        tax=totals.tax,
        total=totals.total,
        warranty_end=None,
    )


def collect(
    session: Session, actor: Actor, checkout: Checkout, sale_number: str, charges: Charges
) -> None:
    """Closes the checkout's ticket as collected by this sale, in its transaction."""
    number = checkout.ticket_number
    if number is None:
        return
    ordered = sorted(charges.values(), key=lambda c: c.ticket_line_id)
    collection.collect_in_sale(session, actor, number, sale_number, ordered)
