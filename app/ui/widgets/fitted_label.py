"""A one-line figure that is never cut: its font shrinks until the whole text fits."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class FittedLabel(QLabel):
    """Bold text at `largest` points, or as much smaller (down to `smallest`) as its width
    needs: the till's total is read from a metre away, and a five-figure sale must show its
    currency sign too. Its height stays that of the largest size, so the panel does not
    jump as the total grows. (The size is set here, not in the style sheet, which would
    override it.)"""

    def __init__(self, largest: float, smallest: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._largest, self._smallest = largest, smallest
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(largest)
        self.setFont(font)
        self.setMinimumHeight(QFontMetrics(font).height())
        # Its text's width never widens the panel: the font gives way instead.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 2 * self.margin()
        if room <= 0:
            return
        font = QFont(self.font())
        size = self._largest
        font.setPointSizeF(size)
        while size > self._smallest and QFontMetrics(font).horizontalAdvance(self.text()) > room:
            size -= 1
            font.setPointSizeF(size)
        if font.pointSizeF() != self.font().pointSizeF():
            self.setFont(font)
        if size == self._largest:  # as tall as the largest text is drawn, style included
            self.setMinimumHeight(max(self.minimumHeight(), self.sizeHint().height()))
