"""Counts: start a count of a location, or resume one still open (every scan is saved as
it is made, so a count can stop for lunch)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.db.uow import Store
from app.events import Change
from app.stock import queries
from app.stock.count_records import CountTally
from app.stock.counts import count_tally, open_counts, start_count
from app.stock.records import LocationRecord
from app.ui.changes import FollowChanges
from app.ui.models.columns import RIGHT, Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.stock.count_dialog import CountDialog
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission

COUNT_COLUMNS: list[Column[CountTally]] = [
    Column("id", "Count", lambda t: str(t.count_id), width=70),
    Column("expected", "Expected", lambda t: f"{t.expected:,}", align=RIGHT, width=90),
    Column("counted", "Counted", lambda t: f"{t.counted:,}", align=RIGHT, width=90),
    Column("missing", "Missing", lambda t: f"{t.missing:,}", align=RIGHT, width=90),
    Column(
        "unexpected",
        "Unexpected",
        lambda t: f"{t.unexpected:,}",
        align=RIGHT,
        width=90,
    ),
    Column("location", "Location", lambda t: t.location, width=200, stretch=True),
]


class CountsPage(QWidget):
    problem = Signal(str)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CountsPage")
        self._store = store
        self._actor: Actor | None = None
        self.dialog: CountDialog | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        self.location_box = QComboBox()
        self.location_box.setMinimumWidth(220)
        self.start_button = QPushButton("Start count")
        self.start_button.setObjectName("PrimaryButton")
        self.resume_button = QPushButton("Resume selected   Enter")
        self.model: RecordTableModel[CountTally] = RecordTableModel(COUNT_COLUMNS, self)
        self.table = ShopTable(empty_text="No count is open: choose a location and start one")
        self.table.setObjectName("CountsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, COUNT_COLUMNS)

        top = QHBoxLayout()
        top.addWidget(QLabel("Count the location"))
        top.addWidget(self.location_box)
        top.addWidget(self.start_button)
        top.addStretch(1)
        top.addWidget(self.resume_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.addLayout(top)
        layout.addWidget(QLabel("Open counts"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.start_button.clicked.connect(self.start)
        self.resume_button.clicked.connect(self.resume_selected)
        self.table.activated.connect(lambda _i: self.resume_selected())
        self.follow = FollowChanges(self, store, (Change.UNITS, Change.LOCATIONS), self.refresh)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        may = actor is not None and actor.can(Permission.COUNT_STOCK)
        self.start_button.setEnabled(may)
        self.resume_button.setEnabled(may)
        if actor is None and self.dialog is not None:
            self.dialog.reject()
        self.refresh()

    def refresh(self) -> None:
        if self._actor is None or not self._actor.can(Permission.COUNT_STOCK):
            self.model.set_records([])
            return
        store, actor = self._store, self._actor

        def load() -> tuple[list[LocationRecord], list[CountTally]]:
            return queries.list_locations(store, actor), open_counts(store, actor)

        self._ops.latest(load, success=self._show, name="counts")

    def focus_search(self) -> None:
        self.location_box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show(self, found: tuple[list[LocationRecord], list[CountTally]]) -> None:
        locations, counts = found
        chosen = self.location_box.currentData()
        self.location_box.clear()
        for loc in locations:
            self.location_box.addItem(loc.name, loc.name)
        if chosen:
            self.location_box.setCurrentIndex(max(self.location_box.findData(chosen), 0))
        self.model.set_records(counts)
        if counts and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def start(self) -> None:
        location = self.location_box.currentData()
        if self._actor is None or not location:
            return
        store, actor = self._store, self._actor
        self._ops.run(
            lambda: start_count(store, actor, location), success=self.open_count, name="start"
        )

    def resume_selected(self) -> None:
        index = self.table.currentIndex()
        if self._actor is None or not index.isValid():
            self.message.show_problem("Select an open count to resume.")
            return
        count_id = self.model.record(index.row()).count_id
        store, actor = self._store, self._actor
        self._ops.run(
            lambda: count_tally(store, actor, count_id), success=self.open_count, name="resume"
        )

    def open_count(self, tally: CountTally) -> None:
        if self._actor is None:
            return
        dialog = CountDialog(self._store, self._actor, tally, self)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        self.refresh()

    def _closed(self, dialog: CountDialog) -> None:
        self.dialog = None
        dialog.deleteLater()
        self.refresh()
