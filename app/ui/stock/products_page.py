"""Products: the item list (a page at a time, searched as you type), and what the stock
manager does to an item — add, edit, deactivate, serialize or unserialize its stock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.events import Change
from app.money import percent_text
from app.stock.conversion import CONVERSION_WARNING, serialize_item, unserialize_item
from app.stock.item_list import ITEM_PAGE, ItemListPage, ItemRow, item_page
from app.stock.items import deactivate_item
from app.stock.records import ConversionResult, ItemRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.models.columns import RIGHT, AnyIndex, Column, column_data
from app.ui.models.headed import HeadedTableModel
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.stock.kit_dialog import KitDialog
from app.ui.stock.product_dialog import ProductDialog
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor, Permission

SEARCH_DELAY_MS = 200  # typing "phone" makes one query, not five


def _scheme(item: ItemRecord) -> str:
    if not item.serialized:
        return ""
    order = "random" if item.serial_random else f"next {item.serial_next:,}"
    return f"{item.serial_prefix}{'#' * item.serial_digits}, {order}"


def _kind(row: ItemRow) -> str:
    if row.kit:
        return "Kit"
    return "Serialized" if row.item.serialized else "Bulk"


def product_columns(fmt: ShopFormat) -> list[Column[ItemRow]]:
    return [
        Column("sku", "SKU", lambda r: r.item.sku, width=110),
        Column("name", "Name", lambda r: r.item.name, width=200, stretch=True),
        Column("price", "Price", lambda r: fmt.money(r.item.price), align=RIGHT, width=90),
        Column("cost", "Cost", lambda r: fmt.money(r.item.cost), align=RIGHT, width=90),
        Column("tax", "Tax", lambda r: percent_text(r.item.tax_rate_bp), align=RIGHT, width=60),
        Column("barcode", "Barcode", lambda r: r.item.barcode or "", width=120),
        Column("kind", "Kind", _kind, width=80),
        Column("warranty", "Warranty", lambda r: f"{r.item.warranty_days} d", width=70),
        Column("scheme", "Serial scheme", lambda r: _scheme(r.item), width=175),
        Column("imei", "IMEI", lambda r: "IMEI" if r.imei else "", width=50),
        Column("active", "Active", lambda r: "" if r.item.active else "Inactive", width=60),
    ]


class ProductsModel(HeadedTableModel):
    """Items a page at a time (keyset on SKU): fetchMore asks for the next page."""

    failed = Signal(str)
    loaded = Signal()

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget) -> None:
        super().__init__(parent)
        self.columns = product_columns(fmt)
        self.headings = self.headings_of(self.columns)
        self._store = store
        self._actor: Actor | None = None
        self._rows: list[ItemRow] = []
        self._after: str | None = None
        self._search = ""
        self._ops = Ops(store, self, show_problem=self.failed.emit)
        self.page_size = ITEM_PAGE

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.refresh()

    def set_search(self, text: str) -> None:
        self._search = text
        self.refresh()

    def refresh(self) -> None:
        if self._actor is None:
            self._ops.forget("items")
            self.beginResetModel()
            self._rows, self._after = [], None
            self.endResetModel()
            return
        store, actor, search, size = self._store, self._actor, self._search, self.page_size

        def first() -> ItemListPage:
            return item_page(store, actor, search=search, limit=size)

        self._ops.latest(first, success=self._first_page, name="items")

    def _first_page(self, page: ItemListPage) -> None:
        self.beginResetModel()
        self._rows, self._after = list(page.rows), page.next_after
        self.endResetModel()
        self.loaded.emit()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._after is not None

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self._actor is None or self._after is None or self._ops.is_running("more"):
            return
        store, actor, search, after = self._store, self._actor, self._search, self._after
        size = self.page_size

        def more() -> ItemListPage:
            return item_page(store, actor, search=search, after=after, limit=size)

        self._ops.run(more, success=self._more, name="more")

    def _more(self, page: ItemListPage) -> None:
        if not page.rows:
            self._after = None
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self._after = page.next_after
        self.endInsertRows()
        self.loaded.emit()

    @property
    def has_more(self) -> bool:
        return self._after is not None

    def row_total(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> ItemRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, sku: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.item.sku == sku), -1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and not row.item.active:
            return QColor("#9aa5b1")  # inactive: greyed, still listed
        return column_data(self.columns[index.column()], row, role)


class ProductsPage(QWidget):
    """Search box, the product list, and the buttons that act on the selected product."""

    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ProductsPage")
        self._store = store
        self._actor: Actor | None = None
        self.dialog: ProductDialog | KitDialog | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search SKU, name or barcode…")
        self.search_edit.setClearButtonEnabled(True)
        self.model = ProductsModel(store, fmt, self)
        self.table = ShopTable(empty_text="No products match")
        self.table.setObjectName("ProductsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLine")

        self.new_button = QPushButton("New…   Ins")
        new_action = QAction("New product", self)
        new_action.setShortcut(QKeySequence("Insert"))  # while the page is on screen only
        new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_action.triggered.connect(self.new_button.click)
        self.addAction(new_action)
        self.edit_button = QPushButton("Edit…   Enter")
        self.kit_button = QPushButton("Kit…")
        self.kit_button.setToolTip("The components the selected product is sold as a kit of")
        self.deactivate_button = QPushButton("Deactivate")
        self.serialize_button = QPushButton("Serialize…")
        self.unserialize_button = QPushButton("Unserialize…")

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        for button in (
            self.new_button,
            self.edit_button,
            self.kit_button,
            self.deactivate_button,
            self.serialize_button,
            self.unserialize_button,
        ):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.count_label)
        layout.addLayout(bottom)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.model.set_search(self.search_edit.text()))
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._search_now)
        self.model.failed.connect(self.message.show_problem)
        self.model.loaded.connect(self._show_count)
        self.new_button.clicked.connect(self.new_product)
        self.edit_button.clicked.connect(self.edit_selected)
        self.table.activated.connect(lambda _i: self.edit_selected())
        self.kit_button.clicked.connect(self.edit_kit)
        self.deactivate_button.clicked.connect(self.deactivate_selected)
        self.serialize_button.clicked.connect(lambda: self.convert_selected(serialize=True))
        self.unserialize_button.clicked.connect(lambda: self.convert_selected(serialize=False))
        self.follow = FollowChanges(self, store, (Change.ITEMS,), self.model.refresh)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        may_edit = actor is not None and actor.can(Permission.EDIT_ITEMS)
        may_convert = actor is not None and actor.can(Permission.CONVERT)
        for button in (self.new_button, self.edit_button, self.kit_button, self.deactivate_button):
            button.setEnabled(may_edit)
        for button in (self.serialize_button, self.unserialize_button):
            button.setEnabled(may_convert)
        if actor is None and self.dialog is not None:
            self.dialog.reject()
        self.model.set_actor(actor)

    def refresh(self) -> None:
        self.model.refresh()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _search_now(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search_edit.text())
        self.table.setFocus()

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        more = " — more load as you scroll" if self.model.has_more else ""
        self.count_label.setText(f"{rows:,} product{'s' if rows != 1 else ''}{more}")
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def selected(self) -> ItemRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_sku(self, sku: str) -> None:
        row = self.model.row_of(sku)
        if row >= 0:
            self.table.selectRow(row)

    def new_product(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            self.message.show_problem("Select a product first.")
            return
        self._open(row)

    def _open(self, row: ItemRow | None) -> None:
        if self._actor is None:
            return
        dialog = ProductDialog(self._store, self._actor, row, self)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def edit_kit(self) -> None:
        """The selected product's kit components (a new kit: a bulk product, no stock)."""
        row = self.selected()
        if row is None or self._actor is None:
            self.message.show_problem("Select the kit's product first.")
            return
        dialog = KitDialog(self._store, self._actor, row.item, self)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: ProductDialog | KitDialog) -> None:
        if dialog.result() == QDialog.DialogCode.Accepted:
            if isinstance(dialog, KitDialog) and dialog.saved is not None:
                parts = ", ".join(f"{p.sku} × {p.qty}" for p in dialog.saved)
                self.message.show_done(f"Kit saved: {parts}.")
            elif isinstance(dialog, ProductDialog) and dialog.saved is not None:
                self.message.show_done(f"{dialog.saved.sku} saved.")
        self.dialog = None
        dialog.deleteLater()

    def deactivate_selected(self) -> None:
        row = self.selected()
        if row is None or self._actor is None:
            self.message.show_problem("Select a product first.")
            return
        sku = row.item.sku
        if not asking.confirm(
            self,
            "Deactivate",
            f"Deactivate {sku}? It can no longer be sold or received.",
            action="Deactivate",
        ):
            return
        store, actor = self._store, self._actor
        self._ops.run(
            lambda: deactivate_item(store, actor, sku),
            success=lambda item: self.message.show_done(f"{item.sku} deactivated."),
            changes={Change.ITEMS},
            name="deactivate",
        )

    def convert_selected(self, *, serialize: bool) -> None:
        row = self.selected()
        if row is None or self._actor is None:
            self.message.show_problem("Select a product first.")
            return
        sku = row.item.sku
        what = "Serialize" if serialize else "Unserialize"
        stock = (
            "each unit on hand gets a serial from the item's scheme"
            if serialize
            else "its serial units on hand become a quantity"
        )
        if not asking.confirm(
            self, what, f"{what} {sku}: {stock}. Warning: {CONVERSION_WARNING}.", action=what
        ):
            return
        store, actor = self._store, self._actor
        service = serialize_item if serialize else unserialize_item
        self._ops.run(
            lambda: service(store, actor, sku),
            success=self._converted,
            changes={Change.ITEMS, Change.UNITS},
            name="convert",
        )

    def _converted(self, result: ConversionResult) -> None:
        moved = sum(result.qty_by_location.values())
        kind = "serialized" if result.serialized else "bulk"
        self.message.show_done(f"{result.sku} is now {kind} ({moved:,} on hand): {result.warning}")
