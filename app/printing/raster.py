"""Documents as Pillow images: PNG previews, and barcode bitmaps for the other renderers.

Barcodes are drawn module by module at a whole number of pixels per module, never
scaled afterwards: a resampled barcode has bars of uneven width and may not scan.
Images are greyscale ("L"): black on white, anti-aliased text for the screen; the
ESC/POS renderer thresholds them to one bit.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

import barcode
from PIL import Image, ImageDraw, ImageFont

from app.printing.barcodes import (
    MIN_MODULE_MM,
    QUIET_EDGE_MM,
    QUIET_ZONE_MODULES,
    BarcodeFitError,
    code128_modules,
    dots,
    fit_module_px,
)
from app.printing.documents import (
    LABEL_50X25,
    NORMAL_FONT_DOTS,
    SMALL_FONT_DOTS,
    BarcodeRow,
    FeedRow,
    Label,
    LabelSize,
    Receipt,
    Row,
    Tag,
    TextRow,
    check_label_fits,
    receipt_rows,
    tag_rows,
)

DEFAULT_DPI = 203  # the common thermal head: 8 dots per millimetre
FONT_A_DOTS = 12  # Font A character cell of Epson-compatible printers, at 180 and 203 dpi
WHITE = 255
BLACK = 0

# Dots a thermal head prints across the paper, by paper width and head resolution.
_PRINTABLE_DOTS = {(80, 203): 576, (80, 180): 512, (58, 203): 384, (58, 180): 360}
_PRINTABLE_MM = {80: 72.0, 58: 48.0}

FontKind = Literal["sans", "sans-bold", "mono", "mono-bold"]

# First installed wins. DejaVu ships with most Linux desktops; python-barcode bundles
# DejaVu Sans Mono, so there is always a font and previews never fall back to bitmaps.
_FONT_FILES: dict[FontKind, tuple[str, ...]] = {
    "sans": (
        "DejaVuSansCondensed.ttf",
        "DejaVuSans.ttf",
        "LiberationSansNarrow-Regular.ttf",
        "arial.ttf",
    ),
    "sans-bold": (
        "DejaVuSansCondensed-Bold.ttf",
        "DejaVuSans-Bold.ttf",
        "LiberationSansNarrow-Bold.ttf",
        "arialbd.ttf",
    ),
    "mono": ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf", "cour.ttf"),
    "mono-bold": ("DejaVuSansMono-Bold.ttf", "LiberationMono-Bold.ttf", "courbd.ttf"),
}
_BUNDLED_FONT = os.path.join(os.path.dirname(barcode.__file__), "fonts", "DejaVuSansMono.ttf")


@dataclass(frozen=True, slots=True)
class Font:
    """A sized font, and whether bold must be faked with a stroke (no bold file found)."""

    face: ImageFont.FreeTypeFont
    stroke: int = 0


@cache
def font_path(kind: FontKind) -> tuple[str, bool]:
    """The font file for ``kind`` and whether it is the real face (else: bundled mono)."""
    for name in _FONT_FILES[kind]:
        try:
            return str(ImageFont.truetype(name, 10).path), True
        except OSError:  # not installed here; Pillow searched the system font folders
            continue
    return _BUNDLED_FONT, False


@lru_cache(maxsize=256)
def font(kind: FontKind, size_px: float) -> Font:
    """A font of ``kind`` whose em is ``size_px`` pixels (fractional sizes are fine)."""
    path, real = font_path(kind)
    fake_bold = kind.endswith("bold") and not real
    return Font(ImageFont.truetype(path, size_px), stroke=1 if fake_bold else 0)


def printable_dots(width_mm: int, dpi: float) -> int:
    """Dots a thermal head prints across 58 or 80 mm receipt paper at ``dpi``."""
    if width_mm not in _PRINTABLE_MM:
        raise ValueError(f"receipt paper is 58 or 80 mm wide, not {width_mm} mm")
    known = _PRINTABLE_DOTS.get((width_mm, round(dpi)))
    return known if known is not None else dots(_PRINTABLE_MM[width_mm], dpi)


def roll_columns(width_mm: int, dpi: float = DEFAULT_DPI) -> int:
    """Font A characters per line: 32 on 58 mm and 48 on 80 mm paper at 203 dpi."""
    return printable_dots(width_mm, dpi) // FONT_A_DOTS


# --- Barcodes -------------------------------------------------------------------------


def barcode_image(
    data: str,
    *,
    gs1: bool = False,
    module_px: int,
    height_px: int,
    quiet_zone: bool = True,
) -> Image.Image:
    """``data`` as a Code 128 (or GS1-128) image: ``module_px`` pixels per module.

    Includes the ten-module quiet zone each side unless ``quiet_zone`` is False.
    """
    if module_px < 1 or height_px < 1:
        raise ValueError("a barcode needs at least one pixel per module and of height")
    modules = code128_modules(data, gs1=gs1)
    quiet = "0" * QUIET_ZONE_MODULES if quiet_zone else ""
    black, white = bytes([BLACK]) * module_px, bytes([WHITE]) * module_px
    row = b"".join(black if m == "1" else white for m in quiet + modules + quiet)
    # One row, stretched: every column of a linear barcode is the same from top to bottom.
    strip = Image.frombytes("L", (len(row), 1), row)
    return strip.resize((len(row), height_px), Image.Resampling.NEAREST)


def fitted_barcode(
    data: str,
    *,
    gs1: bool,
    space_px: int,
    height_px: int,
    dpi: float,
    what: str,
    min_module_mm: float = MIN_MODULE_MM,
    outer_px: int | None = None,
) -> Image.Image:
    """The barcode with the widest whole-pixel modules that fit ``space_px`` (with quiet
    zones, or with them reaching out to ``outer_px``: see fit_module_px); BarcodeFitError
    when even ``min_module_mm`` bars do not fit. The image includes the quiet zones."""
    modules = len(code128_modules(data, gs1=gs1))
    module_px = fit_module_px(
        modules, space_px, dpi=dpi, what=what, min_module_mm=min_module_mm, outer_px=outer_px
    )
    return barcode_image(data, gs1=gs1, module_px=module_px, height_px=height_px)


# --- Text -----------------------------------------------------------------------------


def text_width(text: str, style: Font) -> float:
    """Width of ``text`` in pixels, stroke included."""
    return float(style.face.getlength(text)) + 2 * style.stroke


def fit_font(
    kind: FontKind, text: str, max_width: float, size_px: float, min_px: float
) -> Font | None:
    """The largest font from ``size_px`` down to ``min_px`` in which ``text`` fits."""
    size = size_px
    while size >= min_px:
        style = font(kind, round(size, 1))
        if text_width(text, style) <= max_width:
            return style
        size *= 0.93
    return None


def ellipsize(text: str, style: Font, max_width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``max_width`` pixels."""
    if text_width(text, style) <= max_width:
        return text
    while text and text_width(text + "…", style) > max_width:
        text = text[:-1]
    return text.rstrip() + "…" if text else ""


def draw_text(canvas: Image.Image, xy: tuple[float, float], text: str, style: Font) -> None:
    """Draw ``text`` with its top-left at ``xy`` (the top of the line, not of the ink)."""
    ImageDraw.Draw(canvas).text(
        xy, text, font=style.face, fill=BLACK, stroke_width=style.stroke, stroke_fill=BLACK
    )


def line_height(style: Font) -> int:
    """Ascent plus descent: the height a line of this font takes."""
    ascent, descent = style.face.getmetrics()
    return int(ascent + descent)


# --- Labels ---------------------------------------------------------------------------

# Text heights on a label, in mm; shrunk (down to the minimum) when the text is long.
_NAME_MM, _MIN_NAME_MM, _SERIAL_MM, _SMALL_MM, _MIN_TEXT_MM = 2.9, 2.3, 2.6, 2.0, 1.6
_MIN_BAR_HEIGHT_MM = 5.0  # shorter bars are hard to hit with a handheld scanner's line


def label_image(label: Label, size: LabelSize = LABEL_50X25, dpi: int = DEFAULT_DPI) -> Image.Image:
    """The label as it prints: name and price on top, barcode, serial text, asset tag.

    Raises BarcodeFitError when the barcode cannot be printed scannable at this size.
    """
    check_label_fits(label, size, dpi=dpi)
    width, height = dots(size.width_mm, dpi), dots(size.height_mm, dpi)
    margin = dots(size.margin_mm, dpi)
    inner = width - 2 * margin
    canvas = Image.new("L", (width, height), WHITE)
    px = dpi / 25.4  # pixels per mm

    top = max(dots(1.0, dpi), margin // 2)
    price = " ".join(label.price.split())
    # The price is never cut; a long one shrinks to leave the name some room.
    price_font = fit_font("sans-bold", price, inner * 0.6, _NAME_MM * px, _MIN_NAME_MM * px)
    price_font = price_font or font("sans-bold", _MIN_NAME_MM * px)
    price_w = text_width(price, price_font) if price else 0.0
    room = inner - price_w - px * 1.5
    # A long name first shrinks a little, then is cut with an ellipsis.
    name = " ".join(label.item_name.split())
    name_font = fit_font("sans-bold", name, room, _NAME_MM * px, _MIN_NAME_MM * px)
    if name_font is None:
        name_font = font("sans-bold", _MIN_NAME_MM * px)
        name = ellipsize(name, name_font, room)
    baseline = top + price_font.face.getmetrics()[0]
    draw_text(canvas, (margin, baseline - name_font.face.getmetrics()[0]), name, name_font)
    if price:
        draw_text(canvas, (width - margin - price_w, top), price, price_font)
    y = top + line_height(price_font) + round(px * 0.6)

    bottom_lines = _label_bottom_lines(label, inner, px)
    bottom_height = sum(line_height(style) for _, style, _ in bottom_lines)
    bottom = height - max(dots(0.8, dpi), margin // 2) - bottom_height
    bar_height = bottom - round(px * 0.5) - y
    if bar_height < _MIN_BAR_HEIGHT_MM * px:
        raise BarcodeFitError(
            f"label {size.name} ({size.width_mm:g}x{size.height_mm:g} mm) leaves no room for"
            f" bars {_MIN_BAR_HEIGHT_MM:g} mm tall; use a taller label"
        )
    bars = fitted_barcode(
        label.barcode_text,
        gs1=label.is_gs1,
        space_px=inner,
        height_px=bar_height,
        dpi=dpi,
        what=f"serial {label.serial!r}",
        outer_px=width - 2 * dots(QUIET_EDGE_MM, dpi),
    )
    canvas.paste(bars, ((width - bars.width) // 2, y))  # quiet zones may reach the margins

    y = bottom
    for text, style, centred in bottom_lines:
        x = (width - text_width(text, style)) / 2 if centred else margin
        draw_text(canvas, (x, y), text, style)
        y += line_height(style)
    canvas.info["dpi"] = (dpi, dpi)
    return canvas


def _label_bottom_lines(label: Label, inner: float, px: float) -> list[tuple[str, Font, bool]]:
    """The serial (or GS1 text, split before (21) if need be) centred; the asset tag."""
    lines: list[tuple[str, Font, bool]] = []
    readable = label.human_readable
    style = fit_font("mono-bold", readable, inner, _SERIAL_MM * px, _MIN_TEXT_MM * px)
    if style is not None:
        lines.append((readable, style, True))
    else:
        parts = readable.replace("(21)", "\n(21)").split("\n") if label.is_gs1 else [readable]
        for part in parts:
            part_style = fit_font("mono-bold", part, inner, _SERIAL_MM * px, _MIN_TEXT_MM * px)
            if part_style is None:
                raise BarcodeFitError(
                    f"serial {label.serial!r} is too long to print legibly on this label"
                )
            lines.append((part, part_style, True))
    if label.asset_tag:
        small = font("sans", _SMALL_MM * px)
        lines.append((ellipsize(f"Asset {label.asset_tag}", small, inner), small, False))
    return lines


# --- Receipts and tags ------------------------------------------------------------------


def receipt_image(
    receipt: Receipt, width_mm: int = 80, dpi: int = DEFAULT_DPI, *, columns: int | None = None
) -> Image.Image:
    """A preview of the receipt on ``width_mm`` paper, line for line as the printer has it."""
    cols = columns or roll_columns(width_mm, dpi)
    return rows_image(receipt_rows(receipt, cols), width_mm=width_mm, dpi=dpi, columns=cols)


def tag_image(
    tag: Tag, width_mm: int = 80, dpi: int = DEFAULT_DPI, *, columns: int | None = None
) -> Image.Image:
    """A preview of the repair intake tag on ``width_mm`` receipt paper."""
    cols = columns or roll_columns(width_mm, dpi)
    return rows_image(tag_rows(tag, cols), width_mm=width_mm, dpi=dpi, columns=cols)


def rows_image(rows: Sequence[Row], *, width_mm: int, dpi: int, columns: int) -> Image.Image:
    """Paint laid-out rows on a strip of receipt paper, ``columns`` characters wide."""
    paper = dots(width_mm, dpi)
    printable = printable_dots(width_mm, dpi)
    left = (paper - printable) // 2
    # Pick the em at which one monospace character is exactly one cell of the line.
    em = printable / columns / _mono_advance()
    pitch = round(dpi / 6)  # the printer's default line spacing, 1/6 inch
    pieces: list[tuple[int, Image.Image]] = []
    y = pitch // 2
    for row in rows:
        if isinstance(row, FeedRow):
            y += pitch * row.lines
            continue
        piece = (
            _text_piece(row, em=em, pitch=pitch, printable=printable)
            if isinstance(row, TextRow)
            else _barcode_piece(row, printable=printable, dpi=dpi, pitch=pitch)
        )
        pieces.append((y, piece))
        y += piece.height
    canvas = Image.new("L", (paper, y + pitch * 2), WHITE)
    for top, piece in pieces:
        canvas.paste(piece, (left + (printable - piece.width) // 2, top))
    canvas.info["dpi"] = (dpi, dpi)
    return canvas


@cache
def _mono_advance() -> float:
    """Advance of one character of the monospace font, in em (0.602 for DejaVu Sans Mono)."""
    return text_width("M", font("mono", 1000)) / 1000


def _text_piece(row: TextRow, *, em: float, pitch: int, printable: int) -> Image.Image:
    """One text row, full printable width, aligned and sized like the printer does it."""
    # Drawn at twice the size, then scaled to the row's double width/height (as a
    # printer doubles its glyphs), so a doubled title stays crisp.
    scale = SMALL_FONT_DOTS / NORMAL_FONT_DOTS if row.small else 1.0
    style = font("mono-bold" if row.bold else "mono", round(em * 2 * scale, 2))
    ascent, descent = style.face.getmetrics()
    big = Image.new("L", (max(1, round(text_width(row.text, style))), pitch * 2), WHITE)
    draw_text(big, (0, (big.height - ascent - descent) / 2), row.text, style)
    width = max(1, round(big.width * (2 if row.wide else 1) / 2))
    height = pitch * (2 if row.tall else 1)
    glyphs = big.resize((width, height), Image.Resampling.LANCZOS)
    piece = Image.new("L", (printable, height), WHITE)
    x = {"left": 0, "center": (printable - width) // 2, "right": printable - width}[row.align]
    piece.paste(glyphs, (max(0, x), 0))
    return piece


def _barcode_piece(row: BarcodeRow, *, printable: int, dpi: int, pitch: int) -> Image.Image:
    bars = fitted_barcode(
        row.data,
        gs1=row.gs1,
        space_px=printable,
        height_px=dots(row.height_mm, dpi),
        dpi=dpi,
        what=f"code {row.data!r}",
    )
    piece = Image.new("L", (printable, bars.height + pitch // 3), WHITE)
    piece.paste(bars, ((printable - bars.width) // 2, 0))
    return piece


def to_png(image: Image.Image) -> bytes:
    """The image as PNG bytes (with its resolution, so viewers show it at true size)."""
    buffer = io.BytesIO()
    dpi = image.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
    image.save(buffer, format="PNG", dpi=dpi)
    return buffer.getvalue()
