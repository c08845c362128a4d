"""Park, resume and void at the POS: a parked sale waits in the store under a label (its
units are not reserved) until this till resumes it; a void clears the cart after a Yes."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.customers.services import get_customer
from app.events import Change
from app.pos.parking import ParkedCart, list_parked, park_sale, resume_sale
from app.ui.pos.open_sale import KeepsOpenSale
from app.ui.pos.parked_dialog import ParkDialog, ResumeDialog
from app.users.roles import Actor


class ParksSales(KeepsOpenSale):
    """Mixed into PosView; a resumed sale comes back as a kept one does."""

    def park(self) -> None:
        actor = self.actor
        if actor is None:
            return
        if self.cart_model.is_empty():
            self.message.show_problem("the cart is empty: nothing to park")
            return
        cart = self.cart_model.cart
        store, till = self._store, self.till

        def parked(dialog: ParkDialog) -> None:
            lines, label = self.cart_model.lines(), dialog.label
            customer, discount = cart.customer_id, cart.sale_discount_bp
            ticket = cart.ticket_number  # parked with it: paying later still collects it

            def done(_result: object) -> None:
                self._new_sale()
                self.message.show_info(f"Parked “{label.strip() or 'parked sale'}” — F7 resumes it")

            self.ops.run(
                lambda: park_sale(
                    store,
                    actor,
                    till,
                    lines,
                    label=label,
                    customer_id=customer,
                    sale_discount_bp=discount,
                    ticket_number=ticket,
                ),
                success=done,
                changes={Change.PARKED},
                name="park",
            )

        self.dialogs.open(ParkDialog(cart.customer_label, self.view), parked)

    def resume(self) -> None:
        actor = self.actor
        if actor is None:
            return
        if not self.cart_model.is_empty():
            self.message.show_problem("finish, park or void the open sale before resuming another")
            return
        store, till = self._store, self.till
        self.ops.run(
            lambda: list_parked(store, actor, till), success=self._choose_parked, name="resume"
        )

    def _choose_parked(self, waiting: list[ParkedCart]) -> None:
        if self.actor is None or not self.cart_model.is_empty():
            return  # locked, or something was scanned while the list was on its way
        if not waiting:
            self.message.show_info(f"No parked sales at {self.till.name}")
            return

        def chosen(dialog: ResumeDialog) -> None:
            if dialog.chosen is not None and self.actor is not None:
                self._resume(self.actor, dialog.chosen.id)

        self.dialogs.open(ResumeDialog(waiting, self._fmt, self.view), chosen)

    def _resume(self, actor: Actor, parked_id: int) -> None:
        store = self._store

        def resume() -> tuple[ParkedCart, str]:
            parked = resume_sale(store, actor, parked_id)
            customer = parked.customer_id
            return parked, get_customer(store, customer).label if customer is not None else ""

        self.ops.run(resume, success=self._resumed, changes={Change.PARKED}, name="resume")

    def _resumed(self, found: tuple[ParkedCart, str]) -> None:
        parked, label = found
        self.approver = None
        self._load_cart(
            parked.lines,
            sale_discount_bp=parked.sale_discount_bp,
            customer_id=parked.customer_id,
            customer_label=label,
            ticket_number=parked.ticket_number,
        )
        self.message.show_info(f"Resumed “{parked.label}”")

    def void_sale(self) -> None:
        if self.cart_model.is_empty():
            self.message.show_info("Nothing to void")
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "SerialPOS — Void sale",
            "Void this sale? Every line and the customer are cleared.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.view,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def voided(_box: QMessageBox) -> None:
            self._new_sale()
            self.message.show_info("Sale voided")

        self.dialogs.open(box, voided, accept_result=QMessageBox.StandardButton.Yes.value)

    def _new_sale(self) -> None:
        self.cart_model.clear()
        self.customer_box.reset()
        self.approver = None
