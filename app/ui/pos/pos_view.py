"""The POS view: scan, see the cart and the total, take the money. Keyboard first.

The scan field has the focus; a code and Enter (or a wedge scanner's burst, routed here by
the window through `handle_scan`) is resolved by app.scan.resolve_scan and acted on. The
cart is the domain's `Cart`; every rule (quantities, discounts, what may be sold) is the
Cart's or the services', and their refusals are shown under the scan field, never raised.

Dialogs open window-modal without blocking (`open()`), so the event loop and the scanner
keep running; a scan that arrives while one is open goes to it if it takes scans (the
serial picker), else it is refused with a message.

The view is built here; what it does is in one part a responsibility (pos_parts.py):
sale_scans.py (what a scan does), cart_actions.py (the lines, discounts, prices),
payment_flow.py, parking_flow.py (park, resume, void), open_sale.py (the sale kept across
a lock or a crash), till_reports.py (history, reprints, end of day) and collect_ticket.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.pos.open_cart import SavedCart
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos import cart_model as cols
from app.ui.pos.cart_actions import CartActions
from app.ui.pos.cart_columns import CartColumns
from app.ui.pos.cart_model import CartModel
from app.ui.pos.collect_ticket import CollectsTickets
from app.ui.pos.customer_box import CustomerBox
from app.ui.pos.dialog_host import DialogHost
from app.ui.pos.keyed import key_button, keyed_action, shortcuts_first
from app.ui.pos.open_sale import KeepsOpenSale
from app.ui.pos.parking_flow import ParksSales
from app.ui.pos.payment_flow import TakesPayment
from app.ui.pos.pos_widgets import CartTable, ScanEdit
from app.ui.pos.receipt_preview import DonePanel
from app.ui.pos.sale_scans import QUANTITY_HINT, ScansIntoSale
from app.ui.pos.till import till_of
from app.ui.pos.till_reports import ShowsSales
from app.ui.pos.totals_panel import TotalsPanel
from app.ui.till_place import TillPlace
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

EMPTY_CART_TEXT = "Scan a serial or a product barcode to start a sale"
SCAN_PLACEHOLDER = "Scan or type a serial, barcode, SKU or receipt number — then Enter"


class PosView(
    ScansIntoSale,
    CartActions,
    TakesPayment,
    ParksSales,
    KeepsOpenSale,
    ShowsSales,
    CollectsTickets,
    QWidget,
):
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
        self,
        store: Store,
        fmt: ShopFormat,
        shop: ShopSettings,
        parent: QWidget | None = None,
        *,
        place: TillPlace | None = None,
    ) -> None:
        """`place`: where the till sells from, shared with the window's other till views
        (else the view looks it up on its own)."""
        super().__init__(parent)
        self.setObjectName("PosView")
        self._store = store
        self._fmt = fmt
        self._shop = shop
        self.till = till_of(shop)
        self.place = place or TillPlace(store, shop, self)
        self._own_place = place is None  # a shared one is the window's to forget at a lock
        self.place.located.connect(self._located)
        self.place.lost.connect(self._lost)
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
        self._print_sale = None
        self.init_scans()

        self.cart_model = CartModel(fmt, prices_include_tax=shop.prices_include_tax, parent=self)
        self.cart_model.changed.connect(self._cart_changed)
        self._build()
        self.ops = Ops(store, self, show_problem=self.message.show_problem)
        self._cart_changed()
        self.set_actor(None)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.scan_edit = scan_edit = ScanEdit()
        scan_edit.setObjectName("ScanEdit")
        scan_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        scan_edit.setClearButtonEnabled(True)
        scan_edit.returnPressed.connect(self._scan_field_entered)
        scan_edit.step.connect(self.step_qty)
        scan_edit.remove.connect(self.remove_line)
        scan_edit.browse.connect(self._move_current)
        self.message = MessageLine(till=True)

        self.cart_table = CartTable(empty_text=EMPTY_CART_TEXT)
        self.cart_table.setObjectName("CartTable")
        self.cart_table.setModel(self.cart_model)
        self.cart_table.step.connect(self.step_qty)
        self.cart_table.typed.connect(self._typed_in_cart)
        # A long name (a kit's, a repair's labour after its ticket number) wraps onto a
        # second line of a taller row rather than being cut short: the cart is a few lines.
        self.cart_table.setWordWrap(True)
        rows = self.cart_table.verticalHeader()
        rows.setMinimumSectionSize(34)
        rows.setDefaultSectionSize(34)
        # The figures always show whole; the item's name takes what is left (and the
        # widths and heights are the view's, measured only where a line came or changed).
        self.cart_columns = CartColumns(self.cart_table, cols.ITEM)
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
            if self._own_place:
                self.place.log_out()
        for action in self._actions:
            action.setEnabled(actor is not None)
        for button in self._key_buttons:
            button.setEnabled(actor is not None)
        self.scan_edit.setEnabled(actor is not None)
        self.cart_table.setEnabled(actor is not None)
        self.customer_box.set_actor(actor)
        self.message.clear()
        if actor is not None:
            self.place.log_in()
            if self._cart_owner is None:
                self._bring_back(actor)

    def _located(self, location: str) -> None:
        self.till = replace(self.till, location=location)

    def _lost(self, problem: str) -> None:
        self.message.show_problem(problem)
        self.problem.emit(problem)

    def refresh(self) -> None:
        """F5: the cart is this till's own; redraw it and its totals."""
        self._cart_changed()

    def focus_search(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    # ------------------------------------------------------------------ the cart on screen

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
        self.cart_columns.set_shown(cols.DISCOUNT, any(line.discount_bp for line in cart.lines))
        if not model.is_empty():
            self._show_cart()
        self._save_open_cart()  # every change is in the store: a crash loses nothing

    def _typed_in_cart(self, text: str) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.insert(text)

    def _show_cart(self) -> None:
        self.cart_stack.setCurrentWidget(self.cart_table)
        self.save_button.hide()

    # ------------------------------------------------------------------ refunds, dialogs

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

    def _back_from_dialog(self) -> None:
        # The till's window takes the keyboard back at once (some platforms leave no window
        # active after a dialog closes), and the next key goes to the scan field.
        self.window().activateWindow()
        self.focus_search()
