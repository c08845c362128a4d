"""A kit's components (camera kit = body + lens + strap): pick each part by SKU or name,
give its quantity, remove one; saved through `set_components`, which replaces the kit's
parts in one transaction or refuses and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.stock.bundles import (
    MAX_COMPONENTS,
    MAX_QTY,
    ComponentInput,
    ComponentRecord,
    list_components,
    set_components,
)
from app.stock.item_list import ItemListPage, item_page
from app.stock.records import ItemRecord
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

SEARCH_DELAY_MS = 200
MATCHES_SHOWN = 12
SKU, NAME, KIND, QTY = range(4)


@dataclass
class Part:
    """One component as the dialog holds it until Save."""

    sku: str
    name: str
    serialized: bool


def _kind(serialized: bool) -> str:
    return "Serialized: a serial scanned per unit" if serialized else "Bulk: taken by quantity"


class KitDialog(QDialog):
    """The components of the kit `item`. Accepted once the store has saved them; `saved`
    is then the kit's parts as stored."""

    def __init__(
        self, store: Store, actor: Actor, item: ItemRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KitDialog")
        self.setWindowTitle(f"SerialPOS — Kit components of {item.sku}")
        self._store = store
        self._actor = actor
        self._item = item
        self.parts: list[Part] = []
        self.saved: list[ComponentRecord] | None = None
        self._matches: list[ItemRecord] = []
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)

        title = QLabel(f"{item.sku} — {item.name}: kit components")
        title.setObjectName("DialogTitle")
        title.setWordWrap(True)  # a long product name wraps, never widens the dialog
        hint = QLabel(
            "Selling the kit takes its components from the till's stock: one scanned serial "
            "for each unit of a serialized part, bulk parts by quantity."
        )
        hint.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("KitComponents")
        self.table.setHorizontalHeaderLabels(["SKU", "Name", "Kind", "Qty"])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (SKU, KIND, QTY):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.remove_button = QPushButton("Remove   Del")
        self.remove_button.setShortcut("Delete")
        self.remove_button.clicked.connect(self.remove_selected)

        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("ComponentSearch")
        self.search_edit.setPlaceholderText("Component: SKU or name, then Enter")
        self.search_edit.setClearButtonEnabled(True)
        self.qty_spin = QSpinBox()
        self.qty_spin.setRange(1, MAX_QTY)
        self.qty_spin.setPrefix("× ")
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_chosen)
        self.matches = QListWidget()
        self.matches.setObjectName("ComponentMatches")
        self.matches.setMaximumHeight(150)
        self.matches.itemActivated.connect(lambda _i: self.add_chosen())

        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton("Save kit   Ctrl+S")
        self.save_button.setObjectName("PrimaryButton")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        # Enter belongs to the component search: no button takes it by default.
        for button in (self.remove_button, self.add_button, cancel, self.save_button):
            button.setAutoDefault(False)

        pick = QHBoxLayout()
        pick.addWidget(self.search_edit, 1)
        pick.addWidget(self.qty_spin)
        pick.addWidget(self.add_button)
        listed = QHBoxLayout()
        listed.addWidget(QLabel("Components, in the order the till asks for them"), 1)
        listed.addWidget(self.remove_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addLayout(pick)
        layout.addWidget(self.matches)
        layout.addLayout(listed)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(760, 560)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._entered)
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        sku = item.sku
        self._ops.run(lambda: list_components(store, actor, sku), success=self._loaded, name="load")
        self._search()

    # ------------------------------------------------------------------ the list

    def _loaded(self, parts: list[ComponentRecord]) -> None:
        self.parts = [Part(p.sku, p.name, p.serialized) for p in parts]
        self._show_parts({p.sku: p.qty for p in parts})

    def quantities(self) -> list[int]:
        return [self._qty_box(row).value() for row in range(self.table.rowCount())]

    def _qty_box(self, row: int) -> QSpinBox:
        box = self.table.cellWidget(row, QTY)
        assert isinstance(box, QSpinBox)
        return box

    def _show_parts(self, qty: dict[str, int], select: int = -1) -> None:
        self.table.setRowCount(len(self.parts))
        for row, part in enumerate(self.parts):
            for column, text in (
                (SKU, part.sku),
                (NAME, part.name),
                (KIND, _kind(part.serialized)),
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
            box = QSpinBox()
            box.setRange(1, MAX_QTY)
            box.setValue(qty.get(part.sku, 1))
            self.table.setCellWidget(row, QTY, box)
        if 0 <= select < len(self.parts):
            self.table.selectRow(select)

    def _current_quantities(self) -> dict[str, int]:
        return {p.sku: q for p, q in zip(self.parts, self.quantities(), strict=True)}

    def add_part(self, item: ItemRecord, qty: int) -> None:
        """Adds a component (a part already listed gets the quantity added to it)."""
        quantities = self._current_quantities()
        if item.sku == self._item.sku:
            self.message.show_problem(f"{item.sku} cannot be a component of itself.")
            return
        if item.sku in quantities:
            quantities[item.sku] = min(MAX_QTY, quantities[item.sku] + qty)
            self.message.show_info(f"{item.sku} was listed: now × {quantities[item.sku]}.")
        elif len(self.parts) >= MAX_COMPONENTS:
            self.message.show_problem(f"A kit has at most {MAX_COMPONENTS} components.")
            return
        else:
            self.parts.append(Part(item.sku, item.name, item.serialized))
            quantities[item.sku] = qty
            self.message.clear()
        self._show_parts(quantities, [p.sku for p in self.parts].index(item.sku))
        self.search_edit.clear()
        self.qty_spin.setValue(1)
        self._search()  # the matches list shows every product again, for the next part

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.parts):
            self.message.show_problem("Select the component to remove.")
            return
        quantities = self._current_quantities()
        removed = self.parts.pop(row)
        self._show_parts(quantities, min(row, len(self.parts) - 1))
        self.message.show_info(f"{removed.sku} removed (saved with Save kit).")

    # ------------------------------------------------------------------ picking

    def _search(self) -> None:
        self._search_timer.stop()
        store, actor, text = self._store, self._actor, self.search_edit.text()

        def matching() -> ItemListPage:
            return item_page(store, actor, search=text, include_inactive=False, limit=MATCHES_SHOWN)

        self._ops.latest(matching, success=self._show_matches, name="search")

    def _show_matches(self, page: ItemListPage) -> None:
        self._matches = [r.item for r in page.rows if r.item.sku != self._item.sku]
        self.matches.clear()
        for item in self._matches:
            kind = "serialized" if item.serialized else "bulk"
            self.matches.addItem(QListWidgetItem(f"{item.sku} — {item.name} ({kind})"))
        if self._matches:
            self.matches.setCurrentRow(0)

    def _entered(self) -> None:
        """Enter: an exact SKU or barcode is added at once; else the first match of what
        was typed."""
        text = self.search_edit.text().strip()
        # Cleared at once, as a scan field is: a refused code never runs into the next one.
        self.search_edit.clear()
        if text:
            self.handle_scan(text)

    def handle_scan(self, code: str) -> None:
        """A scanned shelf label or box barcode (the window routes scans here while the
        dialog is open): the product with that SKU or barcode becomes a component."""
        self._search_timer.stop()  # a search arriving after would drop this answer
        store, actor, text = self._store, self._actor, code.strip()

        def exact() -> ItemListPage:
            return item_page(store, actor, search=text, include_inactive=False, limit=50)

        def found(page: ItemListPage) -> None:
            wanted = text.lower()
            same = [
                r.item
                for r in page.rows
                if wanted in (r.item.sku.lower(), (r.item.barcode or "").lower())
            ]
            chosen = same or [r.item for r in page.rows]
            if not chosen:
                self.message.show_problem(f"No active product matches {text}.")
                return
            self.add_part(chosen[0], self.qty_spin.value())

        self._ops.latest(exact, success=found, name="search")

    def add_chosen(self) -> None:
        row = self.matches.currentRow()
        if not 0 <= row < len(self._matches):
            self.message.show_problem("Search for a component, then pick it in the list.")
            return
        self.add_part(self._matches[row], self.qty_spin.value())

    # ------------------------------------------------------------------ saving

    def save(self) -> None:
        store, actor, sku = self._store, self._actor, self._item.sku
        wanted = [
            ComponentInput(p.sku, q) for p, q in zip(self.parts, self.quantities(), strict=True)
        ]
        self.message.show_info("Saving…")
        self._ops.run(
            lambda: set_components(store, actor, sku, wanted),
            success=self._saved,
            failure=self._refused,
            changes={Change.ITEMS},
            name="save",
        )

    def _saved(self, parts: list[ComponentRecord]) -> None:
        self.saved = parts
        self.accept()

    def _refused(self, error: UserError) -> None:
        self.message.show_problem(f"Not saved: {error.message}")
