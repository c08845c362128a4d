"""The Refund view: scan the receipt (or a unit that was sold), choose what comes back,
say why and where it goes, a manager approves, and the refund slip shows.

Keyboard path: scan → Space on the lines coming back (a scanned unit's line, or a sale's
only unit, is already chosen) → Tab to the reason → F12 → the manager's PIN → Enter.
refund_sale checks everything (reason, approval, a unit refunded once); its refusals are
shown under the scan field, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.paperwork.receipts import refund_receipt
from app.pos.checkout import Till
from app.pos.records import RefundRecord, SaleRecord, TenderRecord
from app.pos.refund_reasons import RefundReason, reason_named, refund_reasons
from app.pos.refunds import DEFECTIVE, RefundQuote, RefundRequest, quote_refund, refund_sale
from app.pos.sales import find_sale_of_unit, get_sale
from app.scan import (
    BundleScan,
    ItemScan,
    SaleScan,
    ScanResult,
    SerialChoice,
    UnitScan,
    UnknownScan,
    resolve_scan,
)
from app.stock.queries import list_locations
from app.stock.records import LocationRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.approval_dialog import ApprovalDialog
from app.ui.pos.dialog_host import DialogHost
from app.ui.pos.keyed import keyed_action, shortcuts_first
from app.ui.pos.receipt_preview import DonePanel
from app.ui.pos.scanning import TakesScans
from app.ui.pos.till import locate_till, till_of
from app.ui.refund import refund_model as cols
from app.ui.refund.refund_model import RefundLinesModel
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable
from app.users.roles import Actor, Permission

SCAN_PLACEHOLDER = "Scan the receipt, or the serial of the unit coming back — then Enter"
NO_SALE_TEXT = "Scan a receipt barcode (R-…) or a unit's serial to find its sale"
REFUND_SLIP_PREFIX = "RF-"


class RefundScanEdit(QLineEdit):
    """Down goes to the sale's lines; Escape clears what was typed."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class ReasonEdit(QLineEdit):
    """The reason. Empty, a digit picks the shop's reason of that number (`preset`)."""

    preset = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if not self.text() and len(text) == 1 and text in "123456789":
            self.preset.emit(int(text) - 1)
            return
        super().keyPressEvent(event)


def tenders_text(money: Callable[[int], str], tenders: Sequence[TenderRecord]) -> str:
    """'card $300.00 + cash $199.00': each tender the money goes back to."""
    return " + ".join(f"{t.kind} {money(t.amount)}" for t in tenders) or "nothing"


class RefundLinesTable(ShopTable):
    """Space chooses a line (all of it); + and − change how many come back."""

    toggle = Signal(int)
    step = Signal(int, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        if row >= 0:
            if event.key() == Qt.Key.Key_Space:
                self.toggle.emit(row)
                return
            if event.text() == "+":
                self.step.emit(row, 1)
                return
            if event.text() in ("-", "−"):
                self.step.emit(row, -1)
                return
        super().keyPressEvent(event)


REFUND_SHOWS = (Change.SALES, Change.REFUNDS)
# A refund changes these whether or not the services name them in their events yet.
REFUND_CHANGES = frozenset({Change.REFUNDS, Change.SALES, Change.UNITS})


def _serial_of(result: ScanResult) -> str | None:
    """The serial a scan named, to choose its line on the sale found."""
    match result:
        case UnitScan(unit):
            return unit.serial
        case SerialChoice(units):
            return units[0].serial
    return None


def _sale_of(store: Store, actor: Actor, result: ScanResult) -> SaleRecord | None:
    """The sale a scanned receipt or sold unit leads to (read on the worker, with the scan)."""
    match result:
        case SaleScan(number) if not number.upper().startswith(REFUND_SLIP_PREFIX):
            return get_sale(store, actor, number)
    serial = _serial_of(result)
    return find_sale_of_unit(store, actor, serial) if serial is not None else None


class RefundView(TakesScans, QWidget):
    """Signals: problem(str) for the status bar; notice(str) after a refund;
    refund_completed(RefundRecord) for the print queue (the refund slip)."""

    title = "Refund"
    problem = Signal(str)
    notice = Signal(str)
    refund_completed = Signal(object)

    def __init__(
        self, store: Store, fmt: ShopFormat, shop: ShopSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RefundView")
        self._store = store
        self._fmt = fmt
        self._shop = shop
        self.till = till_of(shop)
        self.actor: Actor | None = None
        self.dialogs = DialogHost(on_idle=self._dialog_closed, busy_scan=self._scan_while_busy)
        self.lines_model = RefundLinesModel(fmt, parent=self)
        self.lines_model.dataChanged.connect(lambda *_: self._show_choice())
        self.lines_model.modelReset.connect(self._show_choice)
        self.init_scans()
        self._build()
        self.ops = Ops(store, self, show_problem=self.message.show_problem)
        self.follow = FollowChanges(self, store, REFUND_SHOWS, self._records_changed)
        self.set_actor(None)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.scan_edit = RefundScanEdit()
        self.scan_edit.setObjectName("ScanEdit")
        shortcuts_first(self.scan_edit, self)
        self.scan_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.returnPressed.connect(self._scan_field_entered)
        self.scan_edit.down.connect(self.focus_lines)
        self.message = MessageLine(till=True)
        self.sale_label = QLabel()
        self.sale_label.setObjectName("RefundSale")
        self.sale_label.setWordWrap(True)

        self.lines_table = RefundLinesTable(empty_text=NO_SALE_TEXT)
        self.lines_table.setObjectName("RefundLines")
        self.lines_table.setModel(self.lines_model)
        self.lines_table.toggle.connect(self._toggle)
        self.lines_table.step.connect(self._step)
        self.lines_table.verticalHeader().setDefaultSectionSize(34)
        header = self.lines_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(cols.ITEM, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (cols.BACK, 60),
            (cols.SERIAL, 140),
            (cols.SOLD, 60),
            (cols.ALREADY, 110),
            (cols.RETURNING, 110),
            (cols.PAID, 140),
        ):
            self.lines_table.setColumnWidth(column, width)

        self.reasons = refund_reasons(self._shop.refund_reasons)
        self.reason_edit = ReasonEdit()
        self.reason_edit.setObjectName("RefundReason")
        self.reason_edit.setPlaceholderText("A number below, or the reason in words")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.returnPressed.connect(self.complete_refund)
        self.reason_edit.preset.connect(self.choose_reason)
        self.reason_edit.textEdited.connect(self._reason_typed)
        self.reasons_label = QLabel(
            "   ".join(
                # Each reason whole on its line: the label wraps between reasons only.
                (f"{n} {r.title}" + (" → defective" if r.defective else "")).replace(" ", "\u00a0")
                for n, r in enumerate(self.reasons, start=1)
            )
        )
        self.reasons_label.setObjectName("FormNote")
        self.reasons_label.setWordWrap(True)
        self._quote: RefundQuote | None = None
        self.restock_combo = QComboBox()
        self.restock_combo.setObjectName("RefundRestock")
        self.refund_to_combo = QComboBox()
        self.refund_to_combo.setObjectName("RefundTo")
        self.refund_to_combo.addItem("Original payment (cards first)", False)
        self.refund_to_combo.addItem("Cash", True)
        self.refund_to_combo.currentIndexChanged.connect(lambda _i: self._show_choice())
        self.choice_label = QLabel()
        self.choice_label.setObjectName("RefundChoice")

        self._actions: list[QAction] = []

        def act(text: str, key: str, slot: Callable[[], object], name: str = "") -> QWidget:
            action, button = keyed_action(self, text, key, slot, object_name=name)
            self._actions.append(action)
            return button

        refund = act("Refund", "F12", self.complete_refund, "PayButton")
        clear = act("Clear", "F3", self.clear_sale)
        act("Lines", "F4", self.focus_lines)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(self._buddy("&Reason", self.reason_edit), self.reason_edit)
        form.addRow("", self.reasons_label)
        form.addRow(self._buddy("Re&stock to", self.restock_combo), self.restock_combo)
        form.addRow(self._buddy("Refund &to", self.refund_to_combo), self.refund_to_combo)
        bottom = QHBoxLayout()
        bottom.addLayout(form, 2)
        finish = QVBoxLayout()
        finish.addWidget(self.choice_label)
        finish.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(clear)
        buttons.addWidget(refund, 1)
        finish.addLayout(buttons)
        bottom.addSpacing(24)
        bottom.addLayout(finish, 1)

        choose = QWidget()
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(0, 0, 0, 0)
        choose_layout.addWidget(self.sale_label)
        choose_layout.addWidget(self.lines_table, 1)
        choose_layout.addLayout(bottom)

        self.done_page = DonePanel()
        self.pages = QStackedWidget()
        self.pages.addWidget(choose)
        self.pages.addWidget(self.done_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(self.scan_edit)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        self.setTabOrder(self.scan_edit, self.lines_table)
        self.setTabOrder(self.lines_table, self.reason_edit)
        self.setTabOrder(self.reason_edit, self.restock_combo)
        self.setTabOrder(self.restock_combo, self.refund_to_combo)

    @staticmethod
    def _buddy(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    # ------------------------------------------------------------------ ShopView

    def set_actor(self, actor: Actor | None) -> None:
        self.actor = actor
        if actor is None:
            self.dialogs.close()
            self.drop_scans()
        for action in self._actions:
            action.setEnabled(actor is not None)
        for widget in (self.scan_edit, self.lines_table, self.reason_edit):
            widget.setEnabled(actor is not None)
        self._load_restock_choices()
        if actor is None:
            self.clear_sale()
            self.message.clear()
        else:
            # A missing location is said by the POS view; here it only sets the restock default.
            locate_till(self.ops, self._store, self.till, self._shop, self._located, _ignore)

    def _located(self, till: Till) -> None:
        # The restock default is the till's own location (the POS view says when it is missing).
        self.till = till
        here = self.restock_combo.findData(till.location)
        if here >= 0:
            self.restock_combo.setCurrentIndex(here)

    def refresh(self) -> None:
        """F5: the restock places, and the open sale as the store has it now."""
        self._load_restock_choices()
        sale, actor, store = self.lines_model.sale, self.actor, self._store
        if sale is not None and actor is not None:
            self.ops.run(
                lambda: get_sale(store, actor, sale.number), success=self._load, name="sale"
            )

    def _records_changed(self) -> None:
        """A sale or refund changed (here or at another till): the open sale as it is now,
        unless the cashier has begun choosing what comes back (that is not undone)."""
        sale, actor, store = self.lines_model.sale, self.actor, self._store
        if sale is not None and actor is not None and not self.lines_model.chosen():
            self.ops.run(
                lambda: get_sale(store, actor, sale.number), success=self._reloaded, name="sale"
            )

    def _reloaded(self, sale: SaleRecord) -> None:
        current = self.lines_model.sale
        if current is not None and current.number == sale.number and not self.lines_model.chosen():
            self.lines_model.set_sale(sale)
            self._show_sale(sale)

    def focus_search(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    def focus_lines(self) -> None:
        if self.lines_model.rowCount() == 0:
            return
        self.pages.setCurrentIndex(0)
        if not self.lines_table.currentIndex().isValid():
            self._select_row(0)
        self.lines_table.setFocus()

    def _load_restock_choices(self) -> None:
        self.restock_combo.clear()
        if self.actor is None:
            return
        store, actor = self._store, self.actor
        self.ops.latest(
            lambda: list_locations(store, actor),
            success=self._show_restock_choices,
            failure=self._choices_refused,
            name="restock choices",
        )

    def _choices_refused(self, error: UserError) -> None:
        self.problem.emit(error.message)

    def _show_restock_choices(self, locations: list[LocationRecord]) -> None:
        self.restock_combo.clear()
        if self.actor is None:
            return
        for location in locations:
            if location.sellable:
                self.restock_combo.addItem(location.name, location.name)
        self.restock_combo.addItem("Defective (not for sale)", DEFECTIVE)
        here = self.restock_combo.findData(self.till.location)
        self.restock_combo.setCurrentIndex(max(here, 0))

    # ------------------------------------------------------------------ finding the sale

    def act_on_scan(self, code: str) -> bool:
        actor = self.actor
        if actor is None:
            return False
        self.pages.setCurrentIndex(0)
        # A unit of the open sale: it is one of the things coming back.
        row = self.lines_model.row_of_serial(code)
        if row >= 0:
            self._choose_scanned(row)
            return False
        store, location = self._store, self.till.location

        def look_up() -> tuple[ScanResult, SaleRecord | None]:
            result = resolve_scan(store, actor, code, location=location)
            return result, _sale_of(store, actor, result)

        return self.ops.run(look_up, success=self._found, failure=self._scan_refused, name="scan")

    def _scan_refused(self, error: UserError) -> None:
        self.message.show_problem(error.message)
        self.scan_done()

    def _found(self, found: tuple[ScanResult, SaleRecord | None]) -> None:
        try:
            if self.actor is not None:
                self._act_on(*found)
        finally:
            self.scan_done()

    def _act_on(self, result: ScanResult, sale: SaleRecord | None) -> None:
        match result:
            case SaleScan(number) if number.upper().startswith(REFUND_SLIP_PREFIX):
                self.message.show_problem(
                    f"{number} is a refund slip; scan the receipt of the sale instead"
                )
            case SaleScan() | UnitScan() | SerialChoice() if sale is not None:
                self._load(sale, _serial_of(result))
            case ItemScan(item) | BundleScan(item):
                self.message.show_problem(
                    f"that is the barcode of {item.name}: scan the receipt, or the serial"
                    " on the unit itself"
                )
            case UnknownScan(_code, message):
                self.message.show_problem(message)

    def _load(self, sale: SaleRecord, serial: str | None = None) -> None:
        self.lines_model.set_sale(sale)
        self.reason_edit.clear()
        self._show_sale(sale)
        row = self.lines_model.row_of_serial(serial) if serial else -1
        if row >= 0:
            self._choose_scanned(row)
        elif not any(line.refundable_qty for line in sale.lines):
            self.message.show_problem(f"everything on {sale.number} has been refunded already")
        elif self.lines_model.chosen():
            self.message.show_info(f"{sale.number}: its one unit is coming back — type the reason")
            self.reason_edit.setFocus()
        else:
            self.message.show_info(f"{sale.number}: Space on each line coming back")
            self.focus_lines()

    def _choose_scanned(self, row: int) -> None:
        line = self.lines_model.line(row)
        sale = self.lines_model.sale
        assert sale is not None
        if not self.lines_model.choose(row):
            self.message.show_problem(
                f"{line.serial or line.sku} from {sale.number} has been refunded already"
            )
            return
        self._select_row(row)
        self.message.show_info(
            f"{line.description} — {line.serial} is coming back from {sale.number}."
            " Scan more units, or type the reason"
        )
        self.reason_edit.setFocus()

    def _show_sale(self, sale: SaleRecord) -> None:
        customer = f" · Customer: {sale.customer}" if sale.customer else ""
        refunds = f" · Refunds so far: {', '.join(sale.refunds)}" if sale.refunds else ""
        self.sale_label.setText(
            f"<b>Sale {sale.number}</b> · {self._fmt.moment(sale.at)} · {sale.till} · "
            f"{sale.cashier}{customer} · Total {self._fmt.money(sale.total)}{refunds}"
        )

    def _dialog_closed(self) -> None:
        self.window().activateWindow()  # the keyboard comes back to the till's window
        if self.pages.currentWidget() is self.done_page:
            self.focus_search()

    def clear_sale(self) -> None:
        self.lines_model.set_sale(None)
        self.sale_label.clear()
        self.reason_edit.clear()
        self.pages.setCurrentIndex(0)
        self.focus_search()

    # ------------------------------------------------------------------ choosing lines

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

    # ------------------------------------------------------------------ refunding

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
            dialog = ApprovalDialog(self._store, said, self)
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

    # ------------------------------------------------------------------ dialogs

    @property
    def dialog(self) -> QDialog | None:
        """The dialog open over the view, if any (tests drive it)."""
        return self.dialogs.dialog

    def _scan_while_busy(self, code: str) -> None:
        self.message.show_problem(f"scanned {code.strip()} while a window is open: close it first")


def _ignore(_problem: str) -> None:
    """The POS view tells the cashier about a missing till location."""
