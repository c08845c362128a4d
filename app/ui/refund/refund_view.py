"""The Refund view: scan the receipt (or a unit that was sold), choose what comes back,
say why and where it goes, a manager approves, and the refund slip shows.

Keyboard path: scan → Space on the lines coming back (a scanned unit's line, or a sale's
only unit, is already chosen) → Tab to the reason → F12 → the manager's PIN → Enter.
refund_sale checks everything (reason, approval, a unit refunded once); its refusals are
shown under the scan field, never raised.

The view is built here; its steps are parts (refund_parts.py): refund_lookup.py (finding
the sale), refund_choice.py (what comes back and why), refund_flow.py (refunding).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.pos.records import SaleRecord
from app.pos.refund_reasons import refund_reasons
from app.pos.refunds import DEFECTIVE, RefundQuote
from app.pos.sales import get_sale
from app.stock.queries import list_locations
from app.stock.records import LocationRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.dialog_host import DialogHost
from app.ui.pos.keyed import keyed_action, shortcuts_first
from app.ui.pos.receipt_preview import DonePanel
from app.ui.pos.till import till_of
from app.ui.refund import refund_model as cols
from app.ui.refund.refund_choice import ChoosesLines
from app.ui.refund.refund_flow import RefundsTheSale
from app.ui.refund.refund_lookup import FindsTheSale
from app.ui.refund.refund_model import RefundLinesModel
from app.ui.refund.refund_widgets import ReasonEdit, RefundLinesTable, RefundScanEdit
from app.ui.till_place import TillPlace
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

SCAN_PLACEHOLDER = "Scan the receipt, or the serial of the unit coming back — then Enter"
NO_SALE_TEXT = "Scan a receipt barcode (R-…) or a unit's serial to find its sale"
REFUND_SHOWS = (Change.SALES, Change.REFUNDS)


class RefundView(FindsTheSale, ChoosesLines, RefundsTheSale, QWidget):
    """Signals: problem(str) for the status bar; notice(str) after a refund;
    refund_completed(RefundRecord) for the print queue (the refund slip)."""

    title = "Refund"
    problem = Signal(str)
    notice = Signal(str)
    refund_completed = Signal(object)

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        shop: ShopSettings,
        parent: QWidget | None = None,
        *,
        place: TillPlace | None = None,
    ) -> None:
        """`place`: where the till sells from, shared with the POS view (which says when
        it is missing); else the view looks it up on its own."""
        super().__init__(parent)
        self.setObjectName("RefundView")
        self._store = store
        self._fmt = fmt
        self._shop = shop
        self.till = till_of(shop)
        self.place = place or TillPlace(store, shop, self)
        self._own_place = place is None  # a shared one is the window's to forget at a lock
        # A missing location is said by the POS view; here it only sets the restock default.
        self.place.located.connect(self._located)
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
        self.scan_edit = scan_edit = RefundScanEdit()
        scan_edit.setObjectName("ScanEdit")
        shortcuts_first(scan_edit, self)
        scan_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        scan_edit.setClearButtonEnabled(True)
        scan_edit.returnPressed.connect(self._scan_field_entered)
        scan_edit.down.connect(self.focus_lines)
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
        self.reason_edit = reason_edit = ReasonEdit()
        reason_edit.setObjectName("RefundReason")
        reason_edit.setPlaceholderText("A number below, or the reason in words")
        reason_edit.setMaxLength(200)
        reason_edit.returnPressed.connect(self.complete_refund)
        reason_edit.preset.connect(self.choose_reason)
        reason_edit.textEdited.connect(self._reason_typed)
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
            if self._own_place:
                self.place.log_out()
        for action in self._actions:
            action.setEnabled(actor is not None)
        for widget in (self.scan_edit, self.lines_table, self.reason_edit):
            widget.setEnabled(actor is not None)
        self._load_restock_choices()
        if actor is None:
            self.clear_sale()
            self.message.clear()
        else:
            self.place.log_in()

    def _located(self, location: str) -> None:
        # The restock default is the till's own location (the POS view says when it is missing).
        self.till = replace(self.till, location=location)
        here = self.restock_combo.findData(location)
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
