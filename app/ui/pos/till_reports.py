"""What the POS shows of sales already made: the history with reprints (F9), a receipt
that did not print said on its sale, and the end-of-day report by tender (Ctrl+E)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import SignalInstance

from app.pos.day import business_day, end_of_day
from app.pos.records import SaleRecord
from app.pos.sales import recent_sales
from app.ui.pos.end_of_day_dialog import EndOfDayDialog
from app.ui.pos.history_dialog import SaleHistoryDialog
from app.ui.pos.pos_parts import PosParts


class ShowsSales(PosParts):
    """Mixed into PosView; set `_print_sale = None` first."""

    # The till's receipt printing (Effects.print_sale), set by the app: F9 reprints.
    _print_sale: Callable[[SaleRecord], str | None] | None
    day_report_print_requested: SignalInstance

    def show_history(self) -> None:
        actor = self.actor
        if actor is None:
            return
        store = self._store
        self.ops.run(
            lambda: recent_sales(store, actor, limit=50), success=self._show_sales, name="history"
        )

    def _show_sales(self, sales: list[SaleRecord]) -> None:
        if self.actor is not None:
            reprint = self._reprint if self._print_sale is not None else None
            dialog = SaleHistoryDialog(sales, self._shop, self._fmt, self.view, reprint=reprint)
            self.dialogs.open(dialog, lambda _d: None)

    def set_receipt_printing(self, print_sale: Callable[[SaleRecord], str | None]) -> None:
        """How this till prints a receipt (the app passes Effects' reprint)."""
        self._print_sale = print_sale

    def _reprint(self, sale: SaleRecord, said: Callable[[str], None]) -> None:
        print_sale = self._print_sale
        if print_sale is None:
            return

        def sent(job: str | None) -> None:
            said(
                f"Reprint of {sale.number} sent to the printer"
                if job
                else "No receipt printer is set up: Settings → Printers"
            )

        # The queue writes the job to its spool (fsynced): on a worker.
        self.ops.run(lambda: print_sale(sale), success=sent, name="reprint")

    def receipt_not_printed(self, number: str, why: str) -> None:
        """The print queue could not print a sale's receipt: said at once, on the sale."""
        text = f"The receipt of {number} did not print: {why}. Print jobs retries it."
        self.message.show_problem(text)
        if self.cart_stack.currentWidget() is self.last_sale and number in (
            self.last_sale.detail.text()
        ):
            self.last_sale.note.setText(text)
            self.last_sale.note.show()

    def show_end_of_day(self) -> None:
        actor = self.actor
        if actor is None:
            return
        store, till = self._store, self.till.name
        dialog = EndOfDayDialog(
            self._shop,
            lambda day: end_of_day(store, actor, till, day),
            business_day(),
            self.view,
            ops=self.ops,
        )
        dialog.print_requested.connect(self.day_report_print_requested)
        self.dialogs.open(dialog, lambda _d: None)
