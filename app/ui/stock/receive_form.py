"""The Receive dialog's delivery form: item, location, quantity, cost and supplier warranty."""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from app.money import parse_money
from app.stock.receiving import Receiving
from app.stock.records import ItemRecord, LocationRecord
from app.ui.formatting import ShopFormat
from app.ui.widgets.message_line import MessageLine

MAX_QUANTITY: Final = 1_000_000


class ReceiveForm(QWidget):
    """Item, location, quantity, cost and supplier warranty; `changed` on every edit."""

    changed = Signal()

    def __init__(self, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fmt = fmt
        self._items: list[ItemRecord] = []
        self.item_combo = QComboBox()
        self.item_combo.setObjectName("ItemCombo")
        self.item_combo.setMinimumContentsLength(30)
        self.location_combo = QComboBox()
        self.location_combo.setObjectName("LocationCombo")
        self.qty_spin = QSpinBox()
        self.qty_spin.setObjectName("QtySpin")
        self.qty_spin.setRange(1, MAX_QUANTITY)
        self.qty_spin.setGroupSeparatorShown(True)
        # Until someone types a quantity, the serials scanned or pasted are the quantity.
        self.qty_set = False
        self.cost_edit = QLineEdit()
        self.cost_edit.setObjectName("CostEdit")
        self.warranty_spin = QSpinBox()
        self.warranty_spin.setRange(0, 36_500)
        self.warranty_spin.setSuffix(" days")
        self.warranty_spin.setSpecialValueText("none")
        self.cost_line = MessageLine(collapse=True)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Item", self.item_combo)
        form.addRow("&Location", self.location_combo)
        form.addRow("&Quantity", self.qty_spin)
        form.addRow("&Cost per unit", self.cost_edit)
        form.addRow("", self.cost_line)
        form.addRow("Supplier &warranty", self.warranty_spin)

        self.item_combo.currentIndexChanged.connect(self._item_changed)
        self.location_combo.currentIndexChanged.connect(self.changed)
        self.qty_spin.valueChanged.connect(self._qty_typed)
        self.cost_edit.textChanged.connect(self.changed)
        self.warranty_spin.valueChanged.connect(self.changed)

    def _qty_typed(self) -> None:
        self.qty_set = True
        self.changed.emit()

    def show_count(self, count: int) -> None:
        """The quantity follows the serials entered while nobody has typed one."""
        if not self.qty_set and count > 0:
            self.qty_spin.blockSignals(True)
            self.qty_spin.setValue(min(count, MAX_QUANTITY))
            self.qty_spin.blockSignals(False)

    def signature(self) -> tuple[object, ...]:
        """What a submission of this form receives (the dialog's idempotency key)."""
        return (self.sku, self.location, self.cost_edit.text().strip(), self.quantity,
                self.warranty_spin.value())  # fmt: skip

    def set_choices(
        self, items: list[ItemRecord], locations: list[LocationRecord], *, sku: str = ""
    ) -> None:
        current = sku or self.sku
        self._items = items
        self.item_combo.blockSignals(True)
        self.item_combo.clear()
        for item in items:
            kind = "serialized" if item.serialized else "bulk"
            self.item_combo.addItem(f"{item.sku} — {item.name}  ·  {kind}", item.sku)
        index = self.item_combo.findData(current)
        self.item_combo.setCurrentIndex(max(index, 0))
        self.item_combo.blockSignals(False)
        where = self.location_combo.currentText()
        self.location_combo.clear()
        for location in locations:
            self.location_combo.addItem(location.name, location.name)
        self.location_combo.setCurrentIndex(max(self.location_combo.findText(where), 0))
        self._item_changed()

    @property
    def item(self) -> ItemRecord | None:
        index = self.item_combo.currentIndex()
        return self._items[index] if 0 <= index < len(self._items) else None

    @property
    def sku(self) -> str:
        return str(self.item_combo.currentData() or "")

    @property
    def location(self) -> str:
        return str(self.location_combo.currentData() or "")

    @property
    def quantity(self) -> int:
        return self.qty_spin.value()

    def cost(self) -> int | None:
        """The cost typed (minor units), None for the item's own; InvalidInput if unreadable."""
        text = self.cost_edit.text().strip()
        return parse_money(text, field="cost") if text else None

    def delivery(self, item: ItemRecord) -> Receiving:
        """What this form receives of `item`: exactly the quantity typed."""
        return Receiving(
            sku=item.sku,
            location=self.location,
            cost=self.cost(),
            supplier_warranty_days=self.warranty_spin.value(),
            expect=self.quantity,
        )

    def _item_changed(self) -> None:
        item = self.item
        if item is not None:
            self.cost_edit.setPlaceholderText(f"the item's cost, {self._fmt.money(item.cost)}")
        self.changed.emit()
