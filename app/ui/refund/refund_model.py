"""A sale's lines at the refund desk, with what is coming back from each.

The quantities here only bound the cashier's choice (nothing above what is still
refundable); refund_sale decides what may really come back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from app.pos.records import SaleLineRecord, SaleRecord
from app.pos.refunds import RefundLineRequest
from app.ui.formatting import ShopFormat
from app.ui.models.headed import HeadedTableModel

AnyIndex = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter

COLUMNS: tuple[tuple[str, Qt.AlignmentFlag], ...] = (
    ("Back", CENTER),
    ("Item", LEFT),
    ("Serial", LEFT),
    ("Sold", CENTER),
    ("Already back", CENTER),
    ("Coming back", CENTER),
    ("Paid for the line", RIGHT),
)
BACK, ITEM, SERIAL, SOLD, ALREADY, RETURNING, PAID = range(len(COLUMNS))
DONE_GREY = QColor("#9aa5b1")


def _same_serial(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


class RefundLinesModel(HeadedTableModel):
    def __init__(self, fmt: ShopFormat, parent: Any = None) -> None:
        super().__init__(parent)
        self._fmt = fmt
        self.sale: SaleRecord | None = None
        self._returning: dict[int, int] = {}  # sale line id -> quantity coming back

    # ------------------------------------------------------------------ the sale

    def set_sale(self, sale: SaleRecord | None) -> None:
        self.beginResetModel()
        self.sale = sale
        self._returning = {}
        self.endResetModel()
        if sale is None:
            return
        open_lines = [ln for ln in sale.lines if ln.refundable_qty > 0]
        # One line holding one unit: nothing to choose.
        if len(open_lines) == 1 and open_lines[0].refundable_qty == 1:
            self._set(sale.lines.index(open_lines[0]), 1)

    def line(self, row: int) -> SaleLineRecord:
        assert self.sale is not None
        return self.sale.lines[row]

    def row_of_serial(self, serial: str) -> int:
        if self.sale is None:
            return -1
        for row, line in enumerate(self.sale.lines):
            if line.serial and _same_serial(line.serial, serial):
                return row
        return -1

    def returning(self, row: int) -> int:
        return self._returning.get(self.line(row).id, 0)

    def chosen(self) -> tuple[RefundLineRequest, ...]:
        """Every line coming back, with its quantity, in the sale's order."""
        if self.sale is None:
            return ()
        return tuple(
            RefundLineRequest(ln.id, self._returning[ln.id])
            for ln in self.sale.lines
            if self._returning.get(ln.id, 0) > 0
        )

    def units_chosen(self) -> int:
        return sum(line.qty for line in self.chosen())

    # ------------------------------------------------------------------ choosing

    def toggle(self, row: int) -> bool:
        """On: all that is still refundable comes back; off: none. False if nothing is left."""
        line = self.line(row)
        if line.refundable_qty <= 0:
            return False
        self._set(row, 0 if self.returning(row) else line.refundable_qty)
        return True

    def choose(self, row: int) -> bool:
        """The scanned unit's line comes back (scanning it again changes nothing)."""
        line = self.line(row)
        if line.refundable_qty <= 0:
            return False
        self._set(row, max(self.returning(row), 1))
        return True

    def step(self, row: int, delta: int) -> bool:
        line = self.line(row)
        wanted = self.returning(row) + delta
        if line.refundable_qty <= 0 or not 0 <= wanted <= line.refundable_qty:
            return False
        self._set(row, wanted)
        return True

    def _set(self, row: int, qty: int) -> None:
        self._returning[self.line(row).id] = qty
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # ------------------------------------------------------------------ Qt's table

    headings = COLUMNS

    def row_total(self) -> int:
        return 0 if self.sale is None else len(self.sale.lines)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.line(index.row()).refundable_qty <= 0:
            flags &= ~Qt.ItemFlag.ItemIsEnabled
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.sale is None:
            return None
        line = self.line(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == BACK:
            coming = self._returning.get(line.id, 0) > 0
            return Qt.CheckState.Checked if coming else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[column][1]
        if role == Qt.ItemDataRole.ForegroundRole and line.refundable_qty <= 0:
            return QBrush(DONE_GREY)
        return None

    def _text(self, line: SaleLineRecord, column: int) -> str:
        if column == ITEM:
            return line.description
        if column == SERIAL:
            return line.serial or ""
        if column == SOLD:
            return str(line.qty)
        if column == ALREADY:
            return str(line.refunded_qty) if line.refunded_qty else ""
        if column == RETURNING:
            if line.bundle:
                return "its parts"  # a kit comes back by its components, listed under it
            if line.refundable_qty <= 0:
                return "refunded"
            qty = self._returning.get(line.id, 0)
            return str(qty) if qty else ""
        if column == PAID:
            return self._fmt.money(line.paid)
        return ""
