"""The open tickets list: filters (status, technician, overdue), a search by number,
customer or serial, and the paged table. Enter (or a double click) opens a ticket."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.tickets.queries import TicketFilter
from app.tickets.statuses import TicketStatus
from app.ui.formatting import ShopFormat
from app.ui.tickets.tickets_model import TicketsTableModel
from app.ui.widgets.tables import ColumnChooser, ShopTable, apply_column_defaults
from app.users.roles import Actor

SEARCH_DELAY_MS = 250
ALL_CLOSED = "closed"  # the status filter's "every ticket, closed too"


class TicketTable(ShopTable):
    """Enter opens the current ticket."""

    open_row = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class TicketListPage(QWidget):
    """Signals: opened(number) — the desk wants this ticket's detail."""

    opened = Signal(str)
    problem = Signal(str)

    def __init__(
        self, store: Store, fmt: ShopFormat, *, stale_days: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = TicketsTableModel(store, fmt, stale_days=stale_days, parent=self)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("TicketSearch")
        self.search_edit.setPlaceholderText("Find a ticket by number, customer or serial")
        self.search_edit.setClearButtonEnabled(True)
        self.status_box = QComboBox()
        self.status_box.addItem("Open tickets", None)
        for status in TicketStatus:
            self.status_box.addItem(status.label.capitalize(), status.value)
        self.status_box.addItem("All, closed too", ALL_CLOSED)
        self.technician_box = QComboBox()
        self.technician_box.addItem("Any technician", None)
        self.technician_box.setMinimumContentsLength(14)
        self.overdue_box = QCheckBox("Overdue only")
        self.table = TicketTable(empty_text="No open tickets — scan a device to take one in")
        self.table.setObjectName("TicketsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)
        self._chooser = ColumnChooser(self.table)
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLine")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)

        self.search_edit.textEdited.connect(lambda _t: self._timer.start())
        self.search_edit.returnPressed.connect(self.apply_filter)
        self.status_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.technician_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.overdue_box.toggled.connect(lambda _on: self.apply_filter())
        self.table.open_row.connect(self._open_row)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.model.loaded.connect(self._show_count)
        self.model.failed.connect(self.problem)

        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.status_box)
        bar.addWidget(self.technician_box)
        bar.addWidget(self.overdue_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def set_actor(self, actor: Actor | None) -> None:
        self.model.set_actor(actor)

    def set_technicians(self, technicians: list[Actor]) -> None:
        chosen = self.technician_box.currentData()
        self.technician_box.blockSignals(True)
        self.technician_box.clear()
        self.technician_box.addItem("Any technician", None)
        for tech in technicians:
            self.technician_box.addItem(tech.name, tech.id)
        at = self.technician_box.findData(chosen)
        self.technician_box.setCurrentIndex(max(at, 0))
        self.technician_box.blockSignals(False)

    def current_filter(self) -> TicketFilter:
        status = self.status_box.currentData()
        return TicketFilter(
            status=TicketStatus(status) if status not in (None, ALL_CLOSED) else None,
            closed_too=status == ALL_CLOSED,
            technician_id=self.technician_box.currentData(),
            overdue=self.overdue_box.isChecked(),
            search=self.search_edit.text().strip(),
        )

    def apply_filter(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.current_filter())

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.opened.emit(self.model.ticket(row).number)

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        if rows == 0:
            self.count_label.clear()
        elif self.model.has_more:
            self.count_label.setText(f"First {rows:,} tickets shown — more load as you scroll")
        else:
            self.count_label.setText(f"{rows:,} ticket{'s' if rows != 1 else ''}")

    def current_index(self) -> QModelIndex:
        return self.table.currentIndex()
