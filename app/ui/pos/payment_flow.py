"""Paying at the POS: F12 asks a manager first when the sale needs one, then the payment
dialog; its last step is `complete_sale` (one transaction, on a worker), and the till
shows the change and the receipt until the next scan."""

from __future__ import annotations

from app.errors import UserError
from app.events import Change
from app.paperwork.receipts import sale_receipt
from app.pos.cart import TenderInput
from app.pos.checkout import Checkout, UnitUnavailable, complete_sale
from app.pos.records import SaleRecord
from app.ui.pos.payment_dialog import Answer, PaymentDialog, Refusal
from app.ui.pos.pos_parts import PosParts
from app.users.roles import Actor

# A sale changes units and sales whether or not the services name it in their events yet.
SALE_CHANGES = frozenset({Change.SALES, Change.UNITS})


class TakesPayment(PosParts):
    """Mixed into PosView."""

    def pay(self) -> None:
        """F12: the payment dialog; a big discount gets its manager's approval first."""
        if self.actor is None or self.collects_free():
            return
        if self.cart_model.is_empty():
            self.message.show_problem("the cart is empty: scan something first")
            return
        if self.approver is None and self._needs_manager():

            def approved(approver: Actor | None) -> None:
                if approver is None:
                    self.message.show_problem("a manager must approve first")
                    return
                self.approver = approver
                self._open_payment()

            what = (
                "this sale's changed price"
                if self.cart_model.cart.has_price_override
                else ("this sale's discount")
            )
            self._ask_approval(what, approved)
            return
        self._open_payment()

    def _open_payment(self) -> None:
        assert self.actor is not None
        cart = self.cart_model.cart
        dialog = PaymentDialog(
            self._store,
            self.actor,
            self._fmt,
            self.cart_model.totals().total,
            self._complete,
            customer=(cart.customer_id, cart.customer_label),
            customer_wanted=cart.has_serialized,
            parent=self.view,
        )
        dialog.customer_chosen.connect(self._customer_chosen)

        def scanned_while_paying(code: str) -> None:
            dialog.message.show_problem(f"scanned {code.strip()}: finish the payment or Esc first")

        self.dialogs.open(dialog, lambda _d: None, scan_sink=scanned_while_paying)

    def _complete(self, tenders: tuple[TenderInput, ...], answer: Answer) -> None:
        """The payment dialog's last step: the sale, in one transaction, by the service
        on a worker; `answer` gets None (sold) or why not."""
        actor = self.actor
        if actor is None:
            answer(Refusal("nobody is logged in", keep_open=False))
            return
        cart = self.cart_model.cart
        checkout = Checkout(
            lines=self.cart_model.lines(),
            tenders=tenders,
            customer_id=cart.customer_id,
            sale_discount_bp=cart.sale_discount_bp,
            ticket_number=cart.ticket_number,
        )
        store, till, approver = self._store, self.till, self.approver

        def sold(sale: SaleRecord) -> None:
            self._sale_done(sale)
            answer(None)

        def refused(error: UserError) -> None:
            if isinstance(error, UnitUnavailable):
                # Another till won that unit: drop its line, keep the rest, pay again.
                self.cart_model.remove_unit(error.unit_id)
                self.message.show_problem(error.message)
                answer(Refusal(error.message, keep_open=False))
                return
            answer(Refusal(error.message))

        self.ops.run(
            lambda: complete_sale(store, actor, till, checkout, approver=approver),
            success=sold,
            failure=refused,
            changes=SALE_CHANGES,
            name="complete sale",
        )

    def _sale_done(self, sale: SaleRecord) -> None:
        self.cart_model.clear()
        self.customer_box.reset()
        self.approver = None
        money = self._fmt.money
        change = f" — change {money(sale.change)}" if sale.change else ""
        paid_by = ", ".join(f"{t.kind} {money(t.amount)}" for t in sale.tenders)
        self.last_sale.show_done(
            f"Change {money(sale.change)}" if sale.change else f"Paid {money(sale.total)}",
            f"Sale {sale.number} — total {money(sale.total)}, paid by {paid_by}."
            " Scan the next item to start a new sale.",
            sale_receipt(self._shop, sale),
        )
        self.cart_stack.setCurrentWidget(self.last_sale)
        self.save_button.show()
        self.message.show_done(f"Sale {sale.number} completed{change}")
        self.notice.emit(f"Sale {sale.number}{change}")
        self.sale_completed.emit(sale)

    def _save_last_receipt(self) -> None:
        if self.cart_stack.currentWidget() is not self.last_sale:
            self.message.show_problem("no receipt on screen to save")
            return
        try:
            path = self.last_sale.preview.save_png()
        except OSError as exc:
            self.message.show_problem(f"could not save the receipt: {exc.strerror or exc}")
            return
        if path is not None:
            self.message.show_info(f"Saved {path}")
