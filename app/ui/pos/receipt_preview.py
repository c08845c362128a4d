"""Receipts on screen: the very image the printer's raster path would print, and a PNG of it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.printing.documents import Receipt
from app.ui.pos.keyed import key_button, keyed_action
from app.ui.widgets.message_line import sentence

if TYPE_CHECKING:  # the image is drawn (PIL, barcodes) when a receipt is first shown
    from PIL import Image

MIN_WIDTH = 320  # pixels: narrower than this a receipt is no longer readable


class ReceiptPreview(QScrollArea):
    """A receipt (or any printable strip) at printer resolution, scrolling down; shrunk
    to the width there is, never enlarged (a blown-up receipt only looks blurred)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiptPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.image_label = QLabel()
        self.image_label.setObjectName("ReceiptPaper")
        self.setWidget(self.image_label)
        self.setWidgetResizable(False)
        self.setMinimumWidth(MIN_WIDTH)
        self.png: bytes = b""
        self.name = ""
        self._pixmap = QPixmap()

    def show_receipt(self, receipt: Receipt) -> None:
        from app.printing.raster import receipt_image

        self.show_image(receipt_image(receipt), receipt.number)

    def show_image(self, image: Image.Image, name: str) -> None:
        from app.printing.raster import to_png

        self.png = to_png(image)
        self.name = name
        self._pixmap = QPixmap()
        self._pixmap.loadFromData(self.png, "PNG")
        self._fit()
        self.verticalScrollBar().setValue(0)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        if self._pixmap.isNull():
            return super().sizeHint()
        return QSize(self._pixmap.width() + self._chrome(), 600)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _chrome(self) -> int:
        return self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth() + 2

    def _fit(self) -> None:
        if self._pixmap.isNull():
            return
        room = self.width() - self._chrome()
        shown = self._pixmap
        if 0 < room < shown.width():
            shown = shown.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.image_label.setPixmap(shown)
        self.image_label.resize(shown.size())

    def clear_image(self) -> None:
        self.png = b""
        self.name = ""
        self._pixmap = QPixmap()
        self.image_label.clear()

    def has_image(self) -> bool:
        return bool(self.png)

    def save_png(self) -> Path | None:
        """Asks where, then writes the PNG; None if the cashier cancelled."""
        if not self.png:
            return None
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Save receipt as PNG", f"{self.name or 'receipt'}.png", "PNG images (*.png)"
        )
        if not chosen:
            return None
        path = Path(chosen)
        path.write_bytes(self.png)
        return path


class ReceiptDialog(QDialog):
    """A receipt to look at again (history, refunds, end of day): Save PNG, Close."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReceiptDialog")
        self.setWindowTitle(f"SerialPOS — {title}")
        self.preview = ReceiptPreview()
        self.message = QLabel()
        self.message.setObjectName("DialogHint")
        _save, save = keyed_action(self, "Save PNG…", "Ctrl+S", self.save_png)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        buttons.addWidget(key_button("Close", "Esc", self.reject))
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.resize(720, 700)

    def save_png(self) -> None:
        try:
            path = self.preview.save_png()
        except OSError as exc:
            self.message.setText(sentence(f"could not save: {exc.strerror or exc}"))
            return
        if path is not None:
            self.message.setText(f"Saved {path.name}")


class DonePanel(QWidget):
    """After a sale or a refund: what to hand over, big, and the receipt under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setObjectName("PosChange")
        self.detail = QLabel()
        self.detail.setObjectName("PosSaleDetail")
        self.detail.setWordWrap(True)
        self.preview = ReceiptPreview()
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        self.note = QLabel()  # the receipt did not print, say
        self.note.setObjectName("DialogProblem")
        self.note.setWordWrap(True)
        self.note.hide()
        words.addWidget(self.note)
        self._buttons = QVBoxLayout()
        self._buttons.addStretch(1)
        header = QHBoxLayout()
        header.addLayout(words, 1)
        header.addLayout(self._buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.preview, 1)

    def add_button(self, button: QWidget) -> None:
        self._buttons.addWidget(button)

    def show_done(self, headline: str, detail: str, receipt: Receipt) -> None:
        self.headline.setText(headline)
        self.detail.setText(detail)
        self.note.hide()
        self.preview.show_receipt(receipt)
