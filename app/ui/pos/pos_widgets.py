"""The POS view's own keyboard widgets: the scan field and the cart table, whose keys
(+, −, Delete, Up, Down) work on the cart without the mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from app.ui.widgets.tables import ShopTable


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
    """The cart's lines. + and − change the quantity; typing goes back to the scan field."""

    step = Signal(int)
    typed = Signal(str)

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
