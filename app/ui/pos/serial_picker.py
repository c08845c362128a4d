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
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.scan import ScannedUnit
from app.ui.pos.keyed import key_button
from app.ui.pos.unit_list import UnitList


class _FilterEdit(QLineEdit):
    """Up and Down move through the list while the typing stays here."""

    def __init__(self, units: UnitList) -> None:
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
        self.list = UnitList()
        self.list.show_units(self._units, with_item=with_item)
        self.list.itemActivated.connect(self._pick_item)
        self.filter_edit = _FilterEdit(self.list)
        self.filter_edit.setObjectName("SerialFilter")
        self.filter_edit.setPlaceholderText("Serial")
        self.filter_edit.textEdited.connect(self.list.narrow_to)
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
        self.filter_edit.setFocus()

    def take_scan(self, code: str) -> None:
        """A scan while the picker is open: its unit if listed, else the code itself."""
        unit = self.list.unit_scanned(code)
        if unit is not None:
            self._accept_unit(unit)
            return
        self.code = code
        self.accept()

    def _enter(self) -> None:
        unit = self.list.highlighted()
        if unit is not None:
            self._accept_unit(unit)
        elif self.filter_edit.text().strip():
            self.code = self.filter_edit.text().strip()
            self.accept()

    def _pick_item(self, item: QListWidgetItem) -> None:
        self._accept_unit(self.list.unit_at(item))

    def _accept_unit(self, unit: ScannedUnit) -> None:
        self.picked = unit
        self.accept()
