"""Code 128 and GS1-128: what goes into a barcode, how it is encoded and how wide it gets.

Every renderer asks this module the same questions, so a label printed as PNG, PDF,
ESC/POS or ZPL carries the same data and is refused for the same reasons:

* which texts may be printed at all (printable ASCII; the GS1 rules for GTIN and serial),
* the split into Code 128 code sets B and C (fewest symbols). Printers that draw the
  barcode themselves (ESC/POS ``GS k``, ZPL ``^BC``) get these code sets spelled out,
  and the bars we draw ourselves (PNG, PDF, ESC/POS raster) are the same symbols, drawn
  with python-barcode's bar-pattern table,
* the widest module (narrowest bar) that fits the space, and a clear error when even the
  narrowest scannable bar does not fit,
* whether a label's barcode fits its label at all (check_fits): one rule, in millimetres,
  for every format, so a serial is printed in every format or refused in every one.
"""

from __future__ import annotations

from functools import lru_cache

from app.code128 import MIN_MODULE_DOTS as MIN_MODULE_DOTS
from app.code128 import MIN_MODULE_MM as MIN_MODULE_MM
from app.code128 import MM_PER_INCH as MM_PER_INCH
from app.code128 import QUIET_EDGE_MM as QUIET_EDGE_MM
from app.code128 import QUIET_ZONE_MODULES as QUIET_ZONE_MODULES
from app.code128 import STOP_MODULES as STOP_MODULES
from app.code128 import SYMBOL_MODULES as SYMBOL_MODULES
from app.code128 import BarcodeFitError as BarcodeFitError
from app.code128 import CodeSet as CodeSet
from app.code128 import Segment as Segment
from app.code128 import check_fits as check_fits
from app.code128 import code128_segments as code128_segments
from app.code128 import min_module_px as min_module_px
from app.code128 import module_mm as module_mm
from app.code128 import segments_module_count as segments_module_count
from app.errors import InvalidInput

# Wider bars only make a short code long and blotchy; 0.38 mm (15 mil) reads from afar.
MAX_MODULE_MM = 0.38

# GS1 General Specifications, figure 7.11-1: the 82 characters allowed in alphanumeric
# application identifiers such as (21) serial number. Others make the GS1 string invalid.
GS1_CHARSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
GS1_SERIAL_MAX_LENGTH = 20  # AI (21) is X..20
GTIN_LENGTHS = (8, 12, 13, 14)


class BarcodeDataError(InvalidInput, ValueError):
    """The text cannot be put in the barcode asked for (wrong characters, bad GTIN)."""


def check_code128_text(text: str, *, what: str) -> str:
    """Return ``text`` if Code 128 set B can carry it exactly, else raise BarcodeDataError.

    Printable ASCII only: a control character would be invisible in the printed text and
    an accented letter cannot be encoded at all. Spaces at either end are refused too,
    because the printed text would not show them and a scan would not match.
    """
    if not text:
        raise BarcodeDataError(f"{what} is empty; there is nothing to put in the barcode")
    bad = sorted({ch for ch in text if not " " <= ch <= "~"})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise BarcodeDataError(
            f"{what} {text[:40]!r} has characters a Code 128 barcode cannot carry: {shown}"
        )
    if text != text.strip():
        raise BarcodeDataError(f"{what} {text[:40]!r} has spaces at its start or end")
    return text


def normalize_gtin(gtin: str) -> str:
    """Return the 14-digit form of a GTIN-8/12/13/14, or raise BarcodeDataError.

    Shorter GTINs are left-padded with zeros (GS1 rule for AI 01); the check digit must be
    right, because a wrong one would print a barcode that every GS1 scanner rejects.
    """
    if not gtin.isascii() or not gtin.isdigit() or len(gtin) not in GTIN_LENGTHS:
        raise BarcodeDataError(f"GTIN {gtin[:30]!r} must be 8, 12, 13 or 14 digits")
    padded = gtin.rjust(14, "0")
    # biip and python-barcode (with PIL) are imported at the first barcode, not with every
    # module that mentions documents (the window's views: some 10 MB and 0.1 s).
    from biip.checksums import gs1_standard_check_digit

    expected = gs1_standard_check_digit(padded[:-1])  # biip: GS1's mod-10 rule
    if int(padded[-1]) != expected:
        raise BarcodeDataError(
            f"GTIN {gtin!r} has check digit {padded[-1]}; it should be {expected}"
        )
    return padded


def check_gs1_serial(serial: str) -> str:
    """Return ``serial`` if GS1 AI (21) allows it (GS1 charset 82, at most 20), else raise."""
    if len(serial) > GS1_SERIAL_MAX_LENGTH:
        raise BarcodeDataError(
            f"serial {serial[:40]!r} is longer than the {GS1_SERIAL_MAX_LENGTH} characters"
            " GS1-128 allows; print it as plain Code 128"
        )
    bad = sorted({ch for ch in serial if ch not in GS1_CHARSET_82})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad[:5])
        raise BarcodeDataError(
            f"serial {serial!r} has characters GS1-128 does not allow: {shown};"
            " print it as plain Code 128"
        )
    return serial


def gs1_element_string(gtin14: str, serial: str) -> str:
    """The GS1 element string (01)+(21) without parentheses: what a scanner sends.

    The serial is variable length and comes last, so no FNC1 separator is needed after it.
    """
    return f"01{gtin14}21{serial}"


def gs1_human_readable(gtin14: str, serial: str) -> str:
    """The text printed under a GS1-128 barcode: AIs in parentheses."""
    return f"(01){gtin14}(21){serial}"


_START = {"B": 104, "C": 105}
_SWITCH_TO = {"B": 100, "C": 99}
_FNC1 = 102


def code128_symbols(data: str, *, gs1: bool = False) -> list[int]:
    """Code 128 symbol values of ``data``: start, [FNC1], data and switches, check.

    Code sets come from code128_segments, so the bars we draw are the very symbols an
    ESC/POS or ZPL printer draws from our payloads. (python-barcode 0.16.1 picks its
    own code sets but drops a leading "99": "9912" scans as "12". We use only its
    bar-pattern table.)
    """
    check_code128_text(data, what="barcode data")
    segments = code128_segments(data)
    values = [_START[segments[0].code_set]]
    if gs1:
        values.append(_FNC1)
    for index, segment in enumerate(segments):
        if index:
            values.append(_SWITCH_TO[segment.code_set])
        text = segment.text
        if segment.code_set == "C":
            values += [int(text[i : i + 2]) for i in range(0, len(text), 2)]
        else:
            values += [ord(ch) - 32 for ch in text]
    check = (values[0] + sum(pos * value for pos, value in enumerate(values[1:], 1))) % 103
    return [*values, check]


@lru_cache(maxsize=4096)
def code128_modules(data: str, *, gs1: bool = False) -> str:
    """The bar pattern of ``data`` as '1' (bar) and '0' (space) modules, no quiet zone.

    For GS1-128 ``data`` is the element string without parentheses; FNC1 is added after
    the start symbol. Cached: previews redraw the same codes often.
    """
    from barcode.charsets import code128 as code128_charset

    bars = "".join(str(code128_charset.CODES[value]) for value in code128_symbols(data, gs1=gs1))
    return bars + str(code128_charset.STOP) + "11"  # "11": the stop pattern's final bar


def dots(mm: float, dpi: float) -> int:
    """Millimetres to whole printer dots (50 mm at 203 dpi is the 400 dots a head has)."""
    return int(mm * dpi / MM_PER_INCH + 0.5)


def fit_module_px(
    modules: int,
    space_px: int,
    *,
    dpi: float,
    what: str,
    min_module_mm: float = MIN_MODULE_MM,
    max_module_mm: float = MAX_MODULE_MM,
    quiet_zone: bool = True,
    outer_px: int | None = None,
) -> int:
    """The widest whole-dot module for ``modules`` bars in ``space_px`` dots.

    With ``outer_px`` the bars alone must fit ``space_px`` and the quiet zones may reach
    out to ``outer_px`` (a label's margins, a roll's unprinted edge).

    Whole dots keep every bar and space exactly the width the symbology wants; a
    fractional module would be rounded differently bar by bar and skew the code.
    Raises BarcodeFitError, naming the sizes, when even the narrowest scannable
    module does not fit.
    """
    total = modules + (2 * QUIET_ZONE_MODULES if quiet_zone else 0)
    floor = min_module_px(dpi, min_module_mm)
    ceiling = max(floor, int(max_module_mm * dpi / MM_PER_INCH))
    if outer_px is None:
        best = min(space_px // total, ceiling)
    else:
        best = min(space_px // modules, outer_px // total, ceiling)
    if best < floor:
        space_mm = space_px * MM_PER_INCH / dpi
        need_mm = total * floor * MM_PER_INCH / dpi
        raise BarcodeFitError(
            f"{what} needs a {need_mm:.1f} mm wide barcode at {dpi:g} dpi but only"
            f" {space_mm:.1f} mm is available; use a wider label or paper or a shorter code"
        )
    return best
