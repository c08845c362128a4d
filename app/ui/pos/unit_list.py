"""The list of units a till picker offers (the serial picker, a bundle's component
serials): each row carries its unit, a scan or a typed serial finds its row, typing
narrows the list."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from app.scan import ScannedUnit
from app.ui.formatting import status_title


def unit_text(unit: ScannedUnit, *, with_item: bool) -> str:
    where = unit.location or ""
    state = status_title(unit.status) + (f", {where}" if where else "")
    text = f"{unit.serial}    {state}"
    if with_item:
        text = f"{unit.item.name} ({unit.item.sku})    {text}"
    if unit.reason:
        text += f"    — {unit.reason}"
    return text


class UnitList(QListWidget):
    """Units to pick from, the first one highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SerialList")

    def show_units(self, units: Iterable[ScannedUnit], *, with_item: bool = False) -> None:
        """These units instead of those listed; one that cannot be sold is greyed (its
        reason is in its text)."""
        self.clear()
        for unit in units:
            row = QListWidgetItem(unit_text(unit, with_item=with_item))
            row.setData(Qt.ItemDataRole.UserRole, unit)
            if unit.reason:
                row.setForeground(self.palette().placeholderText())
            self.addItem(row)
        if self.count():
            self.setCurrentRow(0)

    def unit_at(self, row: QListWidgetItem) -> ScannedUnit:
        unit: ScannedUnit = row.data(Qt.ItemDataRole.UserRole)
        return unit

    def unit_scanned(self, code: str) -> ScannedUnit | None:
        """The listed unit whose serial the code is (letter case and spaces aside)."""
        wanted = code.strip().casefold()
        for number in range(self.count()):
            unit = self.unit_at(self.item(number))
            if unit.serial.strip().casefold() == wanted:
                return unit
        return None

    def highlighted(self) -> ScannedUnit | None:
        """The highlighted unit, unless typing has narrowed it out of the list."""
        row = self.currentItem()
        return None if row is None or row.isHidden() else self.unit_at(row)

    def narrow_to(self, text: str) -> None:
        """Only the serials containing the typed text stay listed; the first is highlighted."""
        needle = text.strip().casefold()
        first = -1
        for number in range(self.count()):
            row = self.item(number)
            hidden = bool(needle) and needle not in self.unit_at(row).serial.casefold()
            row.setHidden(hidden)
            if not hidden and first < 0:
                first = number
        self.setCurrentRow(first)
