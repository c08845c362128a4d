"""Receipts, labels and tags as ESC/POS bytes, built with python-escpos' Dummy printer.

The bytes are made here and sent elsewhere (app.devices), so a job can be stored and
retried as it is. Barcodes are drawn by the printer (``GS k``, Code 128 with its code
sets spelled out) when the profile says it can and the code fits; otherwise they are
sent as a raster image (``GS v 0``) drawn by app.printing.raster.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from escpos.capabilities import get_profile
from escpos.printer import Dummy
from PIL import Image

from app.printing.barcodes import (
    QUIET_EDGE_MM,
    QUIET_ZONE_MODULES,
    BarcodeFitError,
    code128_segments,
    dots,
    segments_module_count,
)
from app.printing.documents import (
    BarcodeRow,
    FeedRow,
    Label,
    Receipt,
    Row,
    Tag,
    TextRow,
    check_label_fits,
    label_rows,
    receipt_rows,
    roll_label_size,
    tag_rows,
)
from app.printing.raster import DEFAULT_DPI, FONT_A_DOTS, fitted_barcode, printable_dots

DEFAULT_PROFILE = "TM-T88V"
PAPER_WIDTHS_MM = (58, 80)

# GS w: module width in dots. Two is the narrowest ESC/POS printers accept; three reads
# better when there is room. Wider only makes receipts longer to scan across.
_NATIVE_MODULE_DOTS = (3, 2)
_MAX_NATIVE_PAYLOAD = 255  # GS k function B carries its length in one byte


@dataclass(frozen=True, slots=True)
class Paper:
    """What a profile and a roll width give us: resolution, dots and characters a line."""

    profile: str
    width_mm: int
    dpi: int
    dots: int
    columns: int
    native_code128: bool


def paper(width_mm: int = 80, profile: str = DEFAULT_PROFILE) -> Paper:
    """The paper geometry for ``profile`` (a python-escpos profile name) on a roll.

    Characters per line follow from the printed dots and the 12-dot Font A: 32 and 48
    on 58 and 80 mm at 203 dpi; 30 and 42 on a 180 dpi TM-T88. A line wider than the
    printer's own count would wrap and break every column on the receipt.
    """
    if width_mm not in PAPER_WIDTHS_MM:
        raise ValueError(f"receipt paper is 58 or 80 mm wide, not {width_mm} mm")
    try:
        data = get_profile(profile).profile_data
    except KeyError:
        raise ValueError(f"unknown printer profile {profile!r}") from None
    media = data.get("media", {})
    dpi = media.get("dpi")
    dpi = dpi if isinstance(dpi, int) else DEFAULT_DPI
    width_dots = printable_dots(width_mm, dpi)
    profile_pixels = media.get("width", {}).get("pixels")
    if isinstance(profile_pixels, int):  # a 58 mm printer cannot print 80 mm wide
        width_dots = min(width_dots, profile_pixels)
    features = data.get("features", {})
    return Paper(
        profile=profile,
        width_mm=width_mm,
        dpi=dpi,
        dots=width_dots,
        columns=width_dots // FONT_A_DOTS,
        native_code128=bool(features.get("barcodeB")),
    )


def paper_columns(width_mm: int = 80, profile: str = DEFAULT_PROFILE) -> int:
    """Font A characters per line on ``width_mm`` paper in ``profile``."""
    return paper(width_mm, profile).columns


def native_code128_payload(data: str, *, gs1: bool = False) -> str:
    """``data`` as ESC/POS ``GS k 73`` Code 128 data, with its code sets spelled out.

    ``{B`` starts code set B (ASCII as is, ``{`` doubled), ``{C`` starts set C where each
    byte is a pair of digits 00-99, ``{1`` is FNC1 (right after the start for GS1-128).
    """
    parts: list[str] = []
    for index, segment in enumerate(code128_segments(data)):
        parts.append("{" + segment.code_set)
        if index == 0 and gs1:
            parts.append("{1")
        if segment.code_set == "C":
            text = segment.text
            parts.append("".join(chr(int(text[i : i + 2])) for i in range(0, len(text), 2)))
        else:
            parts.append(segment.text.replace("{", "{{"))
    return "".join(parts)


def native_module_dots(data: str, *, gs1: bool, sheet: Paper) -> int | None:
    """The GS w module width for a printer-drawn barcode, or None if it does not fit."""
    if len(native_code128_payload(data, gs1=gs1)) > _MAX_NATIVE_PAYLOAD:
        return None
    modules = segments_module_count(code128_segments(data), gs1=gs1) + 2 * QUIET_ZONE_MODULES
    return next((n for n in _NATIVE_MODULE_DOTS if modules * n <= sheet.dots), None)


def render_receipt(
    receipt: Receipt,
    *,
    width_mm: int = 80,
    profile: str = DEFAULT_PROFILE,
    native_barcodes: bool | None = None,
) -> bytes:
    """The receipt as ESC/POS bytes for ``width_mm`` paper, ending with a cut."""
    sheet = paper(width_mm, profile)
    return _render([receipt_rows(receipt, sheet.columns)], sheet, native_barcodes)


def render_tag(
    tag: Tag,
    *,
    width_mm: int = 80,
    profile: str = DEFAULT_PROFILE,
    native_barcodes: bool | None = None,
) -> bytes:
    """The repair intake tag as ESC/POS bytes, ending with a cut."""
    sheet = paper(width_mm, profile)
    return _render([tag_rows(tag, sheet.columns)], sheet, native_barcodes)


def render_labels(
    labels: Iterable[Label],
    *,
    width_mm: int = 80,
    profile: str = DEFAULT_PROFILE,
    native_barcodes: bool | None = None,
) -> bytes:
    """Serial labels on a ``width_mm`` roll of a ``profile`` printer as ESC/POS bytes,
    each one cut off by itself. BarcodeFitError if a serial does not fit (check_label_fits).
    """
    sheet = paper(width_mm, profile)
    size = roll_label_size(width_mm)
    every = list(labels)
    for label in every:  # all refused before any is rendered: no half a batch
        check_label_fits(label, size, dpi=sheet.dpi)
    return _render((label_rows(label, sheet.columns) for label in every), sheet, native_barcodes)


def render_rows(
    rows: Sequence[Row], *, width_mm: int = 80, profile: str = DEFAULT_PROFILE
) -> bytes:
    """A document already laid out as rows (a report) as ESC/POS bytes, then a cut."""
    sheet = paper(width_mm, profile)
    return _render([rows], sheet, None)


def drawer_kick(pin: int = 2) -> bytes:
    """The pulse that opens a cash drawer wired to connector pin 2 (usual) or 5."""
    if pin not in (2, 5):
        raise ValueError(f"a cash drawer is on pin 2 or 5, not {pin}")
    printer = Dummy(profile=DEFAULT_PROFILE)
    printer.cashdraw(pin)
    return bytes(printer.output)


def _render(documents: Iterable[Sequence[Row]], sheet: Paper, native: bool | None) -> bytes:
    """Each document's rows, each followed by a feed and a cut, as one byte string."""
    if native and not sheet.native_code128:
        raise ValueError(f"printer profile {sheet.profile!r} cannot draw Code 128 barcodes")
    job = _Job(sheet, native)
    # python-escpos prints chatter ("Using hardware barcode renderer") to stdout; a POS
    # has no console and the CLI's --json output must stay clean.
    with contextlib.redirect_stdout(io.StringIO()):
        job.printer.hw("INIT")
        for rows in documents:
            for row in rows:
                job.write(row)
            job.printer.cut()
    return bytes(job.printer.output)


# Code pages with € that Western printers really have, best first: PC858 (Epson page 19)
# and WPC1252 (page 16). python-escpos would otherwise take the lowest-numbered page that
# can encode the character, which on Epson profiles is page 15, ISO 8859-7 (Greek):
# many printers lack it and print something else where the € should be.
EURO_CODE_PAGES = ("CP858", "CP1252", "ISO_8859-15")


def _prefer_euro_code_page(printer: Dummy) -> None:
    """Make python-escpos try our preferred code page first (it tries "used" ones first)."""
    encoder = printer.magic.encoder
    for name in EURO_CODE_PAGES:
        if name in encoder.codepages:
            encoder.used_encodings.add(name)
            return


class _Job:
    """A Dummy printer plus the text style it is in, so only changes are sent."""

    def __init__(self, sheet: Paper, native: bool | None) -> None:
        self.printer = Dummy(profile=sheet.profile)
        _prefer_euro_code_page(self.printer)
        self.sheet = sheet
        self.native = native
        # After ESC @: left aligned, normal size, not bold.
        self.align, self.bold, self.size = "left", False, (False, False)

    def write(self, row: Row) -> None:
        if isinstance(row, TextRow):
            self.style(row.align, row.bold, (row.tall, row.wide))
            if row.small:  # Font B for one line: a serial that must not be broken
                self.printer.set(font="b")
            self.printer.textln(row.text)
            if row.small:
                self.printer.set(font="a")
        elif isinstance(row, FeedRow):
            self.style(self.align, self.bold, (False, False))
            self.printer.ln(row.lines)
        else:
            self.barcode(row)

    def style(self, align: str, bold: bool, size: tuple[bool, bool]) -> None:
        tall, wide = size
        if size != self.size:
            self.printer.set(
                normal_textsize=not (tall or wide), double_height=tall, double_width=wide
            )
            self.size, self.bold = size, False  # ESC ! also switches emphasis off
        if bold != self.bold:
            self.printer.set(bold=bold)
            self.bold = bold
        if align != self.align:
            self.printer.set(align=align)
            self.align = align

    def barcode(self, row: BarcodeRow) -> None:
        """Printer-drawn when allowed and it fits, else as a raster image."""
        sheet = self.sheet
        module = native_module_dots(row.data, gs1=row.gs1, sheet=sheet)
        if self.native and module is None:
            raise BarcodeFitError(
                f"code {row.data!r} is too wide for the printer to draw on"
                f" {sheet.width_mm} mm paper; print it as an image (native_barcodes=None)"
            )
        if self.native is not False and sheet.native_code128 and module is not None:
            self.printer.barcode(
                native_code128_payload(row.data, gs1=row.gs1),
                "CODE128",
                height=min(255, dots(row.height_mm, sheet.dpi)),
                width=module,
                pos="OFF",  # we print the text ourselves, the same on every printer
                align_ct=True,
                function_type="B",
            )
            self.align = "center"
        else:
            self.printer.image(raster_barcode(row, sheet), impl="bitImageRaster", center=False)


def raster_barcode(row: BarcodeRow, sheet: Paper) -> Image.Image:
    """The barcode as a one-bit image the width of the printed line, bars centred.

    Centred by padding rather than by ESC a, which not every printer applies to images.
    """
    bars = fitted_barcode(
        row.data,
        gs1=row.gs1,
        space_px=sheet.dots,
        height_px=dots(row.height_mm, sheet.dpi),
        dpi=sheet.dpi,
        what=f"code {row.data!r}",
        # The quiet zones may lie in the roll's unprinted edges: white paper all the same.
        outer_px=dots(sheet.width_mm - 2 * QUIET_EDGE_MM, sheet.dpi),
    )
    line = Image.new("L", (sheet.dots, bars.height), 255)
    line.paste(bars, ((sheet.dots - bars.width) // 2, 0))  # cropped to the printed line
    return line.convert("1", dither=Image.Dither.NONE)
