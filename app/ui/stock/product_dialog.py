"""A product's form: every field of an item, its serial scheme and the IMEI flag; saved
through create_item / edit_item (and set_item_carries_imei) on a worker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import InvalidInput, UserError
from app.events import Change
from app.money import format_plain, parse_money, parse_percent, percent_text
from app.stock.item_list import ItemRow
from app.stock.items import NO_BARCODE, ItemFields, create_item, edit_item
from app.stock.records import ItemRecord
from app.stock.serial_charsets import DEFAULT_CHARSET, DESCRIPTIONS, SerialCharset
from app.tickets.intake import set_item_carries_imei
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine, sentence
from app.users.roles import Actor


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setMinimumWidth(120)
    return box


class ProductDialog(QDialog):
    """New product (row None) or edit one. Accepted once the store has saved it;
    `saved` is then the item as stored."""

    def __init__(
        self, store: Store, actor: Actor, row: ItemRow | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ProductDialog")
        self._store = store
        self._actor = actor
        self._row = row
        self.saved: ItemRecord | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        item = row.item if row is not None else None
        self.setWindowTitle("SerialPOS — " + (f"Edit {item.sku}" if item else "New product"))

        self.sku_edit = QLineEdit(item.sku if item else "")
        self.sku_edit.setReadOnly(item is not None)
        self.sku_edit.setPlaceholderText("e.g. PH-X200 (no spaces)")
        self.name_edit = QLineEdit(item.name if item else "")
        self.price_edit = QLineEdit(format_plain(item.price) if item else "")
        self.price_edit.setPlaceholderText("12.50")
        self.cost_edit = QLineEdit(format_plain(item.cost) if item else "0.00")
        self.barcode_edit = QLineEdit((item.barcode or "") if item else "")
        self.barcode_edit.setPlaceholderText("EAN / UPC, or empty")
        self.tax_edit = QLineEdit(percent_text(item.tax_rate_bp).replace(" %", "") if item else "0")
        self.tax_edit.setPlaceholderText("20 or 12.5")
        self.serialized_box = QCheckBox("Serialized: every unit has its own serial")
        self.serialized_box.setChecked(item.serialized if item else True)
        if item is not None:
            self.serialized_box.setToolTip(
                "With stock on hand, use Serialize / Unserialize in the list instead"
            )
        self.warranty_spin = _spin(0, 36_500, item.warranty_days if item else 365, " days")

        self.prefix_edit = QLineEdit(item.serial_prefix if item else "")
        self.prefix_edit.setPlaceholderText("e.g. PX")
        self.digits_spin = _spin(1, 18, item.serial_digits if item else 6)
        self.sequential_radio = QRadioButton("Sequential, next number")
        self.random_radio = QRadioButton("Random")
        (self.random_radio if item and item.serial_random else self.sequential_radio).setChecked(
            True
        )
        self.next_spin = _spin(1, 2_000_000_000, item.serial_next if item else 1)
        # What a serial may contain, checked at every entry (receive, import, lists).
        self.charset_box = QComboBox()
        for charset in SerialCharset:
            self.charset_box.addItem(DESCRIPTIONS[charset].capitalize(), charset.value)
        self.charset_box.setCurrentIndex(
            self.charset_box.findData(item.serial_charset if item else DEFAULT_CHARSET.value)
        )
        self.imei_box = QCheckBox("Serials are IMEIs (15 digits, checked at intake)")
        self.imei_box.setChecked(row.imei if row else False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&SKU", self.sku_edit)
        form.addRow("&Name", self.name_edit)
        form.addRow("&Price", self.price_edit)
        form.addRow("C&ost", self.cost_edit)
        form.addRow("&Barcode", self.barcode_edit)
        form.addRow("&Tax rate %", self.tax_edit)
        form.addRow("&Warranty", self.warranty_spin)
        form.addRow("", self.serialized_box)

        scheme = QGroupBox("Serial scheme (for serials the shop makes)")
        scheme_form = QFormLayout(scheme)
        scheme_form.addRow("Prefi&x", self.prefix_edit)
        scheme_form.addRow("&Digits", self.digits_spin)
        order = QHBoxLayout()
        order.addWidget(self.sequential_radio)
        order.addWidget(self.next_spin)
        order.addSpacing(12)
        order.addWidget(self.random_radio)
        order.addStretch(1)
        scheme_form.addRow("Numbers", order)
        scheme_form.addRow("Serials &hold", self.charset_box)
        scheme_form.addRow("", self.imei_box)
        self.scheme_box = scheme

        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton("Save   Ctrl+S" if item else "Add product   Ctrl+S")
        self.save_button.setObjectName("PrimaryButton")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)

        title = QLabel(f"{item.sku} — {item.name}" if item else "New product")
        title.setObjectName("DialogTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(scheme)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

        self.serialized_box.toggled.connect(self._serialized_changed)
        self.random_radio.toggled.connect(lambda on: self.next_spin.setEnabled(not on))
        self._serialized_changed(self.serialized_box.isChecked())
        self.next_spin.setEnabled(not self.random_radio.isChecked())
        (self.name_edit if item else self.sku_edit).setFocus(Qt.FocusReason.OtherFocusReason)

    def _serialized_changed(self, serialized: bool) -> None:
        self.scheme_box.setEnabled(serialized)
        self.warranty_spin.setEnabled(serialized)

    def fields(self) -> ItemFields:
        """What the form says, checked here only as far as reading numbers goes."""
        name = self.name_edit.text().strip()
        if not name:
            raise InvalidInput("a product needs a name")
        if not self.price_edit.text().strip():
            raise InvalidInput("a product needs a price")
        serialized = self.serialized_box.isChecked()
        item = self._row.item if self._row is not None else None
        return ItemFields(
            name=name,
            price=parse_money(self.price_edit.text(), field="price"),
            cost=parse_money(self.cost_edit.text() or "0", field="cost"),
            barcode=self.barcode_edit.text().strip() or NO_BARCODE,
            tax_rate_bp=parse_percent(self.tax_edit.text(), what="a tax rate"),
            # Unchanged, the flag is left out: the service refuses flipping it with stock.
            serialized=None if item is not None and item.serialized == serialized else serialized,
            warranty_days=self.warranty_spin.value(),
            serial_prefix=self.prefix_edit.text().strip(),
            serial_digits=self.digits_spin.value(),
            serial_random=self.random_radio.isChecked(),
            serial_next=None if self.random_radio.isChecked() else self.next_spin.value(),
            serial_charset=str(self.charset_box.currentData()),
        )

    def save(self) -> None:
        try:
            values = self.fields()
        except UserError as exc:
            self.message.show_problem(sentence(exc.message))
            return
        store, actor, row = self._store, self._actor, self._row
        sku = self.sku_edit.text().strip()
        imei = self.imei_box.isChecked() and values.serialized is not False
        if self._row is None and not self.serialized_box.isChecked():
            imei = False

        def write() -> ItemRecord:
            if row is None:
                saved = create_item(store, actor, sku=sku, values=values)
            else:
                saved = edit_item(store, actor, row.item.sku, values)
            if imei != (row.imei if row is not None else False):
                set_item_carries_imei(store, actor, saved.sku, imei)
            return saved

        self.message.show_info("Saving…")
        self._ops.run(
            write, success=self._saved, failure=self._refused, changes={Change.ITEMS}, name="save"
        )

    def _saved(self, item: ItemRecord) -> None:
        self.saved = item
        self.accept()

    def _refused(self, error: UserError) -> None:
        self.message.show_problem(f"Not saved: {error.message}")
