"""The Stock view: the serial inventory list with its filters and a unit's history, stock
by location and stock valuation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.db.uow import Store
from app.errors import UserError
from app.stock import queries
from app.stock.queries import UnitFilter
from app.ui.formatting import ShopFormat
from app.ui.models.units_model import UnitsTableModel
from app.ui.stock.filter_bar import UnitFilterBar
from app.ui.stock.history_panel import UnitHistoryPanel
from app.ui.stock.summaries import StockByLocationPanel, SummaryPanel, ValuationPanel
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor

NO_MATCH_TEXT = "No units match"
NO_UNITS_TEXT = "No serial units yet — received stock will appear here"


class SerialUnitsPage(QWidget):
    """Filter bar, the paged inventory list, and the selected unit's history under it."""

    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._actor: Actor | None = None

        self.filter_bar = UnitFilterBar()
        self.model = UnitsTableModel(store, fmt, parent=self)
        self.table = ShopTable(empty_text=NO_UNITS_TEXT)
        self.table.setObjectName("UnitsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)
        self._chooser = ColumnChooser(self.table)
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLine")
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
        units_layout.addWidget(self.count_label)
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
        self.history.set_actor(actor)
        self._load_choices()
        self.model.set_actor(actor)

    def refresh(self) -> None:
        """Reloads the lists and the units (new stock, other tills' sales)."""
        self._load_choices()
        self.model.refresh()

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
        try:
            items = queries.list_items(self._store, self._actor, include_inactive=True)
            locations = queries.list_locations(self._store, self._actor)
        except UserError as exc:
            self.problem.emit(exc.message)
            return
        # Only serialized items have units to list; bulk items would always show nothing.
        self.filter_bar.set_choices([i for i in items if i.serialized], locations)
        # A chosen item or location that has gone falls back to "all": the list follows.
        self.filter_bar.apply_now()

    def _filter_changed(self, unit_filter: UnitFilter) -> None:
        self.model.set_filter(unit_filter)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.history.show_unit(self.model.unit(current.row()) if current.isValid() else None)

    def _show_count(self) -> None:
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
    """The stock manager's view: serial units, stock by location, valuation."""

    title = "Stock"
    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StockView")
        self.units_page = SerialUnitsPage(store, fmt)
        self.by_location = StockByLocationPanel(store)
        self.valuation = ValuationPanel(store, fmt)
        self._summaries: tuple[SummaryPanel[Any], ...] = (self.by_location, self.valuation)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.units_page, "Serial units")
        self.tabs.addTab(self.by_location, "Stock by location")
        self.tabs.addTab(self.valuation, "Valuation")
        # Summaries scan all stock: compute them when looked at, not on every change.
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current_summary())

        for part in (self.units_page, self.by_location, self.valuation):
            part.problem.connect(self.problem)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def set_actor(self, actor: Actor | None) -> None:
        self.units_page.set_actor(actor)
        for panel in self._summaries:
            panel.set_actor(actor)
        self._refresh_current_summary()

    def refresh(self) -> None:
        self.units_page.refresh()
        self._refresh_current_summary()

    def focus_search(self) -> None:
        """Ctrl+F: to the serial search box, from anywhere in the view."""
        self.tabs.setCurrentWidget(self.units_page)
        self.units_page.filter_bar.focus_search()

    def _refresh_current_summary(self) -> None:
        current = self.tabs.currentWidget()
        for panel in self._summaries:
            if panel is current:
                panel.refresh()
