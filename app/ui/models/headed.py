"""A flat table model with fixed column headings: the part every till table shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

AnyIndex = QModelIndex | QPersistentModelIndex
Heading = tuple[str, Qt.AlignmentFlag]


class HeadedTableModel(QAbstractTableModel):
    """Subclasses set `headings` (title, alignment) and say how many rows they have."""

    headings: Sequence[Heading] = ()

    @staticmethod
    def headings_of(columns: Sequence[Any]) -> list[Heading]:
        """Headings from Column descriptions (app/ui/models/columns.py)."""
        return [(c.title, c.align) for c in columns]

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headings)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headings):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headings[section][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self.headings[section][1]
        return None
