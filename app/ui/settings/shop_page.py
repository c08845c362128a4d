"""The shop's own settings (manager only; save_settings_as checks it): the name and
address on receipts, currency, whether prices include tax, the discount limit, this till's
selling location (one of the sellable locations), the receipt footer, write-off reasons
and the ticket condition checklist. Saved to the settings file on a worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings, ShopSettings, load_settings
from app.db.uow import Store
from app.errors import InvalidInput, UserError
from app.events import Change
from app.stock import queries
from app.stock.records import LocationRecord
from app.stock.till_location import check_till_location
from app.ui.ops import Ops
from app.ui.settings.file_page import SettingsFilePage
from app.ui.widgets.message_line import MessageLine, sentence
from app.users.roles import Permission
from app.users.settings import save_settings_as

ONLY_ONE = ""  # the till-location choice meaning "the store's one sellable location"
SHOP_NOTE = "This till uses saved shop settings from its next start; other tills from theirs."


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


def _text_box(lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)  # Tab leaves the box, as in every other field
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class ShopPage(SettingsFilePage):
    """Signals: saved(Settings) once the file holds the new settings."""

    problem = Signal(str)
    saved = Signal(object)
    EDIT_PERMISSION = Permission.MANAGE_DEVICES

    def __init__(
        self, store: Store, *, config_file: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(config_file=config_file, parent=parent)
        self.setObjectName("ShopPage")
        self._store = store
        self.settings = Settings()
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)

        self.name_edit = QLineEdit()
        self.address_edit = _text_box(3)
        self.currency_edit = QLineEdit()
        self.currency_edit.setMaxLength(3)
        self.currency_edit.setFixedWidth(70)
        self.tax_box = QCheckBox("Prices include tax (tax-exclusive: tax is added at the till)")
        self.discount_spin = QSpinBox()
        self.discount_spin.setRange(0, 100)
        self.discount_spin.setSuffix(" %")
        self.discount_spin.setToolTip("Discounts above this need a manager's approval")
        self.location_box = QComboBox()
        self.location_box.setMinimumWidth(220)
        self.location_box.setMaximumWidth(420)
        self.discount_spin.setMaximumWidth(110)
        self.footer_edit = _text_box(2)
        self.reasons_edit = _text_box(6)
        self.checklist_edit = _text_box(7)
        self.save_button = QPushButton("Save shop settings")
        self.save_button.setObjectName("PrimaryButton")
        self.revert_button = QPushButton("Revert")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Shop &name", self.name_edit)
        form.addRow("&Address lines", self.address_edit)
        form.addRow("&Currency", self.currency_edit)
        form.addRow("&Tax", self.tax_box)
        form.addRow("&Discount limit", self.discount_spin)
        form.addRow("This till sells &from", self.location_box)
        form.addRow("Receipt &footer", self.footer_edit)
        form.addRow("&Write-off reasons", self.reasons_edit)
        form.addRow("Ticket c&hecklist", self.checklist_edit)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(12, 10, 12, 4)
        note = QLabel(SHOP_NOTE)
        note.setObjectName("ReadOnlyNote")
        inner_layout.addWidget(note)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = self.button_row(self.message, self.revert_button, self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def editing_widgets(self) -> Sequence[QWidget]:
        return (self.save_button, self.revert_button)

    def load(self) -> None:
        """The file's [shop] table in the form, and the sellable locations to choose from."""
        try:
            self.settings = load_settings(self.config_file)
        except UserError as exc:
            self.message.show_problem(f"{exc.message} — fix or remove the file first.")
            return
        shop = self.settings.shop
        self.name_edit.setText(shop.name)
        self.address_edit.setPlainText("\n".join(shop.address_lines))
        self.currency_edit.setText(shop.currency)
        self.tax_box.setChecked(shop.prices_include_tax)
        self.discount_spin.setValue(shop.manager_discount_percent)
        self.footer_edit.setPlainText("\n".join(shop.receipt_footer))
        self.reasons_edit.setPlainText("\n".join(shop.write_off_reasons))
        self.checklist_edit.setPlainText("\n".join(shop.ticket_checklist))
        self.message.clear()
        if self._actor is not None:
            store, actor = self._store, self._actor
            self._ops.latest(
                lambda: queries.list_locations(store, actor),
                success=self._locations,
                name="locations",
            )

    def _locations(self, locations: list[LocationRecord]) -> None:
        wanted = self.settings.shop.till_location
        self.location_box.clear()
        self.location_box.addItem("The store's only sellable location", ONLY_ONE)
        for loc in locations:
            if loc.sellable:
                self.location_box.addItem(loc.name, loc.name)
        found = self.location_box.findData(wanted)
        if found < 0 and wanted:
            self.location_box.addItem(f"{wanted} (not a sellable location)", wanted)
            found = self.location_box.count() - 1
        self.location_box.setCurrentIndex(max(found, 0))

    def shop_settings(self) -> ShopSettings:
        name = self.name_edit.text().strip()
        if not name:
            raise InvalidInput("the shop needs a name")
        currency = self.currency_edit.text().strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise InvalidInput(f"currency {currency!r} is not a code like USD or EUR")
        reasons = _lines(self.reasons_edit)
        if not reasons:
            raise InvalidInput("write-off reasons: at least one")
        return replace(
            self.settings.shop,
            name=name,
            address_lines=_lines(self.address_edit),
            currency=currency,
            prices_include_tax=self.tax_box.isChecked(),
            manager_discount_percent=self.discount_spin.value(),
            till_location=str(self.location_box.currentData() or ""),
            receipt_footer=_lines(self.footer_edit),
            write_off_reasons=reasons,
            ticket_checklist=_lines(self.checklist_edit),
        )

    def save(self) -> None:
        if self._actor is None:
            return
        try:
            shop = self.shop_settings()
        except UserError as exc:
            self.message.show_problem(f"Not saved: {sentence(exc.message)}")
            return
        actor, path, store = self._actor, self.config_file, self._store

        def write() -> tuple[Settings, str | None]:
            on_disk = load_settings(path)  # keep what else changed in the file meanwhile
            new = replace(on_disk, shop=shop)
            try:
                save_settings_as(actor, new, path)
            except OSError as exc:
                raise UserError(f"Could not write {path}: {exc.strerror}") from None
            return new, check_till_location(store, new)

        self._ops.run(
            write,
            success=self._written,
            failure=lambda e: self.message.show_problem(f"Not saved: {e.message}"),
            changes={Change.SETTINGS},
            name="save",
        )

    def _written(self, result: tuple[Settings, str | None]) -> None:
        self.settings, problem = result
        if problem:
            self.message.show_problem(f"Saved, but {problem}")
        else:
            self.message.show_info(f"Saved to {self.config_file}")
        self.saved.emit(self.settings)
