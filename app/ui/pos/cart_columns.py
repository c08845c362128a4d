"""The cart's column widths and row heights, kept by the view instead of measured by Qt.

Left to Qt (figures ResizeToContents, the name stretching), every scan made the header
measure every cell of the cart, often more than once a scan, and each time a figure column
moved, the name column's width changed and every name was wrapped again; the tenth line's
scroll bar narrowed the table and did the same. Here:

- a figure column (serial, warranty, qty, price, discount, total) is as wide as its
  heading or the widest cell seen, measured only in the lines that came or changed; it
  only grows during a sale (a narrower column would re-wrap every name for a few pixels);
- the next sale keeps those widths, so the columns stay where the cashier looks and a
  sale's first lines seldom widen one (which repainted every heading and line, on the
  scans of a sale that were slowest); a sale starts again from the headings when the kept
  widths would leave the names less than NAME_SHARE_KEPT of the room (after a kit's list
  of serials);
- the name column takes what is left of the table's width, less the vertical scroll bar's
  width whether it shows or not, so the scroll bar arriving changes nothing under it;
- a line's height is measured when it comes or changes (a long name wraps onto a taller
  row: text is never cut), every line's only when the name column's width changes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtWidgets import QHeaderView, QTableView

AnyIndex = QModelIndex | QPersistentModelIndex

NAME_MIN = 120  # px: a narrow window still shows a few words of the name a line
NAME_SHARE_KEPT = 0.25  # a new sale keeps the figures' widths while names get this share


class CartColumns(QObject):
    """Sizes `table`'s columns (the name column `name` takes the rest) and its rows."""

    def __init__(self, table: QTableView, name: int) -> None:
        super().__init__(table)
        self._table = table
        self._name = name
        self._widths: dict[int, int] = {}  # figure column -> width this sale
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        model = table.model()
        # Direct: the table and its headers have taken the rows in (they were connected
        # first, by setModel), and the heights are right before the rows are first painted.
        model.rowsInserted.connect(self._rows_came)
        model.dataChanged.connect(self._rows_changed)
        model.modelReset.connect(self._reset)
        table.installEventFilter(self)  # its resizes give the name column more or less
        self._reset()

    def set_shown(self, column: int, shown: bool) -> None:
        """Shows or hides a figure column; the name column gives or takes the room."""
        if self._table.isColumnHidden(column) == (not shown):
            return
        self._table.setColumnHidden(column, not shown)
        self._unsqueeze()
        self._lay_out()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._table and event.type() == QEvent.Type.Resize:
            self._unsqueeze()
            self._lay_out()
        return False

    # ------------------------------------------------------------------ the model's news

    def _reset(self) -> None:
        """A new sale (or a resumed one): the figures keep their widths, or start from
        their headings again if those would leave the names too little room."""
        headings = self._headings()
        kept = {
            column: max(width, self._widths.get(column, 0)) for column, width in headings.items()
        }
        self._widths = headings if self._squeezed(kept) else kept
        rows = self._table.model().rowCount()
        self._measure(0, rows - 1)
        self._lay_out(fit_all=True)

    def _unsqueeze(self) -> None:
        """Widths kept from earlier sales that now leave the names too little room (the
        window narrowed, the discount column came): only this sale's lines count again."""
        if self._squeezed(self._widths):
            self._widths = self._headings()
            self._measure(0, self._table.model().rowCount() - 1)

    def _headings(self) -> dict[int, int]:
        header = self._table.horizontalHeader()
        return {
            column: header.sectionSizeHint(column)
            for column in range(header.count())
            if column != self._name
        }

    def _squeezed(self, widths: dict[int, int]) -> bool:
        room = self._room()
        return room - self._figures(widths) < max(NAME_MIN, NAME_SHARE_KEPT * room)

    def _rows_came(self, _parent: AnyIndex, first: int, last: int) -> None:
        self._rows_changed_between(first, last)

    def _rows_changed(self, top_left: AnyIndex, bottom_right: AnyIndex) -> None:
        self._rows_changed_between(top_left.row(), bottom_right.row())

    def _rows_changed_between(self, first: int, last: int) -> None:
        if not self._measure(first, last) or not self._lay_out():
            self._fit(first, last)  # the name column kept its width: only these lines

    # ------------------------------------------------------------------ sizing

    def _measure(self, first: int, last: int) -> bool:
        """Widens the figure columns for these lines' cells; True if any grew."""
        table, model = self._table, self._table.model()
        grew = False
        for row in range(first, min(last + 1, model.rowCount())):
            for column, width in self._widths.items():
                wanted = table.sizeHintForIndex(model.index(row, column)).width()
                if wanted > width:
                    self._widths[column] = width = wanted
                    grew = True
        return grew

    def _lay_out(self, *, fit_all: bool = False) -> bool:
        """Sets every column's width; True if the name column's changed (then every line
        has been measured again, for its name wraps anew)."""
        table = self._table
        header = table.horizontalHeader()
        for column, width in self._widths.items():
            if header.sectionSize(column) != width and not table.isColumnHidden(column):
                header.resizeSection(column, width)
        name = max(NAME_MIN, self._room() - self._figures(self._widths))
        changed = header.sectionSize(self._name) != name
        if changed:
            header.resizeSection(self._name, name)
        if changed or fit_all:
            self._fit(0, table.model().rowCount() - 1)
        return changed

    def _room(self) -> int:
        """The columns' room as if there were no scroll bar, less the scroll bar's width:
        the same whether the cart is long enough to scroll or not."""
        table = self._table
        return table.maximumViewportSize().width() - table.verticalScrollBar().sizeHint().width()

    def _figures(self, widths: dict[int, int]) -> int:
        return sum(w for column, w in widths.items() if not self._table.isColumnHidden(column))

    def _fit(self, first: int, last: int) -> None:
        """Each line as tall as its wrapped name. The table is not told row by row: it
        would repaint from each resized row down once more, after the paint that already
        showed them (a second paint of the cart a scan); it is told once, here."""
        table, rows = self._table, self._table.verticalHeader()
        last = min(last, table.model().rowCount() - 1)
        if last < first:
            return
        before = [rows.sectionSize(row) for row in range(first, last + 1)]
        rows.blockSignals(True)
        try:
            for row in range(first, last + 1):
                table.resizeRowToContents(row)  # a long name wraps onto a taller row
        finally:
            rows.blockSignals(False)
        if before != [rows.sectionSize(row) for row in range(first, last + 1)]:
            table.updateGeometries()  # the scroll bar's range
            top = table.rowViewportPosition(first)
            viewport = table.viewport()
            viewport.update(0, top, viewport.width(), viewport.height() - top)
