"""Refunding at the Refund desk: F12 checks what the service would refuse before the
manager comes over, shows the manager the money and where it goes, then `refund_sale`
(one transaction, on a worker); the refund slip shows until the next scan."""

from __future__ import annotations

from app.events import Change
from app.paperwork.receipts import refund_receipt
from app.pos.records import RefundRecord
from app.pos.refunds import DEFECTIVE, RefundQuote, RefundRequest, refund_sale
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.refund.refund_parts import RefundParts
from app.ui.refund.refund_widgets import tenders_text
from app.users.roles import Actor, Permission

# A refund changes these whether or not the services name them in their events yet.
REFUND_CHANGES = frozenset({Change.REFUNDS, Change.SALES, Change.UNITS})


class RefundsTheSale(RefundParts):
    """Mixed into RefundView."""

    def complete_refund(self) -> None:
        """F12: the manager approves (unless one is refunding), then refund_sale."""
        actor = self.actor
        sale = self.lines_model.sale
        if actor is None:
            return
        if sale is None:
            self.message.show_problem("scan the receipt or a unit first")
            return
        # Asked before the manager comes over: their PIN should not be wasted on a refund
        # the service would refuse for want of a line or a reason.
        if not self.lines_model.chosen():
            self.message.show_problem("choose what comes back: Space on its line")
            self.focus_lines()
            return
        if not self.reason_edit.text().strip():
            self.message.show_problem("type the reason for the refund")
            self.reason_edit.setFocus()
            return
        request = RefundRequest(
            sale_number=sale.number,
            lines=self.lines_model.chosen(),
            reason=self.reason_edit.text(),
            restock=str(self.restock_combo.currentData() or DEFECTIVE),
            to_cash=bool(self.refund_to_combo.currentData()),
        )
        if actor.can(Permission.APPROVE):
            self._refund(request, None)
            return
        units = self.lines_model.units_chosen()
        what = f"refund of {units} unit{'s' if units != 1 else ''} from {sale.number}"

        def approve(quote: RefundQuote) -> None:
            # The manager sees the money and where it goes before typing the PIN.
            money = self._fmt.money
            said = f"{what}: {money(quote.total)} back as {tenders_text(money, quote.tenders)}"
            dialog = ApprovalDialog(self._store, said, self.view)
            self.dialogs.open(dialog, lambda d: self._refund(request, d.approver))

        if self._quote is not None:
            approve(self._quote)
        else:
            self._ask_quote(approve)

    def _refund(self, request: RefundRequest, approver: Actor | None) -> None:
        actor = self.actor
        if actor is None:
            return
        store, till = self._store, self.till
        self.ops.run(
            lambda: refund_sale(store, actor, till, request, approver=approver),
            success=self._refund_done,
            changes=REFUND_CHANGES,
            name="refund",
        )

    def _refund_done(self, refund: RefundRecord) -> None:
        money = self._fmt.money
        paid_back = ", ".join(f"{t.kind} {money(t.amount)}" for t in refund.tenders)
        self.lines_model.set_sale(None)
        self.sale_label.clear()
        self.reason_edit.clear()
        self.done_page.show_done(
            f"Give back {tenders_text(money, refund.tenders)}",
            f"Refund {refund.number} for sale {refund.sale_number}: {paid_back or 'nothing'}."
            f" Restocked to {refund.restock}. Approved by {refund.approved_by}.",
            refund_receipt(self._shop, refund),
        )
        self.pages.setCurrentWidget(self.done_page)
        self.message.show_done(f"Refund {refund.number} done — {paid_back or 'nothing to pay'}")
        self.notice.emit(f"Refund {refund.number}")
        self.refund_completed.emit(refund)
        self.focus_search()
