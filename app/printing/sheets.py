"""Serial labels on A4 or Letter label sheets, as a PDF (fpdf2), as many pages as needed.

Text is PDF text (sharp at any printer resolution). Each barcode is a small greyscale
image at the resolution of the printer the sheet is for (``printer_dpi``, 300 by default:
office lasers), with a whole number of its pixels per module and its left edge on that
printer's dot grid, so every bar lands on whole dots: at 300 dpi a module is 3 dots
(1/100 inch), which is also 6 dots at 600 and 12 at 1200. No single width is whole at
both 203 and 300 dpi (2.03 dots against 3), and a 203 dpi rasteriser then averages some
bar edges into grey and prints them a dot thinner; for a 203 dpi printer ask for
``printer_dpi=203`` (2 dots a module). The image is one row stretched to the bar height;
stretching along the bars changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from app.printing.barcodes import (
    MM_PER_INCH,
    QUIET_EDGE_MM,
    QUIET_ZONE_MODULES,
    BarcodeFitError,
    code128_modules,
    dots,
    fit_module_px,
)
from app.printing.documents import LABEL_50X25, Label, LabelSize, check_label_fits, clean_line
from app.printing.raster import barcode_image, font_path

if TYPE_CHECKING:  # fpdf (and fontTools under it) is imported when a sheet is made
    from fpdf import FPDF

PageName = Literal["A4", "Letter"]
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}

# The printer a sheet is for unless told otherwise (see the module docstring).
BARCODE_DPI = 300
_IMAGE_ROWS = 4
_MIN_PAGE_MARGIN_MM = 5.0  # most office printers cannot print nearer the edge
PT_PER_MM = 72 / MM_PER_INCH

# Font sizes in points; text first shrinks to the minimum, then is cut.
_NAME_PT, _MIN_NAME_PT, _SERIAL_PT, _MIN_SERIAL_PT, _SMALL_PT = 8.0, 6.5, 7.5, 5.0, 5.5
_MIN_BAR_MM = 5.0


@dataclass(frozen=True, slots=True)
class SheetLayout:
    """Where labels sit on a page, in mm from the top-left corner."""

    page_width_mm: float
    page_height_mm: float
    columns: int
    rows: int
    label_size: LabelSize
    margin_left_mm: float
    margin_top_mm: float
    gap_x_mm: float
    gap_y_mm: float

    @property
    def per_page(self) -> int:
        """Labels on one sheet."""
        return self.columns * self.rows

    def origin(self, index: int) -> tuple[float, float]:
        """Top-left corner of the ``index``-th label on its page (row by row)."""
        row, column = divmod(index % self.per_page, self.columns)
        x = self.margin_left_mm + column * (self.label_size.width_mm + self.gap_x_mm)
        y = self.margin_top_mm + row * (self.label_size.height_mm + self.gap_y_mm)
        return x, y


def sheet_layout(
    *,
    page: PageName = "A4",
    label_size: LabelSize = LABEL_50X25,
    columns: int | None = None,
    rows: int | None = None,
    margin_left_mm: float | None = None,
    margin_top_mm: float | None = None,
    gap_x_mm: float = 0.0,
    gap_y_mm: float = 0.0,
) -> SheetLayout:
    """The grid of a label sheet. Columns and rows default to as many as fit; margins
    default to centring the grid. Raises ValueError when the grid overflows the page."""
    if page not in PAGE_SIZES_MM:
        raise ValueError(f"page must be one of {', '.join(PAGE_SIZES_MM)}, not {page!r}")
    page_w, page_h = PAGE_SIZES_MM[page]
    width, height = label_size.width_mm, label_size.height_mm
    usable_w, usable_h = page_w - 2 * _MIN_PAGE_MARGIN_MM, page_h - 2 * _MIN_PAGE_MARGIN_MM
    cols = columns if columns is not None else int((usable_w + gap_x_mm) // (width + gap_x_mm))
    rws = rows if rows is not None else int((usable_h + gap_y_mm) // (height + gap_y_mm))
    if cols < 1 or rws < 1:
        raise ValueError(f"a {label_size.name} label does not fit on a {page} page")
    grid_w = cols * width + (cols - 1) * gap_x_mm
    grid_h = rws * height + (rws - 1) * gap_y_mm
    left = margin_left_mm if margin_left_mm is not None else (page_w - grid_w) / 2
    top = margin_top_mm if margin_top_mm is not None else (page_h - grid_h) / 2
    if left < 0 or top < 0 or left + grid_w > page_w + 1e-6 or top + grid_h > page_h + 1e-6:
        raise ValueError(
            f"{cols} x {rws} labels of {width:g} x {height:g} mm do not fit on a {page} page"
        )
    return SheetLayout(page_w, page_h, cols, rws, label_size, left, top, gap_x_mm, gap_y_mm)


def label_sheet_pdf(
    labels: Iterable[Label],
    *,
    page: PageName = "A4",
    label_size: LabelSize = LABEL_50X25,
    columns: int | None = None,
    rows: int | None = None,
    margin_left_mm: float | None = None,
    margin_top_mm: float | None = None,
    gap_x_mm: float = 0.0,
    gap_y_mm: float = 0.0,
    outlines: bool = False,
    printer_dpi: int = BARCODE_DPI,
) -> bytes:
    """The labels as a PDF of label sheets, filled row by row, page after page.

    ``outlines`` draws each label's edge in light grey, for test prints on plain paper.
    ``printer_dpi`` is the resolution of the printer the bars are laid out for.
    Raises BarcodeFitError if a barcode cannot be printed scannable on the label.
    """
    layout = sheet_layout(
        page=page,
        label_size=label_size,
        columns=columns,
        rows=rows,
        margin_left_mm=margin_left_mm,
        margin_top_mm=margin_top_mm,
        gap_x_mm=gap_x_mm,
        gap_y_mm=gap_y_mm,
    )
    queue = iter(labels)
    first = next(queue, None)
    if first is None:
        raise ValueError("there are no labels to print")
    pdf = _new_pdf(layout)
    for index, label in enumerate(itertools.chain([first], queue)):
        if index % layout.per_page == 0:
            pdf.add_page()
        x, y = layout.origin(index)
        if outlines:
            pdf.rect(x, y, label_size.width_mm, label_size.height_mm)
        _draw_label(pdf, label, x, y, label_size, printer_dpi)
    return bytes(pdf.output())


def _new_pdf(layout: SheetLayout) -> FPDF:
    from fpdf import FPDF  # ~0.4 s of imports: only when a PDF is made, not at start

    pdf = FPDF(unit="mm", format=(layout.page_width_mm, layout.page_height_mm))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("SerialPOS")
    pdf.set_title("Serial labels")
    for family, kind in (("name", "sans-bold"), ("small", "sans"), ("serial", "mono-bold")):
        pdf.add_font(family, "", font_path(kind)[0])
    pdf.set_draw_color(200)
    pdf.set_line_width(0.1)
    return pdf


def _fit_size(pdf: FPDF, family: str, text: str, width: float, size: float, least: float) -> float:
    """The largest font size from ``size`` down to ``least`` at which ``text`` fits."""
    while size > least:
        pdf.set_font(family, size=size)
        if pdf.get_string_width(text) <= width:
            return size
        size = max(least, size - 0.5)
    pdf.set_font(family, size=least)
    return least


def _cut_to(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with an ellipsis to ``width`` mm in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_label(pdf: FPDF, label: Label, x: float, y: float, size: LabelSize, dpi: int) -> None:
    check_label_fits(label, size, dpi=dpi)
    pad = size.margin_mm
    inner = size.width_mm - 2 * pad
    # Top line: price flush right, the name in what is left.
    price = clean_line(label.price)
    pdf.set_font("name", size=_NAME_PT)
    price_w = pdf.get_string_width(price)
    name_room = inner - price_w - 1.5
    name = " ".join(clean_line(label.item_name).split())
    _fit_size(pdf, "name", name, name_room, _NAME_PT, _MIN_NAME_PT)
    baseline = y + 1.0 + _NAME_PT / PT_PER_MM * 0.8
    pdf.text(x + pad, baseline, _cut_to(pdf, name, name_room))
    pdf.set_font("name", size=_NAME_PT)
    pdf.text(x + size.width_mm - pad - price_w, baseline, price)
    bars_top = baseline + 1.0

    # Bottom: the serial (or GS1 string, split before (21) if need be), then asset tag.
    readable = _readable_lines(pdf, label, inner)
    line_mm = [s / PT_PER_MM * 1.15 for _, s in readable]
    asset_mm = _SMALL_PT / PT_PER_MM * 1.15 if label.asset_tag else 0.0
    text_top = y + size.height_mm - 0.8 - sum(line_mm) - asset_mm
    bar_height = text_top - 0.4 - bars_top
    if bar_height < _MIN_BAR_MM:
        raise BarcodeFitError(
            f"label {size.name} leaves no room for bars {_MIN_BAR_MM:g} mm tall; use a taller label"
        )
    box = (x + size.width_mm / 2, bars_top, inner, size.width_mm, bar_height)
    _draw_barcode(pdf, label, *box, dpi=dpi)

    cursor = text_top
    for (text, pt), height in zip(readable, line_mm, strict=True):
        pdf.set_font("serial", size=pt)
        cursor += height
        pdf.text(x + (size.width_mm - pdf.get_string_width(text)) / 2, cursor - 0.25 * height, text)
    if label.asset_tag:
        pdf.set_font("small", size=_SMALL_PT)
        cursor += asset_mm
        pdf.text(x + pad, cursor - 0.25 * asset_mm, _cut_to(pdf, f"Asset {label.asset_tag}", inner))


def _readable_lines(pdf: FPDF, label: Label, width: float) -> list[tuple[str, float]]:
    """The serial text in the largest size that fits; GS1 text may break before (21)."""
    text = label.human_readable
    parts = [text]
    if label.is_gs1 and _fits_at_least(pdf, text, width) is None:
        parts = text.replace("(21)", "\n(21)").split("\n")
    sizes = [_fits_at_least(pdf, part, width) for part in parts]
    if any(size is None for size in sizes):
        raise BarcodeFitError(f"serial {label.serial!r} is too long to print legibly here")
    size = min(s for s in sizes if s is not None)
    return [(part, size) for part in parts]


def _fits_at_least(pdf: FPDF, text: str, width: float) -> float | None:
    """The serial font size at which ``text`` fits ``width`` mm, or None if none does."""
    size = _fit_size(pdf, "serial", text, width, _SERIAL_PT, _MIN_SERIAL_PT)
    return size if pdf.get_string_width(text) <= width else None


def _draw_barcode(
    pdf: FPDF,
    label: Label,
    centre_x: float,
    top: float,
    width: float,
    label_width: float,
    height: float,
    *,
    dpi: int,
) -> None:
    """The barcode centred at ``centre_x`` on the ``dpi`` dot grid, quiet zones kept
    (they may reach into the label's margins)."""
    modules = len(code128_modules(label.barcode_text, gs1=label.is_gs1))
    module_px = fit_module_px(
        modules,
        dots(width, dpi),
        dpi=dpi,
        what=f"serial {label.serial!r}",
        outer_px=dots(label_width - 2 * QUIET_EDGE_MM, dpi),
    )
    image = barcode_image(
        label.barcode_text, gs1=label.is_gs1, module_px=module_px, height_px=_IMAGE_ROWS
    )
    image_mm = (modules + 2 * QUIET_ZONE_MODULES) * module_px * MM_PER_INCH / dpi
    # The left edge on the dot grid too: a bar edge half-way between two dots is averaged
    # into grey by the printer's rasteriser and comes out a dot thinner or thicker.
    grid_mm = MM_PER_INCH / dpi
    left = round((centre_x - image_mm / 2) / grid_mm) * grid_mm
    pdf.image(image, x=left, y=top, w=image_mm, h=height)
