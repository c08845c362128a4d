"""Table views as every screen uses them: an empty-state line and a column chooser."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelection, QPoint, Qt
from PySide6.QtGui import QAction, QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from app.ui.models.columns import Column


class PlainHeader(QHeaderView):
    """A header whose sections are never drawn as selected (`highlightSections` off, as
    in every ShopTable): a selection in the table repaints none of it. Qt's header
    repaints every section a selected row spans, the whole header for a row: at the till
    that was 0.5-0.7 ms of each scan, redrawing headings that had not changed."""

    def selectionChanged(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if self.highlightSections():
            super().selectionChanged(selected, deselected)


class ShopTable(QTableView):
    """A read-only, row-selecting table that says so when it has nothing to show."""

    def __init__(self, parent: QWidget | None = None, *, empty_text: str = "Nothing to show"):
        super().__init__(parent)
        self._empty_text = empty_text
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as in any form
        header = PlainHeader(Qt.Orientation.Horizontal, self)
        header.setSectionsClickable(True)  # as Qt's own table header: a click can sort
        self.setHorizontalHeader(header)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(28)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.horizontalHeader().setStretchLastSection(True)

    @property
    def empty_text(self) -> str:
        return self._empty_text

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.viewport().update()

    def is_showing_empty_text(self) -> bool:
        model = self.model()
        return model is None or model.rowCount() == 0

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.is_showing_empty_text():
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().placeholderText().color())
        area = self.viewport().rect().adjusted(16, 24, -16, -16)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        painter.drawText(area, int(flags | Qt.TextFlag.TextWordWrap), self._empty_text)
        painter.end()


class ColumnChooser:
    """Right-click on a table's header: tick the columns to show (one always stays)."""

    def __init__(self, table: QTableView) -> None:
        self._table = table
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)

    def menu(self) -> QMenu:
        """The menu of columns, each a checkable action (built fresh: titles may change)."""
        header = self._table.horizontalHeader()
        model = self._table.model()
        menu = QMenu(self._table)
        menu.setTitle("Columns")
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        for column in range(header.count()):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            action = QAction(str(title), menu)
            action.setCheckable(True)
            action.setChecked(column in shown)
            # The last visible column cannot be hidden: an empty table helps no one.
            action.setEnabled(not (column in shown and len(shown) == 1))
            action.toggled.connect(lambda on, c=column: self.set_shown(c, on))
            menu.addAction(action)
        return menu

    def set_shown(self, column: int, shown: bool) -> None:
        header = self._table.horizontalHeader()
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < 40:
            self._table.resizeColumnToContents(column)

    def _show_menu(self, pos: QPoint) -> None:
        header: QHeaderView = self._table.horizontalHeader()
        self.menu().exec(header.mapToGlobal(pos))


def apply_column_defaults(table: QTableView, columns: Sequence[Column[Any]]) -> None:
    """Starting widths, and the columns whose `shown` is False hidden until asked for."""
    header = table.horizontalHeader()
    for index, column in enumerate(columns):
        table.setColumnWidth(index, column.width)
        table.setColumnHidden(index, not column.shown)
        if column.stretch:
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
    # A stretching name column keeps right-aligned numbers beside it, not at the far edge.
    header.setStretchLastSection(not any(c.stretch for c in columns))
