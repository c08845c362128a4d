"""Serial labels: units from the store -> `Label` documents -> a file or a printer's bytes.

Like app/receipts.py this sits between the domain and printing, which may not know each
other (ARCHITECTURE.md rules 2 and 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import Image

from app.config import ShopSettings
from app.errors import InvalidInput
from app.money import format_money
from app.printing import escpos, raster, sheets, zpl
from app.printing.documents import LABEL_SIZES, Label, LabelSize, Symbology
from app.stock.records import ItemRecord, UnitRecord

FORMATS = (".png", ".pdf", ".zpl", ".bin")
MAX_PNG_LABELS = 200  # a strip of labels in one image; more is a job for the PDF sheet


def label_size(name: str) -> LabelSize:
    try:
        return LABEL_SIZES[name]
    except KeyError:
        known = ", ".join(sorted(LABEL_SIZES))
        raise InvalidInput(f"unknown label size {name!r}; sizes are {known}") from None


def labels_for(
    shop: ShopSettings,
    units: Iterable[UnitRecord],
    items: dict[str, ItemRecord],
    *,
    gs1: bool = False,
) -> list[Label]:
    """One label per unit: its serial as a barcode (GS1-128 with the item's GTIN if asked)."""
    out = []
    for unit in units:
        item = items[unit.sku]
        if gs1 and not item.barcode:
            raise InvalidInput(f"{item.sku} has no product barcode (GTIN) for a GS1-128 label")
        out.append(
            Label(
                serial=unit.serial,
                item_name=item.name,
                price=format_money(item.price, currency=shop.currency, locale=shop.locale),
                asset_tag=unit.asset_tag,
                symbology=Symbology.GS1_128 if gs1 else Symbology.CODE128,
                gtin=item.barcode if gs1 else None,
            )
        )
    if not out:
        raise InvalidInput("no units to label")
    return out


def label_strip(labels: Sequence[Label], size: LabelSize) -> Image.Image:
    """Labels one under another in one image (a preview, or a short run to a PNG)."""
    if len(labels) > MAX_PNG_LABELS:
        raise InvalidInput(f"{len(labels)} labels is too many for one PNG; write a .pdf sheet")
    images = [raster.label_image(label, size) for label in labels]
    gap = 8
    strip = Image.new(
        "L", (images[0].width, sum(i.height for i in images) + gap * (len(images) - 1)), 255
    )
    y = 0
    for image in images:
        strip.paste(image, (0, y))
        y += image.height + gap
    return strip


def render_labels(
    labels: Sequence[Label],
    suffix: str,
    size: LabelSize,
    *,
    profile: str = "TM-T88V",
    width_mm: int = 80,
) -> bytes:
    """The bytes of a label file: PNG preview strip, PDF sheet, ZPL, or ESC/POS (.bin) for
    a ``width_mm`` roll in a ``profile`` printer (`labels --out FILE.bin --width --profile`).
    """
    match suffix.lower():
        case ".png":
            return raster.to_png(label_strip(labels, size))
        case ".pdf":
            return sheets.label_sheet_pdf(labels, label_size=size)
        case ".zpl":
            return zpl.render_labels_zpl(labels, size).encode("utf-8")
        case ".bin":
            try:
                return escpos.render_labels(labels, width_mm=width_mm, profile=profile)
            except ValueError as exc:  # an unknown profile or paper width: the user's words
                if isinstance(exc, InvalidInput):
                    raise
                raise InvalidInput(str(exc)) from None
    raise InvalidInput(f"label file must end in {', '.join(FORMATS)}")


def write_labels(
    labels: Sequence[Label],
    path: Path,
    size: LabelSize,
    *,
    profile: str = "TM-T88V",
    width_mm: int = 80,
) -> int:
    """Writes the file atomically; returns its size in bytes."""
    data = render_labels(labels, path.suffix, size, profile=profile, width_mm=width_mm)
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {str(path.parent)!r} does not exist")
    tmp = path.with_name(path.name + ".part")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(data)
