"""The Refund view's keyboard widgets: the scan field, the reason (a digit picks the
shop's reason of that number) and the sale's lines (Space chooses one, + and − how many)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from app.pos.records import TenderRecord
from app.ui.widgets.tables import ShopTable


class RefundScanEdit(QLineEdit):
    """Down goes to the sale's lines; Escape clears what was typed."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class ReasonEdit(QLineEdit):
    """The reason. Empty, a digit picks the shop's reason of that number (`preset`)."""

    preset = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if not self.text() and len(text) == 1 and text in "123456789":
            self.preset.emit(int(text) - 1)
            return
        super().keyPressEvent(event)


def tenders_text(money: Callable[[int], str], tenders: Sequence[TenderRecord]) -> str:
    """'card $300.00 + cash $199.00': each tender the money goes back to."""
    return " + ".join(f"{t.kind} {money(t.amount)}" for t in tenders) or "nothing"


class RefundLinesTable(ShopTable):
    """Space chooses a line (all of it); + and − change how many come back."""

    toggle = Signal(int)
    step = Signal(int, int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentIndex().row()
        if row >= 0:
            if event.key() == Qt.Key.Key_Space:
                self.toggle.emit(row)
                return
            if event.text() == "+":
                self.step.emit(row, 1)
                return
            if event.text() in ("-", "−"):
                self.step.emit(row, -1)
                return
        super().keyPressEvent(event)
