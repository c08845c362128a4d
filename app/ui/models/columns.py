"""Column descriptions shared by the table models: a title and how to show one record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.ui.models.headed import HeadedTableModel

R = TypeVar("R")

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

# Qt passes either kind of index to data(); both read the same.
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header, the text for a record, and how it sits in the table."""

    key: str
    title: str
    text: Callable[[R], str]
    align: Qt.AlignmentFlag = LEFT
    shown: bool = True  # shown until the user hides it with the column chooser
    width: int = 110  # starting width in pixels
    stretch: bool = False  # takes the table's spare width (short summary tables)
    tooltip: Callable[[R], str] | None = None


class RecordTableModel(HeadedTableModel, Generic[R]):
    """A read-only table over a short list of records (summaries, one unit's history)."""

    def __init__(self, columns: list[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.headings = self.headings_of(columns)
        self._records: list[R] = []

    def set_records(self, records: list[R]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def records(self) -> list[R]:
        return list(self._records)

    def record(self, row: int) -> R:
        return self._records[row]

    def row_total(self) -> int:
        return len(self._records)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return column_data(self.columns[index.column()], self._records[index.row()], role)


def column_data(column: Column[R], record: R, role: int) -> Any:
    """What a cell shows for the roles every table here answers."""
    if role == Qt.ItemDataRole.DisplayRole:
        return column.text(record)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return column.align
    if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
        return column.tooltip(record)
    return None
