"""The cart's lines at the POS: the highlighted line, remove, quantity steps, line and sale
discounts and a changed price, each with a manager's approval where the till asks for one.
The Cart checks every rule; its refusals are said under the scan field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel

from app.errors import UserError
from app.money import percent_text
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.discount_dialog import DiscountDialog
from app.ui.pos.pos_parts import PosParts
from app.ui.pos.price_dialog import PriceDialog
from app.ui.pos.till import needs_manager
from app.users.roles import Actor, Role


class CartActions(PosParts):
    """Mixed into PosView."""

    def current_row(self) -> int:
        """The highlighted line, else the last one scanned; -1 for an empty cart."""
        index = self.cart_table.currentIndex()
        if index.isValid():
            return index.row()
        return self.cart_model.rowCount() - 1

    def _select_row(self, row: int) -> None:
        if 0 <= row < self.cart_model.rowCount():
            self.cart_table.selectionModel().setCurrentIndex(
                self.cart_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.cart_table.scrollTo(self.cart_model.index(row, 0))

    def _move_current(self, step: int) -> None:
        rows = self.cart_model.rowCount()
        if rows:
            self._select_row(max(0, min(rows - 1, self.current_row() + step)))

    def remove_line(self) -> None:
        row = self.current_row()
        if row < 0:
            self.message.show_problem("the cart is empty")
            return
        line = self.cart_model.remove(row)
        self._select_row(min(row, self.cart_model.rowCount() - 1))
        self.message.show_info(
            f"Removed {line.name}" + (f" — {line.serial}" if line.serial else "")
        )

    def step_qty(self, delta: int) -> None:
        row = self.current_row()
        if row < 0:
            self.message.show_problem("the cart is empty")
            return
        try:
            self.cart_model.step_qty(row, delta)
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        line = self.cart_model.line(row)
        self.message.show_info(f"{line.name}: quantity {line.qty}")

    def ask_line_discount(self) -> None:
        row = self.current_row()
        if row < 0:
            self.message.show_problem("the cart is empty: scan something first")
            return
        line = self.cart_model.line(row)
        dialog = DiscountDialog(
            f"Line discount — {line.name}",
            line.discount_bp,
            self.till.discount_limit_bp,
            self.view,
        )
        self.dialogs.open(dialog, lambda d: self._discount(d.bp, row=row))

    def ask_sale_discount(self) -> None:
        if self.cart_model.is_empty():
            self.message.show_problem("the cart is empty: scan something first")
            return
        dialog = DiscountDialog(
            "Discount on the whole sale",
            self.cart_model.cart.sale_discount_bp,
            self.till.discount_limit_bp,
            self.view,
        )
        self.dialogs.open(dialog, lambda d: self._discount(d.bp, row=None))

    def _discount(self, bp: int, *, row: int | None) -> None:
        """Applies a discount (the Cart checks it); above the limit a manager approves it,
        and without approval it is taken back."""
        cart = self.cart_model.cart
        before = cart.sale_discount_bp if row is None else cart.lines[row].discount_bp

        def apply(value: int) -> None:
            if row is None:
                self.cart_model.set_sale_discount(value)
            else:
                self.cart_model.set_line_discount(row, value)

        try:
            apply(bp)
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        what = "the sale" if row is None else cart.lines[row].name
        said = f"{percent_text(bp)} off {what}" if bp else f"No discount on {what}"
        if self.approver is not None or not self._needs_manager():
            self.message.show_info(said)
            return

        def approved(approver: Actor | None) -> None:
            if approver is None:
                apply(before)
                self.message.show_problem("the discount was not approved and was taken off")
                return
            self.approver = approver
            self.message.show_info(f"{said} (approved by {approver.name})")

        self._ask_approval(f"{percent_text(bp)} off {what}", approved)

    def ask_price(self) -> None:
        """F2: a new price for the highlighted line, with its reason; a manager approves
        it here (the sale is refused without), or it is not changed."""
        row = self.current_row()
        if row < 0:
            self.message.show_problem("the cart is empty: scan something first")
            return
        line = self.cart_model.line(row)
        if line.ticket_line_id is not None:
            self.message.show_problem("a repair charge's price is set on its ticket")
            return
        dialog = PriceDialog(
            line.name,
            self._fmt.money(line.unit_price),
            line.price,
            line.override_reason,
            self.view,
        )
        self.dialogs.open(dialog, lambda d: self._price(row, d.price, d.reason))

    def _price(self, row: int, price: int, reason: str) -> None:
        line = self.cart_model.line(row)
        said = f"{line.name}: price {self._fmt.money(price)} ({reason})"

        def apply(approver: Actor | None) -> None:
            try:
                self.cart_model.set_price(row, price, reason)
            except UserError as exc:
                self.message.show_problem(exc.message)
                return
            self.approver = approver or self.approver
            by = f", approved by {approver.name}" if approver else ""
            self.message.show_info(said + by)

        if (
            price == line.unit_price
            or self.approver is not None
            or not self._needs_manager(changing_price=True)
        ):
            apply(None)
            return

        def approved(approver: Actor | None) -> None:
            if approver is None:
                self.message.show_problem("the new price was not approved: the price stays")
                return
            apply(approver)

        what = f"{line.name}: {self._fmt.money(line.price)} → {self._fmt.money(price)} ({reason})"
        self._ask_approval(what, approved, why="a manager approves a changed price")

    def _needs_manager(self, *, changing_price: bool = False) -> bool:
        assert self.actor is not None
        if (changing_price or self.cart_model.cart.has_price_override) and (
            self.actor.role is not Role.MANAGER
        ):
            return True
        return needs_manager(self.actor, self.till, self.cart_model.discounts_bp())

    def _ask_approval(
        self, what: str, then: Callable[[Actor | None], None], *, why: str = ""
    ) -> None:
        limit = percent_text(self.till.discount_limit_bp)
        why = why or f"above {limit} a manager approves"
        dialog = ApprovalDialog(self._store, f"{what}: {why}", self.view)
        self.dialogs.open(dialog, lambda d: then(d.approver), on_reject=lambda: then(None))
