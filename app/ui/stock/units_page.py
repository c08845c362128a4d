"""The Serial units page of the Stock view: filter bar, the paged inventory list (several
units selectable for transfers and labels) and the selected unit's history."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.stock import queries
from app.stock.queries import UnitFilter
from app.stock.records import ItemRecord, LocationRecord, UnitRecord
from app.ui.formatting import ShopFormat
from app.ui.models.units_model import UnitsTableModel
from app.ui.ops import Ops
from app.ui.stock.filter_bar import UnitFilterBar
from app.ui.stock.history_panel import UnitHistoryPanel
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission

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

    def current_unit(self) -> UnitRecord | None:
        """The unit of the list's current row, if any."""
        index = self.table.currentIndex()
        return self.model.unit(index.row()) if index.isValid() else None

    def selected_units(self) -> list[UnitRecord]:
        """The units selected in the list, top to bottom (the current one if none is)."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        chosen = [self.model.unit(row) for row in rows if row < self.model.rowCount()]
        if not chosen:
            current = self.current_unit()
            return [current] if current is not None else []
        return chosen
