"""The POS view: scan, see the cart and the total, take the money. Keyboard first.

The scan field has the focus; a code and Enter (or a wedge scanner's burst, routed here by
the window through `handle_scan`) is resolved by app.scan.resolve_scan and acted on. The
cart is the domain's `Cart`; every rule (quantities, discounts, what may be sold) is the
Cart's or the services', and their refusals are shown under the scan field, never raised.

Dialogs open window-modal without blocking (`open()`), so the event loop and the scanner
keep running; a scan that arrives while one is open goes to it if it takes scans (the
serial picker), else it is refused with a message.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.customers.services import get_customer
from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.money import percent_text
from app.paperwork.receipts import sale_receipt
from app.pos.cart import CartLine, TenderInput
from app.pos.checkout import Checkout, Till, UnitUnavailable, complete_sale
from app.pos.day import business_day, end_of_day
from app.pos.open_cart import SavedCart, open_cart_of, save_open_cart
from app.pos.parking import ParkedCart, list_parked, park_sale, resume_sale
from app.pos.records import SaleRecord
from app.pos.sales import recent_sales
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
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos import cart_model as cols
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.bundle_dialog import BundleSerialsDialog
from app.ui.pos.cart_model import CartModel
from app.ui.pos.collect_ticket import CollectsTickets
from app.ui.pos.customer_box import CustomerBox
from app.ui.pos.dialog_host import DialogHost
from app.ui.pos.discount_dialog import DiscountDialog
from app.ui.pos.end_of_day_dialog import EndOfDayDialog
from app.ui.pos.history_dialog import SaleHistoryDialog
from app.ui.pos.keyed import key_button, keyed_action, shortcuts_first
from app.ui.pos.parked_dialog import ParkDialog, ResumeDialog
from app.ui.pos.payment_dialog import Answer, PaymentDialog, Refusal
from app.ui.pos.price_dialog import PriceDialog
from app.ui.pos.receipt_preview import DonePanel
from app.ui.pos.scanning import TakesScans
from app.ui.pos.serial_picker import SerialPicker
from app.ui.pos.till import locate_till, needs_manager, till_of
from app.ui.pos.totals_panel import TotalsPanel
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable
from app.users.roles import Actor, Role

# A sale changes units and sales whether or not the services name it in their events yet.
SALE_CHANGES = frozenset({Change.SALES, Change.UNITS})
EMPTY_CART_TEXT = "Scan a serial or a product barcode to start a sale"
SCAN_PLACEHOLDER = "Scan or type a serial, barcode, SKU or receipt number — then Enter"
# "25*" then a scan (or "25*CBL-USBC" Enter) sells 25; "25*" Enter sets the highlighted line.
QUANTITY_TIMES = re.compile(r"\s*(\d{1,6})\s*[*×]\s*(.*)")
QUANTITY_HINT = "Type the quantity and * then scan: 25* and the barcode sells 25"


class ScanEdit(QLineEdit):
    """The scan field. With nothing typed, + and − change the quantity of the highlighted
    line and Delete removes it; Up and Down move through the cart from here."""

    step = Signal(int)
    remove = Signal()
    browse = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.text():
            if event.text() == "+":
                self.step.emit(1)
                return
            if event.text() in ("-", "−"):
                self.step.emit(-1)
                return
            if key == Qt.Key.Key_Delete:
                self.remove.emit()
                return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.browse.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class CartTable(ShopTable):
    """The cart's lines. + and − change the quantity; typing goes back to the scan field."""

    step = Signal(int)
    typed = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text == "+":
            self.step.emit(1)
            return
        if text in ("-", "−"):
            self.step.emit(-1)
            return
        if text and text.isprintable() and not text.isspace():
            self.typed.emit(text)
            return
        super().keyPressEvent(event)


class PosView(TakesScans, CollectsTickets, QWidget):
    """The cashier's view. `handle_scan(code)` takes codes from wedge and serial scanners.

    Signals:
        problem(str): refusals outside the scan flow (the window's status bar shows them).
        notice(str): the last sale's number and change, for the status bar.
        sale_completed(SaleRecord): after each sale (the print queue and drawer kick).
        refund_requested(str): the cashier asked to refund a receipt scanned here.
    """

    title = "POS"
    problem = Signal(str)
    notice = Signal(str)
    sale_completed = Signal(object)
    refund_requested = Signal(str)
    day_report_print_requested = Signal(object)  # DayReport: print it on the receipt printer

    def __init__(
        self, store: Store, fmt: ShopFormat, shop: ShopSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PosView")
        self._store = store
        self._fmt = fmt
        self._shop = shop
        self.till = till_of(shop)
        self.actor: Actor | None = None
        self.approver: Actor | None = None  # the manager who approved this sale's discount
        self.dialogs = DialogHost(on_idle=self._back_from_dialog, busy_scan=self._scan_while_busy)
        self._receipt_scanned = ""
        # Whose sale is on screen: every change is saved in the store under their name.
        self._cart_owner: Actor | None = None
        self._left: dict[int, SavedCart] = {}  # carts left at a lock, by user id
        self._version = 0
        self._pending_qty = 0  # "25*" typed before a scan: how many of the next item
        # The till's receipt printing (Effects.print_sale), set by the app: F9 reprints.
        self._print_sale: Callable[[SaleRecord], str | None] | None = None
        self.init_scans()

        self.cart_model = CartModel(fmt, prices_include_tax=shop.prices_include_tax, parent=self)
        self.cart_model.changed.connect(self._cart_changed)
        self._build()
        self.ops = Ops(store, self, show_problem=self.message.show_problem)
        self._cart_changed()
        self.set_actor(None)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.scan_edit = ScanEdit()
        self.scan_edit.setObjectName("ScanEdit")
        self.scan_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.returnPressed.connect(self._scan_field_entered)
        self.scan_edit.step.connect(self.step_qty)
        self.scan_edit.remove.connect(self.remove_line)
        self.scan_edit.browse.connect(self._move_current)
        self.message = MessageLine(till=True)

        self.cart_table = CartTable(empty_text=EMPTY_CART_TEXT)
        self.cart_table.setObjectName("CartTable")
        self.cart_table.setModel(self.cart_model)
        self.cart_table.step.connect(self.step_qty)
        self.cart_table.typed.connect(self._typed_in_cart)
        header = self.cart_table.horizontalHeader()
        header.setStretchLastSection(False)
        # The figures always show whole; the item's name takes what is left.
        for column in range(self.cart_model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(cols.ITEM, QHeaderView.ResizeMode.Stretch)
        self.cart_table.verticalHeader().setDefaultSectionSize(34)
        self.last_sale = DonePanel()
        self.cart_stack = QStackedWidget()
        self.cart_stack.addWidget(self.cart_table)
        self.cart_stack.addWidget(self.last_sale)

        self.customer_box = CustomerBox(self._store, host=self)
        self.customer_box.chosen.connect(self._customer_chosen)
        self.customer_box.leave.connect(self.focus_search)
        self.totals_panel = TotalsPanel(self._fmt, prices_include_tax=self._shop.prices_include_tax)

        def act(text: str, key: str, slot: Callable[[], object], name: str = "") -> QPushButton:
            action, button = keyed_action(self, text, key, slot, object_name=name)
            self._actions.append(action)
            return button

        self._actions: list[QAction] = []
        shortcuts_first(self.scan_edit, self)
        pay = act("Pay", "F12", self.pay, "PayButton")
        history = act("History", "F9", self.show_history)
        day = act("End of day", "Ctrl+E", self.show_end_of_day)
        act("Customer", "F4", self.customer_box.focus_search)
        remove = act("Remove line", "Del", self.remove_line)
        # + and − are keys of the scan field and the cart, not shortcuts: a shortcut on a
        # character could fire in the middle of a scanner's burst.
        more = key_button("Qty +1", "+", lambda: self.step_qty(1))
        less = key_button("Qty −1", "−", lambda: self.step_qty(-1))
        times = key_button("Qty ×", "*", self._explain_quantity)
        times.setText("Qty ×   25*")  # the key is typed before the scan: 25* then the code
        times.setToolTip(QUANTITY_HINT)
        self._key_buttons = (more, less, times)
        line_discount = act("Line discount", "F8", self.ask_line_discount)
        price = act("Change price", "F2", self.ask_price, "PriceButton")
        sale_discount = act("Sale discount", "Shift+F8", self.ask_sale_discount)
        park = act("Park", "F6", self.park)
        resume = act("Resume", "F7", self.resume)
        void = act("Void sale", "F3", self.void_sale)
        refund = act("Refund receipt", "F10", self._refund_scanned_receipt)
        save = act("Save receipt PNG…", "Ctrl+S", self._save_last_receipt)
        self.pay_button = pay
        self.refund_button = refund
        self.save_button = save
        refund.hide()
        save.hide()
        self.last_sale.add_button(save)

        top = QHBoxLayout()
        top.addWidget(self.scan_edit, 1)
        # Beside the scan field it takes the field's room when it shows, never the window's.
        top.addWidget(refund)
        top.addWidget(history)
        top.addWidget(day)
        line_bar = QHBoxLayout()
        for button in (remove, more, less, times):
            line_bar.addWidget(button)
        line_bar.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.cart_stack, 1)
        left.addLayout(line_bar)

        # The discounts sit by the total (the line bar under the cart would make the window
        # wider than a 1280-px screen).
        discount_bar = QHBoxLayout()
        for button in (line_discount, sale_discount):
            discount_bar.addWidget(button)
        sale_bar = QHBoxLayout()
        for button in (park, resume, void):
            sale_bar.addWidget(button)
        side = QFrame()
        side.setObjectName("PosSide")
        side.setFixedWidth(340)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(10)
        side_layout.addWidget(self.customer_box)
        side_layout.addStretch(1)
        # Here, not in the line bar: that bar is as wide as the window allows already.
        price_row = QHBoxLayout()
        price_row.addStretch(1)
        price_row.addWidget(price)
        side_layout.addLayout(price_row)
        side_layout.addWidget(self.totals_panel)
        side_layout.addWidget(pay)
        side_layout.addLayout(discount_bar)
        side_layout.addLayout(sale_bar)

        middle = QHBoxLayout()
        middle.setSpacing(12)
        middle.addLayout(left, 1)
        middle.addWidget(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(middle, 1)

    # ------------------------------------------------------------------ ShopView

    def set_actor(self, actor: Actor | None) -> None:
        """Log-in and lock. The open sale is its cashier's: a lock puts it away (it is kept
        in the store under their name) and a log-in brings back that user's own."""
        if actor is None or (self.actor is not None and self.actor.id != actor.id):
            self._put_away()
        self.actor = actor
        if actor is None:
            self.dialogs.close()
            self.drop_scans()
        for action in self._actions:
            action.setEnabled(actor is not None)
        for button in self._key_buttons:
            button.setEnabled(actor is not None)
        self.scan_edit.setEnabled(actor is not None)
        self.cart_table.setEnabled(actor is not None)
        self.customer_box.set_actor(actor)
        self.message.clear()
        if actor is not None:
            locate_till(self.ops, self._store, self.till, self._shop, self._located, self._lost)
            if self._cart_owner is None:
                self._bring_back(actor)

    # ------------------------------------------------------------------ the open sale kept

    def has_open_sale(self) -> bool:
        return self._cart_owner is not None and not self.cart_model.is_empty()

    def _put_away(self) -> None:
        """The cashier leaves (lock): their sale is theirs, kept for their next log-in."""
        owner = self._cart_owner
        if owner is None:
            return
        cart = self.cart_model.cart
        self._left[owner.id] = SavedCart(
            self.cart_model.lines(), cart.customer_id, cart.sale_discount_bp
        )
        self._cart_owner = None  # nothing below is saved under anyone's name
        self._new_sale()

    def _bring_back(self, actor: Actor) -> None:
        """This user's own open sale: the one left at the last lock, else the one kept in
        the store (the app quit or the till lost power)."""
        self._cart_owner = actor
        left = self._left.pop(actor.id, None)
        if left is not None:
            self._restore(left, said=False)
            return
        store, till = self._store, self.till

        def found(saved: SavedCart | None) -> None:
            if saved is not None and self._cart_owner is actor and self.cart_model.is_empty():
                self._restore(saved, said=True)

        self.ops.run(lambda: open_cart_of(store, actor, till), success=found, name="open cart")

    def _restore(self, saved: SavedCart, *, said: bool) -> None:
        if not saved.lines:
            return
        customer = saved.customer_id
        store = self._store

        def label() -> str:
            return get_customer(store, customer).label if customer is not None else ""

        def show(customer_label: str) -> None:
            self.cart_model.load(
                saved.lines,
                sale_discount_bp=saved.sale_discount_bp,
                customer_id=customer,
                customer_label=customer_label,
            )
            self._select_row(self.cart_model.rowCount() - 1)
            if said:
                items = sum(line.qty for line in saved.lines)
                self.message.show_info(f"Your open sale is back: {items} item(s)")

        if customer is None:
            show("")
        else:
            self.ops.run(label, success=show, name="open cart customer")

    def _save_open_cart(self) -> None:
        actor = self._cart_owner
        if actor is None or actor is not self.actor:
            return
        self._version = max(self._version + 1, time.time_ns())
        store, till, version = self._store, self.till, self._version
        cart = self.cart_model.cart
        lines, customer, discount = self.cart_model.lines(), cart.customer_id, cart.sale_discount_bp
        self.ops.latest(
            lambda: save_open_cart(
                store, actor, till, lines, version=version, customer_id=customer,
                sale_discount_bp=discount,
            ),
            success=lambda _none: None,
            name="save open cart",
        )  # fmt: skip

    def _located(self, till: Till) -> None:
        self.till = till

    def _lost(self, problem: str) -> None:
        self.message.show_problem(problem)
        self.problem.emit(problem)

    def refresh(self) -> None:
        """F5: the cart is this till's own; redraw it and its totals."""
        self._cart_changed()

    def focus_search(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    # ------------------------------------------------------------------ scanning

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
        picker = SerialPicker(title, units, with_item=with_item, note=note, parent=self)

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
            self._store, self.actor, self.till.location, step, taken, parent=self
        )

        def done(d: BundleSerialsDialog) -> None:
            if d.line is not None:
                serials = ", ".join(part.serial for part in d.line.bundle_units)
                self._add_line(d.line, f"Added {d.line.name} — {serials}")

        self.dialogs.open(dialog, done, scan_sink=dialog.take_scan)

    # ------------------------------------------------------------------ the cart

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
            f"Line discount — {line.name}", line.discount_bp, self.till.discount_limit_bp, self
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
            self,
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
            line.name, self._fmt.money(line.unit_price), line.price, line.override_reason, self
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

        if price == line.unit_price or self.approver is not None or not self._needs_manager(
            changing_price=True
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
        dialog = ApprovalDialog(self._store, f"{what}: {why}", self)
        self.dialogs.open(dialog, lambda d: then(d.approver), on_reject=lambda: then(None))

    def _customer_chosen(self, customer_id: int | None, label: str) -> None:
        self.cart_model.set_customer(customer_id, label)
        if customer_id is not None:
            self.message.show_info(f"Customer: {label}")

    def _cart_changed(self) -> None:
        model = self.cart_model
        cart = model.cart
        self.totals_panel.show_totals(
            model.totals(),
            items=sum(line.qty for line in cart.lines),
            sale_discount_bp=cart.sale_discount_bp,
        )
        self.customer_box.set_customer(cart.customer_id, cart.customer_label)
        self.customer_box.set_attention(cart.has_serialized and cart.customer_id is None)
        # Most sales have no discount: its column appears with the first one.
        self.cart_table.setColumnHidden(
            cols.DISCOUNT, not any(line.discount_bp for line in cart.lines)
        )
        if not model.is_empty():
            self._show_cart()
        self._save_open_cart()  # every change is in the store: a crash loses nothing

    def _typed_in_cart(self, text: str) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.insert(text)

    def _show_cart(self) -> None:
        self.cart_stack.setCurrentWidget(self.cart_table)
        self.save_button.hide()

    # ------------------------------------------------------------------ paying

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

            what = "this sale's changed price" if self.cart_model.cart.has_price_override else (
                "this sale's discount"
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
            parent=self,
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

    # ------------------------------------------------------------------ park, resume, void

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
                    customer_id=cart.customer_id,
                    sale_discount_bp=cart.sale_discount_bp,
                ),
                success=done,
                changes={Change.PARKED},
                name="park",
            )

        self.dialogs.open(ParkDialog(cart.customer_label, self), parked)

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

        self.dialogs.open(ResumeDialog(waiting, self._fmt, self), chosen)

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
        self.cart_model.load(
            parked.lines,
            sale_discount_bp=parked.sale_discount_bp,
            customer_id=parked.customer_id,
            customer_label=label,
        )
        self._select_row(self.cart_model.rowCount() - 1)
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
            self,
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

    # ------------------------------------------------------------------ history, end of day

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
            dialog = SaleHistoryDialog(sales, self._shop, self._fmt, self, reprint=reprint)
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
            self,
            ops=self.ops,
        )
        dialog.print_requested.connect(self.day_report_print_requested)
        self.dialogs.open(dialog, lambda _d: None)

    # ------------------------------------------------------------------ refunds

    def _set_receipt_scanned(self, number: str) -> None:
        self._receipt_scanned = number
        self.refund_button.setVisible(bool(number))

    def _refund_scanned_receipt(self) -> None:
        if not self._receipt_scanned:
            self.message.show_info("Scan a receipt first, then F10 takes it to Refund")
            return
        number = self._receipt_scanned
        self._set_receipt_scanned("")
        self.message.clear()
        self.refund_requested.emit(number)

    # ------------------------------------------------------------------ dialogs

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open over the view, if any (tests drive it)."""
        return self.dialogs.dialog

    def _back_from_dialog(self) -> None:
        # The till's window takes the keyboard back at once (some platforms leave no window
        # active after a dialog closes), and the next key goes to the scan field.
        self.window().activateWindow()
        self.focus_search()

    def _scan_while_busy(self, code: str) -> None:
        self.message.show_problem(f"scanned {code.strip()} while a window is open: close it first")
