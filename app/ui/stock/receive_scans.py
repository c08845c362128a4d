"""Scanning a delivery into the Receive dialog.

A serialized item's scan is one more serial on the list: it is looked up on file on a
worker and added in the order scanned, whichever look-up answers first; a serial already
listed or on file is refused at once with a sound and a red line, never dropped silently.
A bulk item's scan of its barcode counts one more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QApplication

from app.db.uow import Store
from app.stock import serials
from app.stock.lookups import existing_keys
from app.stock.records import ItemRecord
from app.stock.serials import SerialEntry
from app.ui.ops import Ops
from app.ui.stock.receive_form import ReceiveForm
from app.ui.stock.serial_input import SerialInput
from app.ui.widgets.message_line import MessageLine


class ReceiveScans:
    """The dialog's scanner; `note` says why the last scan was not added ("" if it was)."""

    def __init__(
        self,
        store: Store,
        ops: Ops,
        form: ReceiveForm,
        serial_input: SerialInput,
        error_line: MessageLine,
        *,
        listed: Callable[[], Sequence[SerialEntry]],
    ) -> None:
        self._store = store
        self._ops = ops
        self._form = form
        self._serial_input = serial_input
        self._error_line = error_line
        self._listed = listed  # the serials entered so far
        self.note = ""
        self._checked: set[str] = set()  # scanned serials being looked up on file
        # Scans in the order they came, each with its answer once known (None: asking):
        # added to the list in that order, whichever look-up answers first.
        self._order: list[list[Any]] = []

    def handle(self, code: str) -> None:
        """A scanner's code while the dialog is open (not while it receives)."""
        item, code = self._form.item, code.strip()
        if item is None or not code:
            return
        if not item.serialized:
            self._bulk_scan(item, code)
            return
        key = serials.serial_key(code)
        self.note = ""
        if key in self._checked or any(serials.serial_key(e.serial) == key for e in self._listed()):
            self._refuse(f"{code} is already in the list: not added again")
            return
        self._checked.add(key)
        store = self._store

        def on_file() -> bool:
            with store.read() as session:
                return bool(existing_keys(session, item.id, [key]))

        scan: list[Any] = [code, key, item.sku, None]
        self._order.append(scan)

        def answered(taken: bool | str) -> None:
            scan[3] = taken
            self._add_answered()

        self._ops.run(
            on_file,
            success=answered,
            failure=lambda error: answered(error.message),
            name=f"scan {key}",
        )

    def _add_answered(self) -> None:
        """Scans whose look-up has answered, from the oldest: added, or refused if on file."""
        added = False
        while self._order and self._order[0][3] is not None:
            code, key, sku, taken = self._order.pop(0)
            self._checked.discard(key)
            if isinstance(taken, str):  # the look-up was refused (the store is busy, say)
                self._refuse(f"{code} was not added: {taken}")
            elif taken:
                self._refuse(f"{code} is already on file for {sku}: not added")
            else:
                self._serial_input.add_scanned(code)
                added = True
        if added:
            self._serial_input.parse_now()  # counted and checked at once, not after a pause

    def _refuse(self, message: str) -> None:
        """A scan that is not added: a sound and a red line, at once (it stays until the
        next scan, whatever else is checked meanwhile)."""
        QApplication.beep()
        self.note = message
        self._serial_input.error_line.show_problem(message)
        self._error_line.show_problem(message)

    def _bulk_scan(self, item: ItemRecord, code: str) -> None:
        """A bulk item counts by its barcode; any other scan is said, never dropped."""
        if code.casefold() in {item.sku.casefold(), (item.barcode or "").casefold()}:
            form = self._form
            counted = form.quantity + 1 if form.qty_set else 1
            form.qty_set = True
            form.qty_spin.setValue(counted)
            self._error_line.show_info(f"{item.sku}: quantity {form.quantity:,}")
            return
        QApplication.beep()
        self._error_line.show_problem(
            f"scanned {code}: {item.sku} is not serialized — scan its barcode to count, or"
            " type the quantity"
        )
