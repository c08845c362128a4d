"""Taking the money: cash with change, card with its approval code, or several of them.

Enter alone takes the exact amount in cash and completes the sale. Escape backs out and
nothing is kept. The dialog only collects tenders; the sale is completed by the caller's
`complete` (complete_sale), which checks everything again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import UserError
from app.money import format_plain, parse_money
from app.pos.cart import TenderInput, TenderKind
from app.ui.formatting import ShopFormat
from app.ui.pos.customer_box import CustomerBox
from app.ui.pos.keyed import key_button, keyed_action
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Refusal:
    """Why the sale did not complete. keep_open: take the last tender back and let the
    cashier try again here; else the dialog closes (the cart itself had to change)."""

    message: str
    keep_open: bool = True


Answer = Callable[[Refusal | None], None]
# Completes the sale off the GUI thread and answers None (sold) or a Refusal, later.
CompleteSale = Callable[[tuple[TenderInput, ...], Answer], None]


class _TenderTable(QTableWidget):
    """Tenders taken so far; Delete takes the selected one back."""

    remove_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.remove_requested.emit(self.currentRow())
            return
        super().keyPressEvent(event)


class PaymentDialog(QDialog):
    """Signals `customer_chosen(id or None, label)` when the customer is set here."""

    customer_chosen = Signal(object, str)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        fmt: ShopFormat,
        total: int,
        complete: CompleteSale,
        *,
        customer: tuple[int | None, str] = (None, ""),
        customer_wanted: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PaymentDialog")
        self.setWindowTitle("SerialPOS — Payment")
        self._fmt = fmt
        self._complete = complete
        self.completing = False  # the sale is with the service: keys wait for its answer
        self.total = total
        self.tenders: list[TenderInput] = []

        self.total_value = self._amount_label("PayTotal")
        self.paid_value = self._amount_label("PayPaid")
        self.due_title = QLabel("Still to pay")
        self.due_title.setObjectName("PayDueTitle")
        self.due_value = self._amount_label("PayDue")
        self.change_title = QLabel("Change")
        self.change_title.setObjectName("PayChangeTitle")
        self.change_value = self._amount_label("PayChange")

        self.tender_table = _TenderTable(0, 3)
        self.tender_table.setObjectName("TenderTable")
        self.tender_table.setHorizontalHeaderLabels(["Paid by", "Amount", "Reference"])
        self.tender_table.verticalHeader().setVisible(False)
        self.tender_table.horizontalHeader().setStretchLastSection(True)
        self.tender_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tender_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.tender_table.remove_requested.connect(self.remove_tender)
        self.tender_table.hide()

        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("PayAmount")
        self.amount_edit.setAlignment(RIGHT)
        self.amount_edit.textEdited.connect(lambda _t: self._show_change())
        self.amount_edit.returnPressed.connect(self.take_cash)
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("PayReference")
        self.reference_edit.setPlaceholderText("Card approval code")
        self.reference_edit.returnPressed.connect(self.take_card)

        self.message = MessageLine(till=True)

        self.customer_box = CustomerBox(store, host=self)
        self.customer_box.set_actor(actor)
        self.customer_box.set_customer(*customer)
        self.customer_box.set_attention(customer_wanted and customer[0] is None)
        self.customer_box.chosen.connect(self._customer_chosen)
        self.customer_box.leave.connect(self._back_to_amount)
        keyed_action(self, "Customer", "F4", self.customer_box.focus_search)

        cancel = key_button("Cancel", "Esc", self.reject)
        _card_action, card = keyed_action(self, "Card", "F2", self.take_card)
        cash = key_button("Cash", "Return", self.take_cash)
        cash.setObjectName("PrimaryButton")

        self._build_layout(cancel, card, cash)
        self.amount_edit.installEventFilter(self)
        self._refresh()
        self.amount_edit.setFocus()

    def _amount_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setAlignment(RIGHT)
        return label

    def _build_layout(self, cancel: QWidget, card: QWidget, cash: QWidget) -> None:
        sums = QFrame()
        sums.setObjectName("PaySums")
        grid = QGridLayout(sums)
        grid.setContentsMargins(16, 12, 16, 12)
        total_title = QLabel("Total")
        total_title.setObjectName("PayTotalTitle")
        grid.addWidget(total_title, 0, 0)
        grid.addWidget(self.total_value, 0, 1)
        grid.addWidget(QLabel("Paid"), 1, 0)
        grid.addWidget(self.paid_value, 1, 1)
        grid.addWidget(self.due_title, 2, 0)
        grid.addWidget(self.due_value, 2, 1)
        grid.addWidget(self.change_title, 3, 0)
        grid.addWidget(self.change_value, 3, 1)

        entry = QGridLayout()
        amount_label = QLabel("&Amount")
        amount_label.setBuddy(self.amount_edit)
        reference_label = QLabel("Card &reference")
        reference_label.setBuddy(self.reference_edit)
        entry.addWidget(amount_label, 0, 0)
        entry.addWidget(self.amount_edit, 0, 1)
        entry.addWidget(reference_label, 1, 0)
        entry.addWidget(self.reference_edit, 1, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(card)
        buttons.addWidget(cash)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(sums)
        layout.addWidget(self.tender_table)
        layout.addLayout(entry)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.customer_box)
        self.setMinimumWidth(520)

    # ------------------------------------------------------------------ sums

    @property
    def paid(self) -> int:
        return sum(t.amount for t in self.tenders)

    @property
    def due(self) -> int:
        return max(0, self.total - self.paid)

    def _refresh(self) -> None:
        money = self._fmt.money
        self.total_value.setText(money(self.total))
        self.paid_value.setText(money(self.paid))
        self.due_value.setText(money(self.due))
        self.amount_edit.setText(format_plain(self.due))
        self.amount_edit.selectAll()
        self.tender_table.setRowCount(len(self.tenders))
        for row, tender in enumerate(self.tenders):
            cells = (tender.kind.value.title(), money(tender.amount), tender.reference)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setTextAlignment(RIGHT)
                self.tender_table.setItem(row, column, item)
        self.tender_table.setVisible(bool(self.tenders))
        rows_height = sum(self.tender_table.rowHeight(r) for r in range(len(self.tenders)))
        header = self.tender_table.horizontalHeader().sizeHint().height()
        self.tender_table.setFixedHeight(min(160, header + rows_height + 4))
        self._show_change()

    def _typed_amount(self) -> int:
        text = self.amount_edit.text().strip()
        return parse_money(text, field="amount") if text else self.due

    def _show_change(self) -> None:
        """The change the typed cash amount would give: the customer hands over 50 for 42.10."""
        try:
            change = self._typed_amount() - self.due
        except UserError:
            change = 0
        shown = change > 0
        self.change_title.setVisible(shown)
        self.change_value.setVisible(shown)
        if shown:
            self.change_value.setText(self._fmt.money(change))

    # ------------------------------------------------------------------ taking money

    def take_cash(self) -> None:
        """Enter: the typed amount (the exact amount unless changed) in cash."""
        self._take(TenderKind.CASH, "")

    def take_card(self) -> None:
        """F2, or Enter in the reference: the typed amount by card, with its approval code."""
        reference = self.reference_edit.text().strip()
        if not reference:
            self.reference_edit.setFocus()
            self.message.show_info("type the card's approval code, then Enter")
            return
        self._take(TenderKind.CARD, reference)

    def _take(self, kind: TenderKind, reference: str) -> None:
        if self.completing:
            return  # a second Enter while the sale is being completed: one sale
        try:
            amount = self._typed_amount()
        except UserError as exc:
            self._refuse(exc.message)
            return
        if amount <= 0:
            self._refuse("type an amount above zero")
            return
        self.tenders.append(TenderInput(kind, amount, reference))
        self.reference_edit.clear()
        self.message.clear()
        self._refresh()
        if self.paid >= self.total:
            self._try_complete()
        else:
            self.message.show_info(f"{self._fmt.money(self.due)} still to pay")
        self.amount_edit.setFocus()

    def _try_complete(self) -> None:
        self.completing = True
        self.message.show_info("Completing the sale…")
        self._complete(tuple(self.tenders), self._answered)

    def _answered(self, refusal: Refusal | None) -> None:
        self.completing = False
        if refusal is None:
            self.accept()
            return
        if not refusal.keep_open:
            self.reject()
            return
        self.tenders.pop()
        self._refresh()
        self._refuse(refusal.message)

    def reject(self) -> None:
        if not self.completing:  # Esc cannot take back a sale already with the service
            super().reject()

    def remove_tender(self, row: int) -> None:
        del self.tenders[row]
        self._refresh()
        self.message.clear()
        self.amount_edit.setFocus()

    def _refuse(self, message: str) -> None:
        self.message.show_problem(message)
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    # ------------------------------------------------------------------ customer

    def _customer_chosen(self, customer_id: int | None, label: str) -> None:
        self.customer_box.set_attention(False)
        self.customer_chosen.emit(customer_id, label)

    def _back_to_amount(self) -> None:
        self.amount_edit.setFocus()
        self.amount_edit.selectAll()

    def eventFilter(self, watched: object, event: object) -> bool:
        # Down from the amount goes to the tenders, to take one back with Delete.
        if (
            watched is self.amount_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.tenders
        ):
            self.tender_table.setFocus()
            self.tender_table.selectRow(len(self.tenders) - 1)
            return True
        return False
