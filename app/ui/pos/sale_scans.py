"""What a scan does to the sale at the POS: the code is resolved by app.scan.resolve_scan
on a worker and `sale_step` says what it means (a line, a serial to pick, a kit's parts to
scan, a receipt, a ticket to collect, or why not). "25*" before a code sells 25 of it."""

from __future__ import annotations

import re
from dataclasses import replace

from app.errors import UserError
from app.pos.cart import CartLine
from app.scan import (
    AddLine,
    CollectTicket,
    PickBundleUnits,
    PickUnit,
    ReceiptScanned,
    Refuse,
    SaleStep,
    ScannedUnit,
    ScanResult,
    UnitScan,
    resolve_scan,
    sale_step,
)
from app.ui.pos.bundle_dialog import BundleSerialsDialog
from app.ui.pos.pos_parts import PosParts
from app.ui.pos.scanning import TakesScans
from app.ui.pos.serial_picker import SerialPicker

# "25*" then a scan (or "25*CBL-USBC" Enter) sells 25; "25*" Enter sets the highlighted line.
QUANTITY_TIMES = re.compile(r"\s*(\d{1,6})\s*[*×]\s*(.*)")
QUANTITY_HINT = "Type the quantity and * then scan: 25* and the barcode sells 25"


class ScansIntoSale(TakesScans, PosParts):
    """Mixed into PosView; `init_scans()` first, and `_pending_qty = 0`."""

    _pending_qty: int  # "25*" typed before a scan: how many of the next item

    def _scan_field_entered(self) -> None:
        """Enter in the scan field: "N*" sets the highlighted line's quantity, "N*CODE"
        sells N of the code, anything else is a code."""
        found = QUANTITY_TIMES.fullmatch(self.scan_edit.text())
        if found is None:
            super()._scan_field_entered()
            return
        qty, code = int(found[1]), found[2].strip()
        self.scan_edit.clear()
        if code:
            self._pending_qty = qty
            self.handle_scan(code)
            return
        self._set_quantity(qty)

    def _set_quantity(self, qty: int) -> None:
        row = self.current_row()
        if row < 0:
            self.message.show_problem("the cart is empty: type 25* then scan the item")
            return
        line = self.cart_model.line(row)
        try:
            self.cart_model.step_qty(row, qty - line.qty)
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        self.message.show_info(f"{line.name}: quantity {qty}")

    def _explain_quantity(self) -> None:
        self.message.show_info(QUANTITY_HINT)
        self.focus_search()

    def _take_typed_quantity(self) -> None:
        """A scanner's code while "25*" waits in the scan field: the quantity for it."""
        found = QUANTITY_TIMES.fullmatch(self.scan_edit.text())
        if found is not None and not found[2].strip():
            self._pending_qty = int(found[1])
            self.scan_edit.clear()

    def act_on_scan(self, code: str) -> bool:
        actor = self.actor
        if actor is None:
            return False
        self._take_typed_quantity()
        store, location = self._store, self.till.location
        return self.ops.run(
            lambda: resolve_scan(store, actor, code, location=location),
            success=self._scanned,
            failure=self._scan_refused,
            name="scan",
        )

    def _scanned(self, result: ScanResult) -> None:
        try:
            if self.actor is not None:  # a scan answered after the till locked adds nothing
                self._show_cart()
                self._dispatch(result)
        finally:
            self.scan_done()

    def _scan_refused(self, error: UserError) -> None:
        self.message.show_problem(error.message)
        self.scan_done()

    def _dispatch(self, result: ScanResult) -> None:
        self._set_receipt_scanned("")
        self._take(sale_step(result, location=self.till.location))

    def _take(self, step: SaleStep) -> None:
        match step:
            case AddLine(line, said):
                self._add_line(line, said)
            case PickUnit(title, units, _unpicked, with_item, note):
                self._pick_unit(title, units, with_item=with_item, note=note)
            case PickBundleUnits() as bundle:
                self._pick_bundle_units(bundle)
            case ReceiptScanned(number):
                self._set_receipt_scanned(number)
                self.message.show_info(
                    f"{number} is a receipt, not an item. To take something back from it,"
                    " press F10 (Refund)."
                )
            case Refuse(message):
                self.message.show_problem(message)
            case CollectTicket(number):
                self.collect_ticket(number)

    def add_unit(self, unit: ScannedUnit) -> None:
        """A scanned unit goes in the cart, unless the store says why it cannot be sold."""
        self._take(sale_step(UnitScan(unit), location=self.till.location))

    def _add_line(self, line: CartLine, said: str) -> None:
        qty, self._pending_qty = self._pending_qty, 0
        if qty > 1:
            if line.unit_id is not None:
                said = f"{said} — one unit: a quantity is for items sold by the piece"
            else:
                line = replace(line, qty=qty)
                said = f"{qty} × {line.name}"
        try:
            row = self.cart_model.add(line)
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        self._select_row(row)
        self.message.show_info(said)

    def _pick_unit(
        self,
        title: str,
        units: tuple[ScannedUnit, ...],
        *,
        with_item: bool = False,
        note: str = "",
    ) -> None:
        # Only the units that can still be added: one already in the cart is not offered.
        in_cart = {line.unit_id for line in self.cart_model.cart.lines if line.unit_id is not None}
        units = tuple(unit for unit in units if unit.unit_id not in in_cart)
        if not units:
            self.message.show_problem(f"{title}: every unit in stock here is already in the sale")
            return
        picker = SerialPicker(title, units, with_item=with_item, note=note, parent=self.view)

        def picked(dialog: SerialPicker) -> None:
            if dialog.picked is not None:
                self.add_unit(dialog.picked)
            elif dialog.code is not None:
                self.handle_scan(dialog.code)

        self.dialogs.open(picker, picked, scan_sink=picker.take_scan)

    def _pick_bundle_units(self, step: PickBundleUnits) -> None:
        """A bundle: a scan for each serialized component; then the kit goes in the cart."""
        assert self.actor is not None
        taken = {unit for line in self.cart_model.lines() for unit in line.unit_ids}
        dialog = BundleSerialsDialog(
            self._store, self.actor, self.till.location, step, taken, parent=self.view
        )

        def done(d: BundleSerialsDialog) -> None:
            if d.line is not None:
                serials = ", ".join(part.serial for part in d.line.bundle_units)
                self._add_line(d.line, f"Added {d.line.name} — {serials}")

        self.dialogs.open(dialog, done, scan_sink=dialog.take_scan)
