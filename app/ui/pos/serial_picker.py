"""Which unit? A list of units to pick from that also takes a typed or scanned serial.

Used for a serialized item's barcode or SKU (its units in stock here) and for a serial
that several items share (the units of each item).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.scan import ScannedUnit
from app.ui.formatting import status_title
from app.ui.pos.keyed import key_button


class _FilterEdit(QLineEdit):
    """Up and Down move through the list while the typing stays here."""

    def __init__(self, units: QListWidget) -> None:
        super().__init__()
        self._units = units

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        if step is None:
            super().keyPressEvent(event)
            return
        rows = [r for r in range(self._units.count()) if not self._units.item(r).isHidden()]
        if not rows:
            return
        current = self._units.currentRow()
        at = rows.index(current) if current in rows else -1
        self._units.setCurrentRow(rows[max(0, min(len(rows) - 1, at + step))])


def unit_text(unit: ScannedUnit, *, with_item: bool) -> str:
    where = unit.location or ""
    state = status_title(unit.status) + (f", {where}" if where else "")
    text = f"{unit.serial}    {state}"
    if with_item:
        text = f"{unit.item.name} ({unit.item.sku})    {text}"
    if unit.reason:
        text += f"    — {unit.reason}"
    return text



def show_serials_containing(units: QListWidget, text: str) -> None:
    """Typing in a picker narrows its list of units (items carrying a ScannedUnit) to the
    serials containing the text, and highlights the first one left."""
    needle = text.strip().casefold()
    first = -1
    for row in range(units.count()):
        item = units.item(row)
        unit: ScannedUnit = item.data(Qt.ItemDataRole.UserRole)
        hidden = bool(needle) and needle not in unit.serial.casefold()
        item.setHidden(hidden)
        if not hidden and first < 0:
            first = row
    units.setCurrentRow(first)

class SerialPicker(QDialog):
    """Accepted with `picked` (a unit from the list) or `code` (a serial not listed: the
    caller resolves it like any scan). Typing filters the list; Enter takes the highlighted
    unit, or the typed serial when nothing matches; a scan picks its unit at once."""

    def __init__(
        self,
        title: str,
        units: Sequence[ScannedUnit],
        *,
        with_item: bool = False,
        note: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SerialPicker")
        self.setWindowTitle("SerialPOS — Pick the unit")
        self.picked: ScannedUnit | None = None
        self.code: str | None = None
        self._units = tuple(units)

        heading = QLabel(title)
        heading.setObjectName("DialogTitle")
        heading.setWordWrap(True)
        prompt = QLabel("Scan the unit, or type part of its serial and press Enter")
        prompt.setObjectName("DialogHint")
        self.list = QListWidget()
        self.list.setObjectName("SerialList")
        for unit in self._units:
            item = QListWidgetItem(unit_text(unit, with_item=with_item))
            item.setData(Qt.ItemDataRole.UserRole, unit)
            if unit.reason:
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
        self.list.itemActivated.connect(self._pick_item)
        self.filter_edit = _FilterEdit(self.list)
        self.filter_edit.setObjectName("SerialFilter")
        self.filter_edit.setPlaceholderText("Serial")
        self.filter_edit.textEdited.connect(self._filter)
        self.filter_edit.returnPressed.connect(self._enter)
        self.note = QLabel(note)
        self.note.setObjectName("DialogHint")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))

        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        pick = key_button("Add this unit", "Return", self._enter)
        pick.setObjectName("PrimaryButton")
        buttons.addWidget(pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(prompt)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(560, 420)
        if self._units:
            self.list.setCurrentRow(0)
        self.filter_edit.setFocus()

    def take_scan(self, code: str) -> None:
        """A scan while the picker is open: its unit if listed, else the code itself."""
        wanted = code.strip().casefold()
        for row in range(self.list.count()):
            unit: ScannedUnit = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            if unit.serial.strip().casefold() == wanted:
                self._accept_unit(unit)
                return
        self.code = code
        self.accept()

    def _filter(self, text: str) -> None:
        show_serials_containing(self.list, text)

    def _enter(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            self._pick_item(item)
        elif self.filter_edit.text().strip():
            self.code = self.filter_edit.text().strip()
            self.accept()

    def _pick_item(self, item: QListWidgetItem) -> None:
        self._accept_unit(item.data(Qt.ItemDataRole.UserRole))

    def _accept_unit(self, unit: ScannedUnit) -> None:
        self.picked = unit
        self.accept()
