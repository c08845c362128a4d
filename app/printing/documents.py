"""What gets printed: labels, receipts and repair intake tags, as plain frozen data.

Callers (POS, tickets, stock) build these from their own records after the commit; money
is already formatted, because printing never does money maths. The second half of the
module lays a document out as rows of text and barcodes for a paper width in characters,
so the ESC/POS bytes and the PNG preview of a receipt show the very same lines.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from app.code128 import WIDEST_LABEL_MARGIN_MM, WIDEST_LABEL_MM
from app.printing.barcodes import (
    BarcodeDataError,
    check_code128_text,
    check_fits,
    check_gs1_serial,
    gs1_element_string,
    gs1_human_readable,
    normalize_gtin,
)


class Symbology(Enum):
    """Which barcode a label carries."""

    CODE128 = "code128"  # the serial alone
    GS1_128 = "gs1-128"  # (01) GTIN + (21) serial, for GS1-aware scanners and partners


@dataclass(frozen=True, slots=True)
class LabelSize:
    """A label (or a piece of receipt roll) in millimetres.

    ``margin_mm`` is kept clear at the left and right edges: the printer's registration
    error on die-cut labels, or the unprintable edge of a receipt roll.
    """

    name: str
    width_mm: float
    height_mm: float
    margin_mm: float = 1.5

    def __post_init__(self) -> None:
        if self.width_mm <= 0 or self.height_mm <= 0:
            raise ValueError(f"label size {self.name!r} must have a positive width and height")
        if self.margin_mm < 0 or 2 * self.margin_mm >= self.width_mm:
            raise ValueError(f"label size {self.name!r} has margins wider than the label")


LABEL_50X25 = LabelSize("50x25", 50.0, 25.0, margin_mm=1.5)
# Roll paper prints 48 mm of 58 and 72 mm of 80; a label on a roll is cut this long.
ROLL_58 = LabelSize("58mm", 58.0, 30.0, margin_mm=5.0)
ROLL_80 = LabelSize("80mm", WIDEST_LABEL_MM, 30.0, margin_mm=WIDEST_LABEL_MARGIN_MM)
LABEL_SIZES: dict[str, LabelSize] = {size.name: size for size in (LABEL_50X25, ROLL_58, ROLL_80)}


def roll_label_size(width_mm: int) -> LabelSize:
    """The label a receipt printer cuts from its ``width_mm`` roll (58 or 80 mm)."""
    return ROLL_58 if width_mm <= ROLL_58.width_mm else ROLL_80


def check_label_fits(label: Label, size: LabelSize, *, dpi: float | None = None) -> None:
    """Raise BarcodeFitError (an InvalidInput, one line) if the label's barcode cannot be
    printed scannable on ``size``: the one rule every label format (PNG, PDF, ESC/POS,
    ZPL) applies, in millimetres between the label's margins, for a printer of ``dpi``
    (a 180 dpi head's two-dot bars are wider: barcodes.module_mm)."""
    check_fits(
        label.barcode_text,
        gs1=label.is_gs1,
        bars_mm=size.width_mm - 2 * size.margin_mm,
        label_mm=size.width_mm,
        what=f"serial {label.serial!r}",
        where=f"a {size.name} label",
        dpi=dpi,
    )


@dataclass(frozen=True, slots=True)
class Label:
    """A serial label: the serial as a barcode and in text, the item's name and price."""

    serial: str
    item_name: str
    price: str
    asset_tag: str | None = None
    symbology: Symbology = Symbology.CODE128
    gtin: str | None = None

    def __post_init__(self) -> None:
        check_code128_text(self.serial, what="serial")
        if self.gtin is not None:
            normalize_gtin(self.gtin)
        if self.symbology is Symbology.GS1_128:
            if self.gtin is None:
                raise BarcodeDataError(
                    f"serial {self.serial!r}: a GS1-128 label needs the item's GTIN"
                )
            check_gs1_serial(self.serial)

    @property
    def gtin14(self) -> str | None:
        """The GTIN left-padded to 14 digits, as GS1 AI (01) carries it."""
        return None if self.gtin is None else normalize_gtin(self.gtin)

    @property
    def is_gs1(self) -> bool:
        """True when the barcode is GS1-128 (starts with FNC1)."""
        return self.symbology is Symbology.GS1_128

    @property
    def barcode_text(self) -> str:
        """Exactly what a scanner reads from the label's barcode.

        Code 128: the serial. GS1-128: the element string ``01<gtin14>21<serial>`` (no
        parentheses; the serial is last, so no FNC1 separator follows it).
        """
        if self.is_gs1:
            return gs1_element_string(self._gtin14(), self.serial)
        return self.serial

    @property
    def human_readable(self) -> str:
        """The text printed under the barcode: the serial, or the GS1 string with (AI)s."""
        if self.is_gs1:
            return gs1_human_readable(self._gtin14(), self.serial)
        return self.serial

    def _gtin14(self) -> str:
        gtin = self.gtin14
        if gtin is None:  # pragma: no cover - __post_init__ refuses a GS1 label without one
            raise BarcodeDataError(f"serial {self.serial!r}: GS1-128 needs a GTIN")
        return gtin


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One sold (or refunded) line: a serialized unit or a quantity of a bulk item."""

    description: str
    qty: int
    unit_price: str
    total: str
    serial: str | None = None
    warranty_end: str | None = None
    discount: str | None = None
    note: str | None = None  # a line of its own under the line (a price changed, why)


@dataclass(frozen=True, slots=True)
class TenderLine:
    """How (part of) the sale was paid: cash, card with its reference, …"""

    kind: str
    amount: str
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class TotalLine:
    """One line of the totals block. The caller decides which and in what order."""

    label: str
    amount: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """A sale or refund receipt. Its number is printed as a Code 128 barcode.

    The last of ``totals`` is the amount due and is printed bold.
    """

    store_lines: tuple[str, ...]
    title: str
    number: str
    date: str
    cashier: str
    customer: str | None = None
    lines: tuple[ReceiptLine, ...] = ()
    totals: tuple[TotalLine, ...] = ()
    tenders: tuple[TenderLine, ...] = ()
    change: str | None = None
    footer_lines: tuple[str, ...] = ()
    # Under the cashier and the customer: what else the sale was ("Repair ticket: T-000012").
    references: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_code128_text(self.number, what="receipt number")
        # Lists are accepted and frozen into tuples, so a Receipt stays hashable and immutable.
        for name in ("store_lines", "lines", "totals", "tenders", "footer_lines", "references"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """A repair-ticket intake tag, fixed to the customer's device; the ticket as a barcode."""

    ticket_number: str
    customer: str
    device: str
    serial: str | None = None
    problem: str
    date: str
    accessories: str | None = None

    def __post_init__(self) -> None:
        check_code128_text(self.ticket_number, what="ticket number")


# --- Layout: a document as rows for a paper width in characters --------------------------

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class TextRow:
    """One printed line of text. ``wide`` characters take two columns each; ``small`` ones
    (the printer's Font B, 9 dots instead of 12) three quarters of one."""

    text: str
    bold: bool = False
    align: Align = "left"
    tall: bool = False
    wide: bool = False
    small: bool = False

    @property
    def columns_used(self) -> int:
        """Character columns (of the normal font) this row takes on the paper."""
        if self.small:
            return -(-len(self.text) * SMALL_FONT_DOTS // NORMAL_FONT_DOTS)
        return len(self.text) * (2 if self.wide else 1)


# Font A and Font B character cells of Epson-compatible printers, in dots.
NORMAL_FONT_DOTS, SMALL_FONT_DOTS = 12, 9


def small_columns(columns: int) -> int:
    """Font B characters in a line of ``columns`` Font A ones (32 -> 42, 30 -> 40)."""
    return columns * NORMAL_FONT_DOTS // SMALL_FONT_DOTS


@dataclass(frozen=True, slots=True)
class BarcodeRow:
    """A centred Code 128 (or GS1-128) barcode of ``data``, the exact text it scans as."""

    data: str
    gs1: bool = False
    height_mm: float = 10.0


@dataclass(frozen=True, slots=True)
class FeedRow:
    """Blank paper, in text lines."""

    lines: int = 1


Row = TextRow | BarcodeRow | FeedRow

_UNPRINTABLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean_line(text: str) -> str:
    """One line of printable text: control characters become spaces.

    A stray ESC or GS in an item name would otherwise reach the printer as a command
    (a cut, a drawer kick), and a newline would break the column layout.
    """
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(" " if unicodedata.category(ch) in _UNPRINTABLE else ch for ch in text)
    return cleaned.strip()


def wrap(text: str, width: int, *, indent: str = "") -> list[str]:
    """Word-wrap ``text`` to ``width`` columns (long words are broken); never empty."""
    lines = textwrap.wrap(
        clean_line(text),
        width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


def two_columns(left: str, right: str, width: int, *, indent: str = "") -> list[str]:
    """``left`` wrapped at the left and ``right`` flush right on its first line."""
    right = clean_line(right)
    room = width - len(right) - 1
    if room < max(6, len(indent) + 3):  # no useful room left: amount on its own line(s)
        return [*wrap(left, width, indent=indent), *(r.rjust(width) for r in wrap(right, width))]
    lines = wrap(left, room, indent=indent)
    first = lines[0].ljust(room) + " " + right
    return [first, *lines[1:]]


def _centered(text: str, width: int, *, bold: bool = False) -> list[TextRow]:
    return [TextRow(line, bold=bold, align="center") for line in wrap(text, width)]


def _heading(text: str, width: int) -> list[TextRow]:
    """A title in double size when it fits, else bold at normal size."""
    text = clean_line(text)
    if text and len(text) * 2 <= width:
        return [TextRow(text, bold=True, align="center", tall=True, wide=True)]
    return _centered(text, width, bold=True)


def _plain(lines: list[str], *, bold: bool = False) -> list[TextRow]:
    return [TextRow(line, bold=bold) for line in lines]


def _rule(width: int) -> TextRow:
    return TextRow("-" * width)


def receipt_rows(receipt: Receipt, columns: int) -> tuple[Row, ...]:
    """Lay a receipt out as rows no wider than ``columns`` characters."""
    rows: list[Row] = []
    for index, line in enumerate(receipt.store_lines):
        rows += _centered(line, columns, bold=index == 0)
    rows += [FeedRow(), *_heading(receipt.title, columns)]
    rows += _plain(two_columns(f"No. {receipt.number}", receipt.date, columns))
    rows += _plain(wrap(f"Cashier: {receipt.cashier}", columns))
    if receipt.customer:
        rows += _plain(wrap(f"Customer: {receipt.customer}", columns))
    for reference in receipt.references:
        rows += _plain(wrap(reference, columns))
    rows.append(_rule(columns))
    for item in receipt.lines:
        rows += _receipt_line_rows(item, columns)
    rows.append(_rule(columns))
    for number, total in enumerate(receipt.totals, start=1):
        is_due = number == len(receipt.totals)
        rows += _plain(two_columns(total.label, total.amount, columns), bold=is_due)
    if receipt.tenders or receipt.change:
        rows.append(_rule(columns))
    for tender in receipt.tenders:
        rows += _plain(two_columns(tender.kind, tender.amount, columns))
        if tender.reference:
            rows += _plain(wrap(f"Ref: {tender.reference}", columns, indent="  "))
    if receipt.change:
        rows += _plain(two_columns("Change", receipt.change, columns), bold=True)
    rows += [FeedRow(), BarcodeRow(receipt.number)]
    rows += _centered(receipt.number, columns)
    if receipt.footer_lines:
        rows.append(FeedRow())
        for footer in receipt.footer_lines:
            rows += _centered(footer, columns)
    return tuple(rows)


def _receipt_line_rows(item: ReceiptLine, columns: int) -> list[TextRow]:
    if item.qty == 1:
        lines = two_columns(item.description, item.total, columns)
    else:
        lines = wrap(item.description, columns)
        lines += two_columns(f"{item.qty} x {item.unit_price}", item.total, columns, indent="  ")
    if item.discount:
        lines += two_columns("Discount", item.discount, columns, indent="  ")
    if item.note:
        lines += wrap(item.note, columns, indent="  ")
    rows = _plain(lines)
    if item.serial:
        rows += serial_rows(item.serial, columns)
    if item.warranty_end:
        rows += _plain(wrap(f"Warranty until {item.warranty_end}", columns, indent="  "))
    return rows


def serial_rows(
    serial: str, columns: int, *, label: str = "S/N:", indent: str = "  "
) -> list[TextRow]:
    """A serial number whole on one line: a scanner, a warranty claim or a person reading
    it back must not have to join two halves (where would the break be?).

    ``S/N: serial`` if that fits; else the serial on a line of its own; else in the small
    font; only a serial longer than even a small-font line is continued on the next line
    (nothing is ever cut off).
    """
    serial = clean_line(serial)
    if len(indent) + len(label) + 1 + len(serial) <= columns:
        return [TextRow(f"{indent}{label} {serial}")]
    head = TextRow(f"{indent}{label}")
    if len(serial) <= columns:
        pad = indent if len(indent) + len(serial) <= columns else ""
        return [head, TextRow(pad + serial)]
    room = small_columns(columns)
    return [head, *(TextRow(serial[i : i + room], small=True) for i in range(0, len(serial), room))]


def tag_rows(tag: Tag, columns: int) -> tuple[Row, ...]:
    """Lay a repair intake tag out as rows no wider than ``columns`` characters."""
    rows: list[Row] = [*_centered("REPAIR TICKET", columns, bold=True)]
    rows += _heading(tag.ticket_number, columns)
    rows += [FeedRow(), BarcodeRow(tag.ticket_number), _rule(columns)]
    rows += _plain(wrap(f"Date: {tag.date}", columns))
    rows += _plain(wrap(f"Customer: {tag.customer}", columns), bold=True)
    rows += _plain(wrap(f"Device: {tag.device}", columns))
    if tag.serial:
        rows += serial_rows(tag.serial, columns, indent="")
    rows += _plain(["Problem:"]) + _plain(wrap(tag.problem, columns, indent="  "))
    if tag.accessories:
        rows += _plain(["Accessories:"]) + _plain(wrap(tag.accessories, columns, indent="  "))
    return tuple(rows)


def label_rows(label: Label, columns: int) -> tuple[Row, ...]:
    """Lay a serial label out for a receipt roll: name, price, barcode, serial, asset tag."""
    rows: list[Row] = [*_centered(label.item_name, columns, bold=True)[:2]]
    rows += _heading(label.price, columns)
    rows.append(BarcodeRow(label.barcode_text, gs1=label.is_gs1))
    readable = label.human_readable
    if label.is_gs1 and len(readable) > columns:  # break before (21): the serial stays whole
        lines = wrap(readable.replace("(21)", " (21)"), columns)
    else:
        lines = wrap(readable, columns)
    rows += [TextRow(line, bold=True, align="center") for line in lines]
    if label.asset_tag:
        rows += _centered(f"Asset {label.asset_tag}", columns)
    return tuple(rows)
