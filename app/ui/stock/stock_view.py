"""The Stock view: the serial inventory list with its filters and a unit's history, stock
by location and stock valuation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.events import Change
from app.paperwork.labels import LabelSource
from app.stock import queries
from app.stock.queries import UnitFilter
from app.stock.records import ItemRecord, LocationRecord, UnitRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.models.units_model import UnitsTableModel
from app.ui.ops import Ops
from app.ui.stock.counts_page import CountsPage
from app.ui.stock.expected_dialog import ExpectedDeliveryDialog
from app.ui.stock.filter_bar import UnitFilterBar
from app.ui.stock.history_panel import UnitHistoryPanel
from app.ui.stock.labels_dialog import LabelsDialog
from app.ui.stock.locations_page import LocationsPage
from app.ui.stock.products_page import ProductsPage
from app.ui.stock.recall_page import RecallPage
from app.ui.stock.receive_dialog import ReceiveDialog
from app.ui.stock.summaries import StockByLocationPanel, SummaryPanel, ValuationPanel
from app.ui.stock.unit_moves import TransferDialog, WarrantyDialog, WriteOffDialog
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission

STOCK_SHOWS = (Change.UNITS, Change.ITEMS, Change.LOCATIONS)
NO_MATCH_TEXT = "No units match"
NO_UNITS_TEXT = "No serial units yet — received stock will appear here"


class SerialUnitsPage(QWidget):
    """Filter bar, the paged inventory list, and the selected unit's history under it."""

    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._actor: Actor | None = None
        self._shown_unit: UnitRecord | None = None
        self._ops = Ops(store, self, show_problem=self.problem.emit)

        self.filter_bar = UnitFilterBar()
        self.model = UnitsTableModel(store, fmt, parent=self)
        self.table = ShopTable(empty_text=NO_UNITS_TEXT)
        self.table.setObjectName("UnitsTable")
        self.table.setModel(self.model)
        # Several units at once: Shift/Ctrl+click or Shift+arrows, for transfers and labels.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        apply_column_defaults(self.table, self.model.columns)
        self._chooser = ColumnChooser(self.table)
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLine")
        self.transfer_button = QPushButton("Transfer…   F6")
        # The page's own shortcut: F6 elsewhere (POS) means something else.
        self.transfer_action = QAction("Transfer", self)
        self.transfer_action.setShortcut(QKeySequence("F6"))
        self.transfer_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.transfer_action.triggered.connect(self.transfer_button.click)
        self.addAction(self.transfer_action)
        self.write_off_button = QPushButton("Write off…")
        self.warranty_button = QPushButton("Warranty…")
        self.unit_labels_button = QPushButton("Labels…")
        self.done_line = MessageLine(name="NoteLine")  # what the last action on units did
        self.history = UnitHistoryPanel(store, fmt)

        self.filter_bar.changed.connect(self._filter_changed)
        self.filter_bar.leave_down.connect(self.focus_list)
        self.model.failed.connect(self.problem)
        self.model.loaded.connect(self._show_count)
        self.model.modelReset.connect(lambda: self.history.show_unit(None))
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.history.problem.connect(self.problem)

        units = QWidget()
        units_layout = QVBoxLayout(units)
        units_layout.setContentsMargins(12, 0, 12, 0)
        units_layout.setSpacing(4)
        units_layout.addWidget(self.table, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label)
        actions.addWidget(self.done_line, 1)
        for button in (
            self.transfer_button,
            self.write_off_button,
            self.warranty_button,
            self.unit_labels_button,
        ):
            actions.addWidget(button)
        units_layout.addLayout(actions)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(12, 8, 12, 8)
        history_layout.addWidget(self.history)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(units)
        splitter.addWidget(history)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_bar)
        layout.addWidget(splitter, 1)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        # Costs only for roles that may view them (the query blanks them for the others).
        self.table.setColumnHidden(
            next(i for i, c in enumerate(self.model.columns) if c.key == "cost"),
            actor is None or not actor.can(Permission.VIEW_COSTS),
        )
        self.history.set_actor(actor)
        self._load_choices()
        self.model.set_actor(actor)

    def refresh(self) -> None:
        """Reloads the lists and the units (new stock, other tills' sales)."""
        self._load_choices()
        self.model.refresh()

    def reload(self) -> None:
        """A change notice: the same rows read again, the selection kept where it can be,
        and the selected unit's history with them."""
        self._load_choices()
        self.model.reload()
        self.history.refresh()

    def focus_list(self) -> None:
        """Down from the search box: into the list, with a row selected to act on."""
        # Select before focusing: a focused view makes its own current row, unselected.
        selection = self.table.selectionModel()
        if self.model.rowCount() and not selection.hasSelection():
            row = max(self.table.currentIndex().row(), 0)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.setCurrentIndex(self.model.index(row, 0), flags)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _load_choices(self) -> None:
        if self._actor is None:
            self.filter_bar.set_choices([], [])
            return
        store, actor = self._store, self._actor

        def choices() -> tuple[list[ItemRecord], list[LocationRecord]]:
            items = queries.list_items(store, actor, include_inactive=True)
            return items, queries.list_locations(store, actor)

        self._ops.latest(choices, success=self._show_choices, name="choices")

    def _show_choices(self, found: tuple[list[ItemRecord], list[LocationRecord]]) -> None:
        if self._actor is None:
            return
        items, locations = found
        # Only serialized items have units to list; bulk items would always show nothing.
        self.filter_bar.set_choices([i for i in items if i.serialized], locations)
        # A chosen item or location that has gone falls back to "all": the list follows.
        self.filter_bar.apply_now()

    def _filter_changed(self, unit_filter: UnitFilter) -> None:
        self.model.set_filter(unit_filter)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._shown_unit = self.model.unit(current.row()) if current.isValid() else None
        self.history.show_unit(self._shown_unit)

    def _follow_current_unit(self) -> None:
        # Rows read again (a transfer, a write-off): the heading says where the unit is now.
        current = self.table.currentIndex()
        if not current.isValid() or current.row() >= self.model.rowCount():
            return
        fresh = self.model.unit(current.row())
        shown = self._shown_unit
        if shown is not None and fresh.id == shown.id and fresh != shown:
            self._shown_unit = fresh
            self.history.show_unit(fresh)

    def _show_count(self) -> None:
        self._follow_current_unit()
        rows = self.model.rowCount()
        filtering = self.filter_bar.is_filtering()
        self.table.set_empty_text(NO_MATCH_TEXT if filtering else NO_UNITS_TEXT)
        if rows == 0:
            self.count_label.clear()
        elif self.model.has_more:
            self.count_label.setText(f"First {rows:,} units shown — more load as you scroll")
        else:
            self.count_label.setText(f"{rows:,} unit{'s' if rows != 1 else ''}")


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
        page = self.units_page
        rows = sorted(index.row() for index in page.table.selectionModel().selectedRows())
        chosen = [page.model.unit(row) for row in rows if row < page.model.rowCount()]
        if not chosen:
            current = self._selected_unit()
            return [current] if current is not None else []
        return chosen

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
        page = self.units_page
        index = page.table.currentIndex()
        return page.model.unit(index.row()) if index.isValid() else None

    def _records_changed(self) -> None:
        if self._actor is not None:
            self.units_page.reload()
            self._refresh_current_summary()

    def _refresh_current_summary(self) -> None:
        current = self.tabs.currentWidget()
        for panel in self._summaries:
            if panel is current:
                panel.refresh()
