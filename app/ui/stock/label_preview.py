"""The labels dialog's preview: the first few labels drawn on a worker exactly as they
will come out (a roll printer's label, or the file's), shown on white cards."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QStyle, QVBoxLayout, QWidget

from app.config import ShopSettings
from app.db.uow import Store
from app.devices.settings import PrinterSettings
from app.errors import UserError
from app.paperwork import labels as label_files
from app.paperwork.labels import LabelSource
from app.stock.records import ItemRecord
from app.users.roles import Actor

if TYPE_CHECKING:  # labels are drawn (PIL, python-escpos) when the dialog first shows some
    from PIL import Image

PREVIEW_LABELS: Final = 3


def preview_images(
    store: Store,
    actor: Actor,
    source: LabelSource,
    shop: ShopSettings,
    items: dict[str, ItemRecord],
    *,
    gs1: bool,
    size_name: str,
    printer: PrinterSettings | None,
) -> list[Image.Image]:
    """The first labels of `source` drawn as `printer`'s roll prints them, or as the file
    of `size_name` labels holds them (run on a worker: barcodes take a while)."""
    from app.printing import raster

    try:
        units = source.first(store, actor, PREVIEW_LABELS)
        labels = label_files.labels_for(shop, units, items, gs1=gs1)
        size = label_files.label_size(size_name)
        return [
            label_files.roll_label_image(label, printer.paper_width_mm, printer.profile)
            if printer is not None
            else raster.label_image(label, size)
            for label in labels
        ]
    except (ValueError, KeyError) as exc:
        raise UserError(str(exc)) from None


def preview_note(shown: int, count: int, printer: PrinterSettings | None) -> str:
    """What the preview shows: how many of the labels, and where they come out so."""
    which = f"The first {shown} of {count:,}" if shown < count else f"All {shown}"
    where = f"on {printer.name}'s {printer.paper_width_mm} mm roll" if printer else "in the file"
    return f"{which} labels, as they come out {where}"


def pixmap_of(image: Image.Image) -> QPixmap:
    """A Pillow image on screen (labels are greyscale)."""
    grey = image.convert("L")
    data = grey.tobytes()
    qimage = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())  # copy: `data` is freed when this returns


class LabelPreview(QScrollArea):
    """Labels one under another, each on a white card, scaled down to the width there is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LabelPreview")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._pixmaps: list[QPixmap] = []
        self._cards: list[QLabel] = []
        inner = QWidget()
        inner.setObjectName("LabelPreviewArea")
        self._column = QVBoxLayout(inner)
        self._column.setContentsMargins(10, 10, 10, 10)
        self._column.setSpacing(10)
        self._column.addStretch(1)
        self.setWidget(inner)

    @property
    def count(self) -> int:
        return len(self._cards)

    def set_images(self, images: Sequence[Image.Image]) -> None:
        self.clear_images()
        for image in images:
            card = QLabel()
            card.setObjectName("LabelCard")
            card.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._column.insertWidget(self._column.count() - 1, card)
            self._cards.append(card)
            self._pixmaps.append(pixmap_of(image))
        self._rescale()

    def clear_images(self) -> None:
        for card in self._cards:
            # Out of the layout now: deleteLater() waits for the event loop to come round.
            self._column.removeWidget(card)
            card.hide()
            card.deleteLater()
        self._cards, self._pixmaps = [], []

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        # The room left once the vertical scroll bar shows (it comes with the second
        # label): a card wider than that is cut at the right ("$499.(" for $499.00).
        bar = (
            0
            if self.verticalScrollBar().isVisible()
            else self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        )
        room = max(self.viewport().width() - bar - 2 * 10 - 4, 60)
        for card, pixmap in zip(self._cards, self._pixmaps, strict=True):
            if pixmap.width() > room:
                pixmap = pixmap.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
            card.setPixmap(pixmap)
