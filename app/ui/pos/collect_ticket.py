"""Collecting a repair ticket at the till: a scanned ticket number puts its charges in
the cart as ticket lines (and its customer on the sale); paying collects it in the sale's
own transaction. A ticket that comes to nothing is collected without a sale."""

from __future__ import annotations

from dataclasses import replace

from app.errors import UserError
from app.events import Change
from app.pos.ticket_sale import TicketCart, ticket_cart
from app.tickets.collection import collect_without_charge
from app.tickets.records import TicketRecord
from app.ui.pos.pos_parts import PosParts

COLLECT_CHANGES = frozenset({Change.TICKETS, Change.SALES, Change.UNITS})


class CollectsTickets(PosParts):
    """Mixed into PosView (before QWidget)."""

    def collect_ticket(self, number: str) -> None:
        """A scanned ready ticket: its charges go in the cart (read on a worker)."""
        actor, store = self.actor, self._store
        if actor is None:
            return
        cart = self.cart_model.cart
        if cart.ticket_number is not None and not cart.lines:
            cart.ticket_number = None  # a ticket with nothing on it, not handed back: replaced
        if cart.ticket_number is not None:
            held = cart.ticket_number
            self.message.show_problem(f"this sale collects {held} already: one ticket a sale")
            return
        self.ops.run(
            lambda: ticket_cart(store, actor, number), success=self._ticket_loaded, name="ticket"
        )

    def _ticket_loaded(self, found: TicketCart) -> None:
        cart = self.cart_model.cart
        number = found.charges.number
        if self.actor is None or cart.ticket_number is not None:
            return
        if not found.lines and cart.lines:
            self.message.show_problem(f"{number} comes to nothing: hand it back on its own (F12)")
            return
        try:
            for line in found.lines:
                # The part's serial in the serial column: the line's text stays short.
                name, _, serial = line.name.partition(" S/N ")
                shown = replace(line, name=f"{number} · {name}", serial=serial or None)
                self.cart_model.add(shown)
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        cart.ticket_number = number
        self._save_open_cart()  # the lines were saved before the cart had its ticket
        if cart.customer_id is None:
            self.cart_model.set_customer(found.charges.customer_id, found.charges.customer)
        total = self._fmt.money(found.charges.total)
        how = "F12 collects it, no charge" if not found.charges.total else "F12 to pay"
        self.message.show_info(f"{number} for {found.charges.customer}: {total} — {how}")

    def collects_free(self) -> bool:
        """F12 on a cart that is only a ticket coming to nothing: collected without a sale
        (True: handled here)."""
        cart = self.cart_model.cart
        number = cart.ticket_number
        if number is None or self.actor is None:
            return False
        if any(ln.ticket_line_id is None for ln in cart.lines) or self.cart_model.totals().total:
            return False
        actor, store = self.actor, self._store

        def collected(ticket: TicketRecord) -> None:
            self.cart_model.clear()
            self.customer_box.reset()
            self.message.show_done(f"{ticket.number} collected by {ticket.customer} — no charge")
            self.notice.emit(f"{ticket.number} collected")

        self.ops.run(
            lambda: collect_without_charge(store, actor, number),
            success=collected,
            changes=COLLECT_CHANGES,
            name="collect ticket",
        )
        return True
