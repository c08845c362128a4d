"""The POS view's own keyboard widgets: the scan field and the cart table, whose keys
(+, −, Delete, Up, Down) work on the cart without the mouse."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from app.ui.widgets.tables import ShopTable

ALL = -1  # CartTable: more has changed than lines come in


class ScanEdit(QLineEdit):
    """The scan field. With nothing typed, + and − change the quantity of the highlighted
    line and Delete removes it; Up and Down move through the cart from here."""

    step = Signal(int)
    remove = Signal()
    browse = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.text():
            if event.text() == "+":
                self.step.emit(1)
                return
            if event.text() in ("-", "−"):
                self.step.emit(-1)
                return
            if key == Qt.Key.Key_Delete:
                self.remove.emit()
                return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.browse.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class CartTable(ShopTable):
    """The cart's lines. + and − change the quantity; typing goes back to the scan field.

    A scanned line repaints the cart from that line down, not every line above it: Qt's
    item layout after rows come in repaints the whole viewport, and each styled line
    painted again cost a quarter of a millisecond a scan (the tenth line of a sale paid
    for nine). Anything else (a new sale, a line removed) lays out and repaints it all."""

    step = Signal(int)
    typed = Signal(str)
    # The first line come in since the last item layout; ALL: something else changed too.
    _came_from: int | None = None

    def setModel(self, model: QAbstractItemModel | None) -> None:
        old = self.model()
        if old is not None:
            old.rowsInserted.disconnect(self._rows_came)
            for signal in _other_changes(old):
                signal.disconnect(self._all_changed)
        super().setModel(model)
        self._came_from = None
        if model is not None:
            model.rowsInserted.connect(self._rows_came)
            for signal in _other_changes(model):
                signal.connect(self._all_changed)

    def _all_changed(self, *_args: object) -> None:
        self._came_from = ALL

    def _rows_came(
        self, parent: QModelIndex | QPersistentModelIndex, first: int, _last: int
    ) -> None:
        came = self._came_from
        if not parent.isValid() and came != ALL:
            self._came_from = first if came is None else min(came, first)

    def doItemsLayout(self) -> None:
        came, self._came_from = self._came_from, None
        if came is None or came <= 0 or self.model() is None:
            super().doItemsLayout()  # not only lines come in below others: all of it
            return
        # What QAbstractItemView.doItemsLayout does, but the repaint from the new line down.
        self.updateGeometries()
        viewport = self.viewport()
        top = max(0, self.rowViewportPosition(came))
        viewport.update(0, top, viewport.width(), viewport.height() - top)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text == "+":
            self.step.emit(1)
            return
        if text in ("-", "−"):
            self.step.emit(-1)
            return
        if text and text.isprintable() and not text.isspace():
            self.typed.emit(text)
            return
        super().keyPressEvent(event)


def _other_changes(model: QAbstractItemModel) -> tuple[SignalInstance, ...]:
    """A model's news that moves or drops lines already painted."""
    return (
        model.rowsRemoved,
        model.rowsMoved,
        model.columnsInserted,
        model.columnsRemoved,
        model.columnsMoved,
        model.modelReset,
        model.layoutChanged,
    )
