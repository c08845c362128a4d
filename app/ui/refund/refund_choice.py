"""Choosing what comes back at the Refund desk, and why: Space and + / − on the sale's
lines, the money they give back and on which tenders (quoted on a worker), and the shop's
numbered reasons, each with its restock default (a faulty unit goes to defective)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel

from app.pos.refund_reasons import RefundReason, reason_named
from app.pos.refunds import DEFECTIVE, RefundQuote, quote_refund
from app.ui.refund.refund_parts import RefundParts
from app.ui.refund.refund_widgets import tenders_text


class ChoosesLines(RefundParts):
    """Mixed into RefundView."""

    def _toggle(self, row: int) -> None:
        if not self.lines_model.toggle(row):
            self.message.show_problem(f"{self._line_label(row)} has been refunded already")

    def _step(self, row: int, delta: int) -> None:
        if not self.lines_model.step(row, delta):
            line = self.lines_model.line(row)
            self.message.show_problem(
                f"{self._line_label(row)}: between 0 and {line.refundable_qty} can come back"
            )

    def _line_label(self, row: int) -> str:
        line = self.lines_model.line(row)
        return line.serial or line.description

    def _select_row(self, row: int) -> None:
        self.lines_table.selectionModel().setCurrentIndex(
            self.lines_model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _show_choice(self) -> None:
        units = self.lines_model.units_chosen()
        lines = len(self.lines_model.chosen())
        self._quote = None
        if not units:
            self.choice_label.setText("Nothing chosen yet" if self.lines_model.sale else "")
            return
        self.choice_label.setText(
            f"Coming back: {units} unit{'s' if units != 1 else ''}"
            f" on {lines} line{'s' if lines != 1 else ''}"
        )
        self._ask_quote(self._show_quote)

    def _ask_quote(self, then: Callable[[RefundQuote], None]) -> None:
        """What the chosen lines give back, and on which tenders (read on a worker)."""
        sale, actor = self.lines_model.sale, self.actor
        if sale is None or actor is None:
            return
        store, number, lines = self._store, sale.number, self.lines_model.chosen()
        to_cash = bool(self.refund_to_combo.currentData())
        self.ops.latest(
            lambda: quote_refund(store, actor, number, lines, to_cash=to_cash),
            success=then,
            name="quote",
        )

    def _show_quote(self, quote: RefundQuote) -> None:
        self._quote = quote
        base = self.choice_label.text().split(" — ")[0]
        money = self._fmt.money
        self.choice_label.setText(
            f"{base} — {money(quote.total)} back as {tenders_text(money, quote.tenders)}"
        )

    # ------------------------------------------------------------------ the reason

    def choose_reason(self, index: int) -> None:
        """The shop's reason number `index` (0-based): its restock default, then the refund
        goes on to the manager — unless it is "other", which is typed in words."""
        if not 0 <= index < len(self.reasons):
            count = len(self.reasons)
            self.message.show_problem(f"there is no reason {index + 1}: choose 1 to {count}")
            return
        reason = self.reasons[index]
        self._apply_restock(reason)
        if reason.asks_text:
            self.reason_edit.clear()
            self.reason_edit.setPlaceholderText("Type the reason")
            self.reason_edit.setFocus()
            return
        self.reason_edit.setText(reason.title)
        self.complete_refund()

    def _reason_typed(self, text: str) -> None:
        reason = reason_named(self.reasons, text)
        if reason is not None:
            self._apply_restock(reason)

    def _apply_restock(self, reason: RefundReason) -> None:
        """A faulty unit goes to defective stock, never back on sale by default."""
        wanted = DEFECTIVE if reason.defective else self.till.location
        index = self.restock_combo.findData(wanted)
        if index >= 0:
            self.restock_combo.setCurrentIndex(index)
