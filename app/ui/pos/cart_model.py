"""The cart as a table: the domain's `Cart` is the truth, this model shows it.

Every change goes through the Cart's own methods (which check quantities, duplicates and
discounts); the model only announces the change and re-computes the totals once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal

from app.money import percent_text
from app.pos.cart import Cart, CartLine, LineTotals, Totals
from app.pos.day import business_day
from app.ui.formatting import ShopFormat
from app.ui.models.headed import HeadedTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

COLUMNS: tuple[tuple[str, Qt.AlignmentFlag], ...] = (
    ("Item", LEFT),
    ("Serial", LEFT),
    ("Warranty until", LEFT),
    ("Qty", CENTER),
    ("Price", RIGHT),
    ("Discount", RIGHT),
    ("Total", RIGHT),
)
ITEM, SERIAL, WARRANTY, QTY, PRICE, DISCOUNT, TOTAL = range(len(COLUMNS))

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_ANSWERED = frozenset(int(r) for r in (_DISPLAY, _ALIGNMENT, Qt.ItemDataRole.ToolTipRole))


class CartModel(HeadedTableModel):
    """The open sale's lines; `changed` fires after every change (totals, customer hint)."""

    changed = Signal()

    def __init__(
        self,
        fmt: ShopFormat,
        *,
        prices_include_tax: bool,
        today: Callable[[], date] = business_day,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.cart = Cart()
        self._fmt = fmt
        self._prices_include_tax = prices_include_tax
        self._today = today
        self._totals = self.cart.totals(prices_include_tax=prices_include_tax)
        self._texts: dict[int, tuple[str, ...]] = {}  # row -> cell texts, until a change

    # ------------------------------------------------------------------ reading

    def totals(self) -> Totals:
        return self._totals

    def line(self, row: int) -> CartLine:
        return self.cart.lines[row]

    def lines(self) -> tuple[CartLine, ...]:
        return tuple(self.cart.lines)

    def is_empty(self) -> bool:
        return not self.cart.lines

    def discounts_bp(self) -> list[int]:
        """Every discount in the sale, for the manager-approval check."""
        return [self.cart.sale_discount_bp, *(ln.discount_bp for ln in self.cart.lines)]

    def warranty_end(self, line: CartLine) -> date | None:
        """What the receipt will say: the warranty starts on the sale day."""
        if not line.serialized or not line.warranty_days:
            return None
        return self._today() + timedelta(days=line.warranty_days)

    # ------------------------------------------------------------------ changing (Cart rules)

    def add(self, line: CartLine) -> int:
        """Adds a unit, or one more of a bulk item; raises the Cart's UserError if refused."""
        before = len(self.cart.lines)
        row = self.cart.add(line)
        if len(self.cart.lines) == before:  # one more of a line already there
            self._after_change(row)
            return row
        self.beginInsertRows(QModelIndex(), row, row)
        self._refigure()  # the new row's figures are ready when the table first asks
        self.endInsertRows()
        # The table paints a row it was just given: only a sale discount changes the others.
        self._announce(None if self.cart.sale_discount_bp else -1)
        return row

    def remove(self, row: int) -> CartLine:
        self.beginRemoveRows(QModelIndex(), row, row)
        line = self.cart.remove(row)
        self._refigure()
        self.endRemoveRows()
        self._announce(None)
        return line

    def remove_unit(self, unit_id: int) -> CartLine | None:
        """Drops the line of a unit the store refused (sold on another till)."""
        for row, line in enumerate(self.cart.lines):
            if unit_id in line.unit_ids:  # a bundle goes with its part
                return self.remove(row)
        return None

    def step_qty(self, row: int, delta: int) -> None:
        self.cart.set_qty(row, self.cart.lines[row].qty + delta)
        self._after_change(row)

    def set_line_discount(self, row: int, bp: int) -> None:
        self.cart.set_line_discount(row, bp)
        self._after_change(row)

    def set_price(self, row: int, price: int, reason: str) -> None:
        self.cart.set_price(row, price, reason)
        self._after_change(row)

    def set_sale_discount(self, bp: int) -> None:
        self.cart.set_sale_discount(bp)
        self._after_change()

    def set_customer(self, customer_id: int | None, label: str) -> None:
        self.cart.customer_id = customer_id
        self.cart.customer_label = label if customer_id is not None else ""
        self.changed.emit()

    def load(
        self,
        lines: Sequence[CartLine],
        *,
        sale_discount_bp: int,
        customer_id: int | None,
        customer_label: str,
    ) -> None:
        """A resumed sale replaces the (empty) cart."""
        self.beginResetModel()
        self.cart = Cart(lines, sale_discount_bp=sale_discount_bp)
        self.cart.customer_id = customer_id
        self.cart.customer_label = customer_label if customer_id is not None else ""
        self._refigure()
        self.endResetModel()
        self._announce(-1)  # a reset repaints every row already

    def clear(self) -> None:
        self.beginResetModel()
        self.cart.clear()
        self._refigure()
        self.endResetModel()
        self._announce(-1)

    def _after_change(self, row: int | None = None) -> None:
        self._refigure()
        # A sale discount moves every line's total: repaint all rows, they are few.
        self._announce(None if row is None or self.cart.sale_discount_bp else row)

    def _refigure(self) -> None:
        """Totals and cell texts anew: before the end of an insert, removal or reset, for
        the table asks for the cells as soon as it hears of them."""
        self._totals = self.cart.totals(prices_include_tax=self._prices_include_tax)
        self._texts.clear()

    def _announce(self, row: int | None) -> None:
        """dataChanged for `row` (None: every row; -1: none), then `changed`."""
        if self.cart.lines and row != -1:
            first, last = (0, len(self.cart.lines) - 1) if row is None else (row, row)
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
        self.changed.emit()

    # ------------------------------------------------------------------ Qt's table

    headings = COLUMNS

    def row_total(self) -> int:
        return len(self.cart.lines)

    def data(self, index: AnyIndex, role: int = _DISPLAY) -> Any:
        # Painting a cell asks for a dozen roles, most of which the cart leaves to the
        # style (font, colours, icons...): those are answered before anything is looked up.
        if role not in _ANSWERED or not index.isValid():
            return None
        row = index.row()
        if row >= len(self.cart.lines):
            return None
        if role == _DISPLAY:
            return self._row_texts(row)[index.column()]
        if role == _ALIGNMENT:
            return COLUMNS[index.column()][1]
        line = self.cart.lines[row]
        if index.column() == ITEM:
            return f"{line.name} ({line.sku})"
        if index.column() == PRICE and line.price_override is not None:
            was = self._fmt.money(line.unit_price)
            return f"* changed from {was}: {line.override_reason}"
        return None

    def _row_texts(self, row: int) -> tuple[str, ...]:
        """A row's cell texts, formatted once per change: Qt asks for each cell hundreds of
        times while painting a scanned line."""
        texts = self._texts.get(row)
        if texts is None:
            line, totals = self.cart.lines[row], self._totals.lines[row]
            texts = tuple(self._text(line, totals, column) for column in range(len(COLUMNS)))
            self._texts[row] = texts
        return texts

    def _text(self, line: CartLine, totals: LineTotals, column: int) -> str:
        money = self._fmt.money
        if column == ITEM:
            return line.name
        if column == SERIAL:
            return line.serial or ", ".join(part.serial for part in line.bundle_units)
        if column == WARRANTY:
            end = self.warranty_end(line)
            if end is None:
                return "—" if line.serialized else ""
            return self._fmt.day(end)
        if column == QTY:
            return str(line.qty)
        if column == PRICE:
            if line.price_override is not None:  # marked; the tooltip says from what and why
                return f"{money(line.price)} *"
            return money(line.unit_price)
        if column == DISCOUNT:
            if not line.discount_bp:
                return ""
            return f"{percent_text(line.discount_bp)}  −{money(totals.line_discount)}"
        if column == TOTAL:
            return money(totals.total)
        return ""
