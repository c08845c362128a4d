"""Locations: the shop's stock places; add one, rename it, say whether its stock may be
sold, retire it (refused while stock is there)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.events import Change
from app.stock import queries
from app.stock.locations import create_location, deactivate_location, edit_location
from app.stock.records import LocationRecord
from app.ui.changes import FollowChanges
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission

LOCATION_COLUMNS: list[Column[LocationRecord]] = [
    Column("name", "Location", lambda loc: loc.name, width=220),
    Column(
        "sellable",
        "Sellable",
        lambda loc: "Sellable" if loc.sellable else "Not sellable",
        stretch=True,
    ),
]


class LocationsPage(QWidget):
    """The list on the left; the selected location's name and flag on the right."""

    problem = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LocationsPage")
        self._store = store
        self._actor: Actor | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        self.model: RecordTableModel[LocationRecord] = RecordTableModel(LOCATION_COLUMNS, self)
        self.table = ShopTable(empty_text="No locations yet: add the first one")
        self.table.setObjectName("LocationsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, LOCATION_COLUMNS)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Front store, Back room, Van 2")
        self.sellable_box = QCheckBox("Stock here may be sold")
        self.sellable_box.setChecked(True)
        self.add_button = QPushButton("Add as new")
        self.save_button = QPushButton("Save changes")
        self.save_button.setObjectName("PrimaryButton")
        self.deactivate_button = QPushButton("Deactivate")

        box = QGroupBox("Location")
        form = QFormLayout(box)
        form.addRow("&Name", self.name_edit)
        form.addRow("", self.sellable_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.deactivate_button)
        form.addRow(buttons)
        side = QVBoxLayout()
        side.addWidget(box)
        side.addWidget(self.message)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.table, 3)
        layout.addLayout(side, 2)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.add_button.clicked.connect(self.add)
        self.save_button.clicked.connect(self.save)
        self.name_edit.returnPressed.connect(self._enter)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.follow = FollowChanges(self, store, (Change.LOCATIONS,), self.refresh)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        may = actor is not None and actor.can(Permission.EDIT_LOCATIONS)
        for widget in (self.add_button, self.save_button, self.deactivate_button):
            widget.setEnabled(may)
        self.refresh()

    def refresh(self) -> None:
        if self._actor is None:
            self.model.set_records([])
            return
        store, actor = self._store, self._actor
        self._ops.latest(
            lambda: queries.list_locations(store, actor), success=self._show, name="locations"
        )

    def focus_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show(self, locations: list[LocationRecord]) -> None:
        chosen = self.selected()
        self.model.set_records(locations)
        names = [loc.name for loc in locations]
        if chosen is not None and chosen.name in names:
            self.table.selectRow(names.index(chosen.name))

    def selected(self) -> LocationRecord | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.record(index.row())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            location = self.model.record(current.row())
            self.name_edit.setText(location.name)
            self.sellable_box.setChecked(location.sellable)

    def _enter(self) -> None:
        chosen = self.selected()
        if chosen is not None and chosen.name == self.name_edit.text().strip():
            self.save()
        elif chosen is None:
            self.add()

    def add(self) -> None:
        if self._actor is None:
            return
        store, actor = self._store, self._actor
        name, sellable = self.name_edit.text(), self.sellable_box.isChecked()
        self._ops.run(
            lambda: create_location(store, actor, name=name, sellable=sellable),
            success=lambda loc: self.message.show_done(f"{loc.name} added."),
            changes={Change.LOCATIONS},
            name="add",
        )

    def save(self) -> None:
        chosen = self.selected()
        if chosen is None or self._actor is None:
            self.message.show_problem("Select a location to change, or Add as new.")
            return
        store, actor, old = self._store, self._actor, chosen.name
        new_name = self.name_edit.text().strip()
        sellable = self.sellable_box.isChecked()

        def write() -> LocationRecord:
            return edit_location(
                store,
                actor,
                old,
                new_name=new_name if new_name != old else None,
                sellable=sellable,
            )

        self._ops.run(
            write,
            success=lambda loc: self.message.show_done(f"{loc.name} saved."),
            changes={Change.LOCATIONS, Change.UNITS},
            name="save",
        )

    def deactivate(self) -> None:
        chosen = self.selected()
        if chosen is None or self._actor is None:
            self.message.show_problem("Select a location first.")
            return
        name = chosen.name
        if not asking.confirm(self, "Deactivate", f"Deactivate {name}?", action="Deactivate"):
            return
        store, actor = self._store, self._actor
        self._ops.run(
            lambda: deactivate_location(store, actor, name),
            success=lambda loc: self.message.show_done(f"{loc.name} deactivated."),
            changes={Change.LOCATIONS},
            name="deactivate",
        )
