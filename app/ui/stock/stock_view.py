"""The Stock view: its tabs (serial units, stock by location, valuation, products, locations,
count, recall) and what it opens from them: receiving, labels, moves of selected units."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.events import Change
from app.paperwork.labels import LabelSource
from app.stock.records import UnitRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.stock.counts_page import CountsPage
from app.ui.stock.expected_dialog import ExpectedDeliveryDialog
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.locations_page import LocationsPage
from app.ui.stock.products_page import ProductsPage
from app.ui.stock.recall_page import RecallPage
from app.ui.stock.receive_dialog import ReceiveDialog
from app.ui.stock.summaries import StockByLocationPanel, SummaryPanel, ValuationPanel
from app.ui.stock.unit_moves import TransferDialog, WarrantyDialog, WriteOffDialog
from app.ui.stock.units_page import SerialUnitsPage
from app.users.roles import Actor, Permission

STOCK_SHOWS = (Change.UNITS, Change.ITEMS, Change.LOCATIONS)


class StockView(QWidget):
    """The stock manager's view: serial units, stock by location, valuation; receiving
    (Ctrl+R) and serial labels."""

    title = "Stock"
    problem = Signal(str)

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        parent: QWidget | None = None,
        *,
        shop: ShopSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("StockView")
        self._store = store
        self._fmt = fmt
        self._shop = shop or ShopSettings()
        self.unit_dialog: TransferDialog | WriteOffDialog | WarrantyDialog | None = None
        self.expected_dialog: ExpectedDeliveryDialog | None = None
        self._actor: Actor | None = None
        self._print_queue: PrintQueue | None = None
        self.receive_dialog: ReceiveDialog | None = None
        self.labels_dialog: LabelsDialog | None = None
        self.units_page = SerialUnitsPage(store, fmt)
        self.by_location = StockByLocationPanel(store)
        self.valuation = ValuationPanel(store, fmt)
        self._summaries: tuple[SummaryPanel[Any], ...] = (self.by_location, self.valuation)
        self.products_page = ProductsPage(store, fmt)
        self.locations_page = LocationsPage(store)
        self.counts_page = CountsPage(store)
        self.recall_page = RecallPage(store, fmt)
        self._pages = (self.products_page, self.locations_page, self.counts_page, self.recall_page)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.units_page, "Serial units")
        self.tabs.addTab(self.by_location, "Stock by location")
        self.tabs.addTab(self.valuation, "Valuation")
        self.tabs.addTab(self.products_page, "Products")
        self.tabs.addTab(self.locations_page, "Locations")
        self.tabs.addTab(self.counts_page, "Count")
        self.tabs.addTab(self.recall_page, "Recall")
        # Summaries scan all stock: compute them when looked at, not on every change.
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current_summary())

        for part in (self.units_page, self.by_location, self.valuation, *self._pages):
            part.problem.connect(self.problem)
        units = self.units_page
        units.transfer_button.clicked.connect(self.open_transfer)
        units.write_off_button.clicked.connect(self.open_write_off)
        units.warranty_button.clicked.connect(self.open_warranty)
        units.unit_labels_button.clicked.connect(self.open_labels_for_selection)
        self.tabs.setCornerWidget(self._build_actions(), Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.follow = FollowChanges(self, store, STOCK_SHOWS, self._records_changed)

    def _build_actions(self) -> QWidget:
        # Shortcuts live with the view: they work while it is shown, whatever has focus in it.
        self.receive_action = QAction("Receive…", self)
        self.receive_action.setShortcut(QKeySequence("Ctrl+R"))
        self.receive_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.receive_action.triggered.connect(self.open_receive)
        self.addAction(self.receive_action)
        self.receive_button = QPushButton("Receive…   Ctrl+R")
        self.receive_button.setObjectName("ReceiveButton")
        self.receive_button.clicked.connect(self.receive_action.trigger)
        self.labels_button = QPushButton("Labels…")
        self.labels_button.setToolTip("Print labels for the selected units")
        self.labels_button.clicked.connect(self.open_labels_for_selection)
        self.labels_button.setVisible(False)  # beside the unit list now: Labels…
        self.expected_button = QPushButton("Against a list…")
        self.expected_button.setToolTip("Receive against the supplier's list of serials")
        self.expected_button.clicked.connect(self.open_expected)
        corner = QWidget()
        row = QHBoxLayout(corner)
        row.setContentsMargins(0, 4, 12, 4)
        row.addWidget(self.labels_button)
        row.addWidget(self.expected_button)
        row.addWidget(self.receive_button)
        return corner

    def set_print_queue(self, queue: PrintQueue | None) -> None:
        """The till's print queue, so labels can go to a printer (else only to files)."""
        self._print_queue = queue

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        # A hint only: the receiving service checks the role again.
        may_receive = actor is not None and actor.can(Permission.RECEIVE)
        self.receive_action.setEnabled(may_receive)
        self.receive_button.setEnabled(may_receive)
        self.expected_button.setEnabled(may_receive)
        self.labels_button.setEnabled(actor is not None)
        page = self.units_page
        page.unit_labels_button.setEnabled(actor is not None)
        page.transfer_button.setEnabled(actor is not None and actor.can(Permission.TRANSFER))
        page.write_off_button.setEnabled(actor is not None and actor.can(Permission.WRITE_OFF))
        may_warranty = actor is not None and actor.can(Permission.EDIT_WARRANTY)
        page.warranty_button.setEnabled(may_warranty)
        if actor is None:
            if self.receive_dialog is not None:
                self.receive_dialog.close_for_lock()  # locking hides what was open
            for dialog in (self.labels_dialog, self.unit_dialog, self.expected_dialog):
                if dialog is not None:
                    dialog.reject()
        self.units_page.set_actor(actor)
        for part in self._pages:
            part.set_actor(actor)
        for panel in self._summaries:
            panel.set_actor(actor)
        self._refresh_current_summary()

    def refresh(self) -> None:
        self.units_page.refresh()
        self._refresh_current_summary()

    def focus_search(self) -> None:
        """Ctrl+F: to the search of the page on screen (Products, Recall...), else to the
        serial search box."""
        current = self.tabs.currentWidget()
        for page in self._pages:
            if page is current:
                page.focus_search()
                return
        self.tabs.setCurrentWidget(self.units_page)
        self.units_page.filter_bar.focus_search()

    def handle_scan(self, code: str) -> None:
        """A scanned serial: into the recall's list on Recall, else the unit list finds it
        (counting and receiving against a list take scans in their own dialogs)."""
        if self.tabs.currentWidget() is self.recall_page:
            self.recall_page.add_serial(code)
            return
        self.tabs.setCurrentWidget(self.units_page)
        bar = self.units_page.filter_bar
        bar.search_edit.setText(code)
        bar.apply_now()
        self.units_page.focus_list()

    def open_receive(self) -> None:
        """The Receive dialog, on the item of the selected unit if there is one."""
        if self._actor is None:
            return
        if self.receive_dialog is not None and self.receive_dialog.isVisible():
            self.receive_dialog.activateWindow()
            return
        unit = self._selected_unit()
        dialog = ReceiveDialog(
            self._store,
            self._actor,
            self._fmt,
            print_queue=self._print_queue,
            sku=unit.sku if unit is not None else "",
            parent=self,
        )
        self.receive_dialog = dialog
        dialog.open()

    def open_expected(self) -> None:
        """Receiving against the supplier's list, on the selected unit's item if any."""
        if self._actor is None:
            return
        unit = self._selected_unit()
        dialog = ExpectedDeliveryDialog(
            self._store, self._actor, sku=unit.sku if unit is not None else "", parent=self
        )
        self.expected_dialog = dialog
        dialog.open()

    def open_transfer(self) -> None:
        units = self.selected_units()
        if self._actor is None or not units:
            self.problem.emit("Select the units to move in the list first.")
            return
        self._open_unit_dialog(TransferDialog(self._store, self._actor, units, self))

    def open_write_off(self) -> None:
        units = self.selected_units()
        if self._actor is None or not units:
            self.problem.emit("Select the units to write off in the list first.")
            return
        self._open_unit_dialog(WriteOffDialog(self._store, self._actor, units, self._shop, self))

    def open_warranty(self) -> None:
        units = self.selected_units()
        if self._actor is None or len(units) != 1:
            self.problem.emit("Select one sold unit to change its warranty.")
            return
        self._open_unit_dialog(WarrantyDialog(self._store, self._actor, units[0], self._fmt, self))

    def _open_unit_dialog(self, dialog: TransferDialog | WriteOffDialog | WarrantyDialog) -> None:
        def closed(result: int) -> None:
            if result and dialog.done_text:
                self.units_page.done_line.show_done(dialog.done_text)
            self.unit_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        self.unit_dialog = dialog
        dialog.open()

    def selected_units(self) -> list[UnitRecord]:
        """The units selected in the list, top to bottom (the current one if none is)."""
        return self.units_page.selected_units()

    def open_labels_for_selection(self) -> None:
        units = self.selected_units()
        if self._actor is None:
            return
        if not units:
            self.problem.emit("Select the units in the list first.")
            return
        dialog = LabelsDialog(
            self._store,
            self._actor,
            LabelSource.chosen(units),
            print_queue=self._print_queue,
            parent=self,
        )
        self.labels_dialog = dialog
        dialog.open()

    def _selected_unit(self) -> UnitRecord | None:
        return self.units_page.current_unit()

    def _records_changed(self) -> None:
        if self._actor is not None:
            self.units_page.reload()
            self._refresh_current_summary()

    def _refresh_current_summary(self) -> None:
        current = self.tabs.currentWidget()
        for panel in self._summaries:
            if panel is current:
                panel.refresh()
