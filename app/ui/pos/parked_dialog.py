"""Parking a sale (a label to find it by) and taking one back from the till's parked list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.pos.parking import ParkedCart
from app.ui.formatting import ShopFormat
from app.ui.pos.keyed import key_button

LABEL_MAX = 120


class ParkDialog(QDialog):
    """Asks for a label ('man in the red jacket'); Enter parks, Escape keeps selling."""

    def __init__(self, suggested: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ParkDialog")
        self.setWindowTitle("SerialPOS — Park the sale")
        title = QLabel("Park this sale")
        title.setObjectName("DialogTitle")
        hint = QLabel("A few words to find it again. Units are not held back while it waits.")
        hint.setObjectName("DialogHint")
        hint.setWordWrap(True)
        self.label_edit = QLineEdit(suggested)
        self.label_edit.setObjectName("ParkLabel")
        self.label_edit.setMaxLength(LABEL_MAX)
        self.label_edit.selectAll()
        self.label_edit.returnPressed.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        park = key_button("Park", "Return", self.accept)
        park.setObjectName("PrimaryButton")
        buttons.addWidget(park)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.label_edit)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        self.label_edit.setFocus()

    @property
    def label(self) -> str:
        return self.label_edit.text()


class ResumeDialog(QDialog):
    """The till's parked sales, oldest first; Enter takes the highlighted one back."""

    def __init__(
        self, parked: Sequence[ParkedCart], fmt: ShopFormat, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ResumeDialog")
        self.setWindowTitle("SerialPOS — Resume a parked sale")
        self._parked = tuple(parked)
        self.chosen: ParkedCart | None = None
        title = QLabel("Parked sales")
        title.setObjectName("DialogTitle")
        self.table = QTableWidget(len(self._parked), 4)
        self.table.setObjectName("ParkedTable")
        self.table.setHorizontalHeaderLabels(["Label", "Parked", "By", "Items"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for row, cart in enumerate(self._parked):
            units = sum(line.qty for line in cart.lines)
            cells = (cart.label, fmt.moment(cart.at), cart.cashier, str(units))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, max(self.table.columnWidth(0), 220))
        self.table.activated.connect(lambda index: self._resume_row(index.row()))
        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        resume = key_button("Resume", "Return", lambda: self._resume_row(self.table.currentRow()))
        resume.setObjectName("PrimaryButton")
        buttons.addWidget(resume)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(600, 360)
        if self._parked:
            self.table.selectRow(0)
        self.table.setFocus()

    def _resume_row(self, row: int) -> None:
        if 0 <= row < len(self._parked):
            self.chosen = self._parked[row]
            self.accept()
