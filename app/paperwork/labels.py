"""Serial labels: units from the store -> `Label` documents -> a file or a printer's bytes.

Like app/paperwork/receipts.py this sits between the domain and printing, which may not know each
other (ARCHITECTURE.md rules 2 and 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import InvalidInput
from app.files import write_atomically
from app.money import format_money
from app.printing.documents import LABEL_SIZES, Label, LabelSize, Symbology, label_rows
from app.stock import queries
from app.stock.queries import UnitFilter
from app.stock.records import ItemRecord, UnitRecord
from app.users.roles import Actor

# The renderers (PIL, python-escpos, fpdf) are imported by the first label drawn, not with
# the Stock view that offers labels.
if TYPE_CHECKING:
    from PIL import Image

FORMATS = (".png", ".pdf", ".zpl", ".bin")
MAX_PNG_LABELS = 200  # a strip of labels in one image; more is a job for the PDF sheet
CHUNK: Final = 50  # labels per print job, and per step between which Cancel is heard


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
    from PIL import Image

    from app.printing import raster

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
    from app.printing import escpos, raster, sheets, zpl

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
    try:
        write_atomically(path, data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(data)


@dataclass(frozen=True)
class LabelSource:
    """Which units get labels: a received batch (read page by page), or units in hand."""

    title: str
    count: int
    batch_id: int | None = None
    units: tuple[UnitRecord, ...] = ()

    @classmethod
    def batch(cls, batch_id: int, count: int, sku: str) -> LabelSource:
        return cls(f"batch {batch_id} · {sku}", count, batch_id=batch_id)

    @classmethod
    def chosen(cls, units: Sequence[UnitRecord]) -> LabelSource:
        skus = sorted({u.sku for u in units})
        title = f"{len(units)} unit{'s' if len(units) != 1 else ''} · {', '.join(skus[:3])}"
        return cls(title, len(units), units=tuple(units))

    def pages(self, store: Store, actor: Actor, size: int) -> Iterator[list[UnitRecord]]:
        """The units, `size` at a time (a batch is read by key, never all at once)."""
        if self.batch_id is None:
            for start in range(0, len(self.units), size):
                yield list(self.units[start : start + size])
            return
        wanted = UnitFilter(batch_id=self.batch_id)
        after: tuple[str, int] | None = None
        while True:
            page = queries.list_units(store, actor, wanted, limit=size, after=after)
            if page.units:
                yield page.units
            if page.next_after is None:
                return
            after = page.next_after

    def first(self, store: Store, actor: Actor, count: int) -> list[UnitRecord]:
        return next(self.pages(store, actor, count), [])


def size_name_of(width_mm: float, height_mm: float) -> str | None:
    """The label renderers' name for a printer's label size (58 x 30 mm -> "58mm")."""
    return next(
        (n for n, s in LABEL_SIZES.items() if (s.width_mm, s.height_mm) == (width_mm, height_mm)),
        None,
    )


def roll_label_image(label: Label, width_mm: int, profile: str) -> Image.Image:
    """A label as a receipt printer prints it: the same rows as its ESC/POS bytes."""
    from app.printing import escpos, raster

    sheet = escpos.paper(width_mm, profile)
    rows = label_rows(label, sheet.columns)
    return raster.rows_image(rows, width_mm=width_mm, dpi=sheet.dpi, columns=sheet.columns)
