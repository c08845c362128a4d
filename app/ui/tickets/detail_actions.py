"""What the desk does to an open ticket from its detail: parts and labour, notes, the
vendor's RMA, a warranty replacement, reprints, and the passcode. Each is one service
call through the page's `_call` (on a worker; the ticket it returns is shown whole)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox

from app.db.uow import Store
from app.errors import UserError
from app.money import parse_money
from app.tickets import notes, parts, passcode, replacement, vendor
from app.tickets.records import TicketRecord
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable
from app.users.roles import Actor


class TicketActions:
    """Mixed into TicketDetailPage (before QWidget)."""

    _store: Store
    _location: str
    _actor: Actor | None
    ticket: TicketRecord | None
    ops: Ops
    message: MessageLine
    print_requested: SignalInstance
    part_edit: QLineEdit
    qty_box: QSpinBox
    labour_edit: QLineEdit
    labour_price: QLineEdit
    lines_table: ShopTable
    note_edit: QLineEdit
    for_customer: QCheckBox
    rma_edit: QLineEdit

    @property
    def number(self) -> str | None:
        return self.ticket.number if self.ticket is not None else None

    if TYPE_CHECKING:  # the page's own (QWidget's and TicketDetailPage's)

        def isVisible(self) -> bool: ...

        def _call(
            self, what: str, work: Callable[[Actor, str], TicketRecord], said: str
        ) -> bool: ...

    def add_part_code(self, code: str, qty: int = 1) -> bool:
        store, location = self._store, self._location
        return self._call(
            "part",
            lambda a, n: parts.add_part(store, a, n, code, qty=qty, location=location),
            f"{code.strip()} added to {{number}}",
        )

    def _part_entered(self) -> None:
        code = self.part_edit.text().strip()
        if code and self.add_part_code(code, self.qty_box.value()):
            self.part_edit.clear()
            self.qty_box.setValue(1)

    def add_labour(self) -> None:
        text, price_text = self.labour_edit.text(), self.labour_price.text()
        try:
            price = parse_money(price_text, field="labour price")
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        store = self._store
        if self._call(
            "labour",
            lambda a, n: parts.add_labour(store, a, n, text, price),
            "labour added to {number}",
        ):
            self.labour_edit.clear()
            self.labour_price.clear()
            self.labour_edit.setFocus()

    def remove_line(self) -> None:
        index = self.lines_table.currentIndex()
        if not self.isVisible():
            return
        if self.ticket is None or not index.isValid():
            self.message.show_problem("select a line first")
            return
        line = self.ticket.lines[index.row()]
        store = self._store
        self._call(
            "remove line",
            lambda a, n: parts.remove_line(store, a, n, line.id),
            f"{line.description} taken off {{number}}",
        )

    def add_note(self) -> None:
        text, for_customer = self.note_edit.text(), self.for_customer.isChecked()
        store = self._store
        if self._call(
            "note",
            lambda a, n: notes.add_note(store, a, n, text, for_customer=for_customer),
            "note added to {number}",
        ):
            self.note_edit.clear()

    def send_to_vendor(self) -> None:
        rma, store = self.rma_edit.text(), self._store
        if self._call(
            "vendor",
            lambda a, n: vendor.send_to_vendor(store, a, n, rma),
            f"{{number}} sent to the vendor (RMA {rma.strip()})",
        ):
            self.rma_edit.clear()

    def receive_from_vendor(self) -> None:
        store = self._store
        self._call(
            "vendor",
            lambda a, n: vendor.receive_from_vendor(store, a, n),
            "{number} is back from the vendor",
        )

    def replace_unit(self) -> None:
        store, location = self._store, self._location
        self._call(
            "replace",
            lambda a, n: replacement.replace_under_warranty(store, a, n, location=location),
            "{number}: the customer's unit was replaced",
        )

    def _print(self, kind: str) -> None:
        if self.ticket is not None:
            self.print_requested.emit(self.ticket, kind)
            what = "intake tag" if kind == "tag" else "claim slip"
            self.message.show_info(f"{self.ticket.number}: {what} sent to the printer")

    def reveal_passcode(self) -> None:
        actor, number, store = self._actor, self.number, self._store
        if actor is None or number is None or not self.isVisible():
            return

        def shown(code: str) -> None:
            self.message.show_info(f"Passcode of {number}: {code} (this look is logged)")

        self.ops.run(
            lambda: passcode.reveal_passcode(store, actor, number), success=shown, name="passcode"
        )
