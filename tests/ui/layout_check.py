"""What the layout tests look for on a screen: text cut short (a label or a button narrower
than its text, a table cell narrower than its text) and anything wider than the window."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QStyle,
    QTableView,
    QWidget,
)


def _cell_padding(view: QWidget) -> int:
    """A table cell's text margins, both sides together (as the style draws them)."""
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view)
    return 2 * (margin + 1)


def _shown(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window()) and widget.isVisible()


def cut_texts(root: QWidget) -> list[str]:
    """Every visible text on `root` that does not fit where it is drawn."""
    problems: list[str] = []
    for label in root.findChildren(QLabel):
        text = label.text()
        if not _shown(label) or not text or label.wordWrap() or label.pixmap().width() > 0:
            continue
        if label.textFormat() == Qt.TextFormat.RichText or GuiQt.mightBeRichText(text):
            continue  # rich text wraps and is laid out by the document
        if label.buddy() is not None or "&" in text:
            text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")  # mnemonics
        room = label.contentsRect().width() - 2 * label.margin()
        needed = max(label.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
        if needed > room:
            name = label.objectName() or "label"
            problems.append(f"{name}: {text!r} needs {needed}, has {room}")
    for button in root.findChildren(QAbstractButton):
        text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        if not _shown(button) or not text:
            continue
        needed = button.fontMetrics().horizontalAdvance(text)
        room = button.contentsRect().width() - 8
        if button.icon().isNull() is False:
            room -= button.iconSize().width()
        if needed > room:
            problems.append(f"button {text!r} needs {needed}, has {room}")
    for combo in root.findChildren(QComboBox):
        if not _shown(combo) or not combo.currentText():
            continue
        needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
        room = combo.width() - 30  # the arrow
        if needed > room:
            problems.append(f"combo {combo.objectName()}: {combo.currentText()!r} is cut")
    for view in root.findChildren(QTableView):
        if _shown(view):
            problems += _cut_cells(view)
    return problems


def _cut_cells(view: QTableView, rows: int = 30) -> list[str]:
    model = view.model()
    if model is None:
        return []
    problems = []
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    padding = _cell_padding(view)
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        width = view.columnWidth(column)
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        if title and header.isVisible():
            needed = header.fontMetrics().horizontalAdvance(title) + padding
            if needed > width + 2:
                problems.append(f"{view.objectName()} header {title!r}: {needed} > {width}")
        for row in range(min(rows, model.rowCount())):
            text = model.index(row, column, QModelIndex()).data()
            if not isinstance(text, str) or not text:
                continue
            needed = metrics.horizontalAdvance(text) + padding
            if view.wordWrap() and " " in text:
                lines = -(-needed // max(width - padding, 1))  # wrapped: the row must be tall
                if view.rowHeight(row) >= lines * metrics.lineSpacing():
                    continue
            if needed > width:
                problems.append(f"{view.objectName()} [{row},{title}] {text!r}: {needed} > {width}")
    return problems


def too_wide(window: QWidget, screen_width: int) -> list[str]:
    """The window or a top-level dialog asking for more than the screen."""
    out = []
    for what, width in (
        ("minimumSizeHint", window.minimumSizeHint().width()),
        ("minimumWidth", window.minimumWidth()),
        ("width", window.width()),
    ):
        if width > screen_width:
            name = window.objectName() or type(window).__name__
            out.append(f"{name} {what} {width} > {screen_width}")
    return out


__all__ = ["QAbstractItemView", "cut_texts", "too_wide"]
