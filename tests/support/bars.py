"""Measuring printed barcodes: the narrowest bar or space, in dots, of a rendered bitmap.

A scanner resolves a barcode by the widths of its bars and spaces; a one-dot bar on a
203 dpi head is often eaten by heat spread, so the tests look at the bitmap itself.
"""

from __future__ import annotations

import itertools

from PIL import Image

from app.printing.barcodes import BarcodeFitError
from app.printing.documents import Label, LabelSize, check_label_fits

_SAMPLED_ROWS = 9  # rows measured across the middle of the bars (every row is the same)


def barcode_rows(image: Image.Image, *, min_transitions: int = 20) -> list[bytes]:
    """The pixel rows (1 = black, 0 = white) that cross a barcode: many changes."""
    grey = image.convert("L")
    width, height = grey.size
    data = grey.point(lambda v: 1 if v < 128 else 0).tobytes()
    rows = []
    for y in range(height):
        row = data[y * width : (y + 1) * width]
        if row.count(b"\0\1") + row.count(b"\1\0") >= min_transitions:
            rows.append(row)
    return rows


def narrowest_element(image: Image.Image) -> int:
    """The narrowest bar or space (in pixels) inside any barcode in ``image``.

    Spaces count as much as bars: a space that closes up reads as one wide bar. The white
    margins outside the outermost bars are not elements. Raises if no barcode is found.
    """
    rows = barcode_rows(image)
    assert rows, "no barcode found in the image"
    middle = rows[len(rows) // 4 : len(rows) - len(rows) // 4] or rows  # clear of the ends
    step = max(1, len(middle) // _SAMPLED_ROWS)
    narrowest = len(rows[0])
    for row in middle[::step]:
        runs = [len(list(run)) for _, run in itertools.groupby(row)]
        narrowest = min(narrowest, *runs[1:-1])  # inner runs: between the outermost bars
    return narrowest


def label_fits(label: Label, size: LabelSize, dpi: float | None = None) -> bool:
    """Whether the one rule every label format shares lets ``label`` onto ``size`` (for a
    printer of ``dpi``: a 180 dpi head takes fewer modules)."""
    try:
        check_label_fits(label, size, dpi=dpi)
    except BarcodeFitError:
        return False
    return True
