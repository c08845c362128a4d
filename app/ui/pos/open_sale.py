"""The sale open on the POS screen, kept: every change is saved in the store under its
cashier's name (a crash or a power cut loses nothing), a lock puts it away, and that
cashier's next log-in on this till brings it back. Locking never hands a sale on."""

from __future__ import annotations

import time
from collections.abc import Sequence

from app.customers.services import get_customer
from app.pos.cart import CartLine
from app.pos.open_cart import SavedCart, open_cart_of, save_open_cart
from app.ui.pos.pos_parts import PosParts
from app.users.roles import Actor


class KeepsOpenSale(PosParts):
    """Mixed into PosView; set `_cart_owner = None`, `_left = {}`, `_version = 0` first."""

    _cart_owner: Actor | None  # whose sale is on screen: saved in the store under their name
    _left: dict[int, SavedCart]  # carts left at a lock, by user id
    _version: int

    def has_open_sale(self) -> bool:
        return self._cart_owner is not None and not self.cart_model.is_empty()

    def _put_away(self) -> None:
        """The cashier leaves (lock): their sale is theirs, kept for their next log-in."""
        owner = self._cart_owner
        if owner is None:
            return
        cart = self.cart_model.cart
        self._left[owner.id] = SavedCart(
            self.cart_model.lines(), cart.customer_id, cart.sale_discount_bp, cart.ticket_number
        )
        self._cart_owner = None  # nothing below is saved under anyone's name
        self._new_sale()

    def _bring_back(self, actor: Actor) -> None:
        """This user's own open sale: the one left at the last lock, else the one kept in
        the store (the app quit or the till lost power)."""
        self._cart_owner = actor
        left = self._left.pop(actor.id, None)
        if left is not None:
            self._restore(left, said=False)
            return
        store, till = self._store, self.till

        def found(saved: SavedCart | None) -> None:
            if saved is not None and self._cart_owner is actor and self.cart_model.is_empty():
                self._restore(saved, said=True)

        self.ops.run(lambda: open_cart_of(store, actor, till), success=found, name="open cart")

    def _restore(self, saved: SavedCart, *, said: bool) -> None:
        if not saved.lines:
            return
        customer = saved.customer_id
        store = self._store

        def label() -> str:
            return get_customer(store, customer).label if customer is not None else ""

        def show(customer_label: str) -> None:
            self._load_cart(
                saved.lines,
                sale_discount_bp=saved.sale_discount_bp,
                customer_id=customer,
                customer_label=customer_label,
                ticket_number=saved.ticket_number,
            )
            if said:
                items = sum(line.qty for line in saved.lines)
                self.message.show_info(f"Your open sale is back: {items} item(s)")

        if customer is None:
            show("")
        else:
            self.ops.run(label, success=show, name="open cart customer")

    def _load_cart(
        self,
        lines: Sequence[CartLine],
        *,
        sale_discount_bp: int,
        customer_id: int | None,
        customer_label: str,
        ticket_number: str | None,
    ) -> None:
        """A kept or parked sale back on screen, with the repair ticket it collects."""
        self.cart_model.load(
            lines,
            sale_discount_bp=sale_discount_bp,
            customer_id=customer_id,
            customer_label=customer_label,
        )
        if ticket_number is not None:
            self.cart_model.cart.ticket_number = ticket_number
            self._save_open_cart()  # the load saved the cart before it had its ticket
        self._select_row(self.cart_model.rowCount() - 1)

    def _save_open_cart(self) -> None:
        actor = self._cart_owner
        if actor is None or actor is not self.actor:
            return
        self._version = max(self._version + 1, time.time_ns())
        store, till, version = self._store, self.till, self._version
        cart = self.cart_model.cart
        lines, customer, discount = self.cart_model.lines(), cart.customer_id, cart.sale_discount_bp
        ticket = cart.ticket_number
        # The write starts once the change is painted: on the worker it holds Python's
        # lock for milliseconds, and the till's paint of the scanned line used to wait.
        self.ops.latest(
            lambda: save_open_cart(
                store, actor, till, lines, version=version, customer_id=customer,
                sale_discount_bp=discount, ticket_number=ticket,
            ),
            success=lambda _none: None,
            name="save open cart",
            after_paint=True,
        )  # fmt: skip
