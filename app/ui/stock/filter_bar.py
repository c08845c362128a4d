"""The bar above the serial inventory list: search, item, status and location."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.stock.models import UnitStatus
from app.stock.queries import UnitFilter
from app.stock.records import ItemRecord, LocationRecord
from app.ui.formatting import status_title

SEARCH_DELAY_MS = 200  # long enough to skip the keystrokes of a word, short enough to feel live


class SearchEdit(QLineEdit):
    """The search box: Down moves on to the list, Escape clears what was typed."""

    down_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.textEdited.emit("")
            return
        super().keyPressEvent(event)


def _item_text(item: ItemRecord) -> str:
    # Deactivated items stay listed: their sold units still need finding (warranty, recalls).
    return f"{item.sku} — {item.name}" + ("" if item.active else " (deactivated)")


def _combo(name: str, *, min_width: int) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setMinimumWidth(min_width)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


def _labelled(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)  # Alt + the underlined letter jumps to the field
    return label


class UnitFilterBar(QWidget):
    """Emits `changed` with a new UnitFilter: at once for the lists, after a pause for typing."""

    changed = Signal(object)  # UnitFilter
    leave_down = Signal()  # Down in the search box: go to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FilterBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the QSS paints it

        self.search_edit = SearchEdit()
        self.search_edit.setObjectName("SearchEdit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(200)
        self.search_edit.textEdited.connect(self._typed)
        self.search_edit.returnPressed.connect(self.apply_now)
        self.search_edit.down_pressed.connect(self.leave_down)

        self.contains_box = QCheckBox("&Contains")
        self.contains_box.setToolTip(
            "Off: serials that start with the text (fastest).\n"
            "On: serials or asset tags that contain it anywhere."
        )
        self.contains_box.toggled.connect(self._contains_toggled)

        self.item_combo = _combo("ItemCombo", min_width=170)
        self.status_combo = _combo("StatusCombo", min_width=110)
        self.location_combo = _combo("LocationCombo", min_width=120)
        self.status_combo.addItem("Any status", None)
        for status in UnitStatus:
            self.status_combo.addItem(status_title(status.value), status.value)
        self.set_choices([], [])
        for combo in (self.item_combo, self.status_combo, self.location_combo):
            combo.currentIndexChanged.connect(self.apply_now)

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("FlatButton")
        self.clear_button.clicked.connect(self.clear)

        # Typing waits for a pause; Enter, the combos and the toggle apply at once.
        self._typing_timer = QTimer(self)
        self._typing_timer.setSingleShot(True)
        self._typing_timer.setInterval(SEARCH_DELAY_MS)
        self._typing_timer.timeout.connect(self.apply_now)
        self._applied = UnitFilter()
        self._set_placeholder()

        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 12, 10)
        row.setSpacing(8)
        row.addWidget(self.search_edit, 2)
        row.addWidget(self.contains_box)
        row.addSpacing(8)
        row.addWidget(_labelled("&Item", self.item_combo))
        row.addWidget(self.item_combo, 2)
        row.addWidget(_labelled("S&tatus", self.status_combo))
        row.addWidget(self.status_combo, 1)
        row.addWidget(_labelled("&Location", self.location_combo))
        row.addWidget(self.location_combo, 1)
        row.addWidget(self.clear_button)

    # ------------------------------------------------------------ choices

    def set_choices(self, items: list[ItemRecord], locations: list[LocationRecord]) -> None:
        """Fills the item and location lists, keeping what was chosen when it still exists."""
        self._refill(self.item_combo, "All items", [(_item_text(i), i.sku) for i in items])
        self._refill(
            self.location_combo, "Any location", [(loc.name, loc.name) for loc in locations]
        )

    @staticmethod
    def _refill(combo: QComboBox, everything: str, choices: list[tuple[str, str]]) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)  # refilling is not the user choosing
        try:
            combo.clear()
            combo.addItem(everything, None)
            for text, value in choices:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
        finally:
            combo.blockSignals(False)

    # ------------------------------------------------------------ the filter

    def current_filter(self) -> UnitFilter:
        # Serials are trimmed when stored, so surrounding spaces can only hide a match.
        text = self.search_edit.text().strip()
        contains = self.contains_box.isChecked()
        return UnitFilter(
            sku=self.item_combo.currentData(),
            status=self.status_combo.currentData(),
            location=self.location_combo.currentData(),
            prefix=text if text and not contains else None,
            search=text if text and contains else None,
        )

    def is_filtering(self) -> bool:
        return self.current_filter() != UnitFilter()

    def apply_now(self) -> None:
        self._typing_timer.stop()
        wanted = self.current_filter()
        if wanted != self._applied:
            self._applied = wanted
            self.changed.emit(wanted)

    def clear(self) -> None:
        for combo in (self.item_combo, self.status_combo, self.location_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_edit.clear()
        self.contains_box.blockSignals(True)
        self.contains_box.setChecked(False)
        self.contains_box.blockSignals(False)
        self._set_placeholder()
        self.apply_now()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _typed(self, _text: str) -> None:
        self._typing_timer.start()

    def _contains_toggled(self, _on: bool) -> None:
        self._set_placeholder()
        self.apply_now()

    def _set_placeholder(self) -> None:
        if self.contains_box.isChecked():
            self.search_edit.setPlaceholderText("Serial or asset tag contains…  (Ctrl+F)")
        else:
            self.search_edit.setPlaceholderText("Serial starts with…  (Ctrl+F)")
