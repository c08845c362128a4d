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

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from app.errors import InvalidInput

MM_PER_INCH = 25.4

# Code 128 needs ten modules of white space each side of the bars (ISO/IEC 15417).
QUIET_ZONE_MODULES = 10

# The narrowest bar we print: 0.254 mm (10 mil, 1/100 inch), never under two printer dots.
# One dot of a 203 dpi thermal head (0.125 mm) is what the spec sheets allow, but heat
# spread and a worn head thin or swell a single dot column, and zbar failed to read such
# labels outright. 1/100 inch is two dots at 203 dpi (2.03: see _DOT_TOLERANCE), three at
# 300 and six at 600, so bars land on whole dots of thermal and office printers alike.
MIN_MODULE_MM = 0.254
MIN_MODULE_DOTS = 2
# How far under a whole dot a module may fall and still count as that dot (2.03 dots of
# 203 dpi are two dots, not three).
_DOT_TOLERANCE = 0.05

# Wider bars only make a short code long and blotchy; 0.38 mm (15 mil) reads from afar.
MAX_MODULE_MM = 0.38

# Each Code 128 symbol is 11 modules; the stop pattern with its final bar is 13.
SYMBOL_MODULES = 11
STOP_MODULES = 13

# GS1 General Specifications, figure 7.11-1: the 82 characters allowed in alphanumeric
# application identifiers such as (21) serial number. Others make the GS1 string invalid.
GS1_CHARSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
GS1_SERIAL_MAX_LENGTH = 20  # AI (21) is X..20
GTIN_LENGTHS = (8, 12, 13, 14)

CodeSet = Literal["B", "C"]


class BarcodeDataError(InvalidInput, ValueError):
    """The text cannot be put in the barcode asked for (wrong characters, bad GTIN)."""


class BarcodeFitError(InvalidInput, ValueError):
    """The barcode does not fit: even the narrowest scannable bars are too wide for the
    label or paper, or there is no room left for bars tall enough to scan."""


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


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a Code 128 barcode written in one code set (B: ASCII, C: digit pairs)."""

    code_set: CodeSet
    text: str


@lru_cache(maxsize=4096)
def code128_segments(data: str) -> tuple[Segment, ...]:
    """Split ``data`` into code set B and C runs giving the fewest symbols.

    Printers that draw barcodes themselves (ESC/POS, ZPL) encode exactly the code sets we
    send, so we choose them: set C packs two digits per symbol, which is what lets a
    GS1 string or a long numeric serial fit the paper. Exact dynamic programming over the
    text (a switch costs one symbol); ties stay in set B.
    """
    n = len(data)
    # cost[s][i]: fewest symbols for data[i:] when code set s is active at position i.
    cost: dict[CodeSet, list[float]] = {"B": [math.inf] * (n + 2), "C": [math.inf] * (n + 2)}
    cost["B"][n] = cost["C"][n] = 0

    def in_b(i: int) -> float:
        """Symbols for data[i:] writing data[i] in set B."""
        return 1 + cost["B"][i + 1]

    def in_c(i: int) -> float:
        """Symbols for data[i:] writing data[i:i+2] as one set C pair (if it is one)."""
        is_pair = i + 1 < n and data[i].isdigit() and data[i + 1].isdigit()
        return 1 + cost["C"][i + 2] if is_pair else math.inf

    for i in range(n - 1, -1, -1):
        cost["B"][i] = min(in_b(i), 1 + in_c(i))  # a switch costs one symbol
        cost["C"][i] = min(in_c(i), 1 + in_b(i))

    # The start symbol picks the first set for free; B wins a tie.
    active: CodeSet = "C" if in_c(0) < in_b(0) else "B"
    segments: list[Segment] = []
    i = 0
    while i < n:
        here = in_b(i) if active == "B" else in_c(i)
        if here > cost[active][i]:  # switching is strictly cheaper
            active = "C" if active == "B" else "B"
        step = 2 if active == "C" else 1
        if segments and segments[-1].code_set == active:
            segments[-1] = Segment(active, segments[-1].text + data[i : i + step])
        else:
            segments.append(Segment(active, data[i : i + step]))
        i += step
    return tuple(segments)


def segments_module_count(segments: tuple[Segment, ...], *, gs1: bool = False) -> int:
    """Modules (without quiet zones) of a Code 128 barcode written as ``segments``."""
    symbols = 1  # start
    symbols += 1 if gs1 else 0  # FNC1 right after the start symbol
    symbols += len(segments) - 1  # one code-set switch between runs
    for segment in segments:
        length = len(segment.text)
        symbols += length // 2 if segment.code_set == "C" else length
    symbols += 1  # check symbol
    return symbols * SYMBOL_MODULES + STOP_MODULES


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


def min_module_px(dpi: float, min_module_mm: float = MIN_MODULE_MM) -> int:
    """Fewest dots per module: at least two, and (nearly) ``min_module_mm`` wide."""
    wanted = math.ceil(min_module_mm * dpi / MM_PER_INCH - _DOT_TOLERANCE)
    return max(MIN_MODULE_DOTS, wanted)


# The quiet zones may reach into a label's margins (they are unprinted paper either way)
# but keep this far from its edges, where die-cut labels are misregistered.
QUIET_EDGE_MM = 0.5


def module_mm(dpi: float | None = None) -> float:
    """The narrowest bar the fit rule counts with, in mm: MIN_MODULE_MM, or the printer's
    two dots where those are wider. A 180 dpi head's two dots are 0.282 mm, so it takes
    fewer modules across the same paper; at 203, 300 and 600 dpi it is MIN_MODULE_MM.
    None: a format whose printer is not known here (a PDF sheet: 203, 300 or 600 dpi)."""
    if dpi is None:
        return MIN_MODULE_MM
    return max(MIN_MODULE_MM, min_module_px(dpi) * MM_PER_INCH / dpi)


def check_fits(
    data: str,
    *,
    gs1: bool,
    bars_mm: float,
    label_mm: float,
    what: str,
    where: str,
    dpi: float | None = None,
) -> None:
    """Raise BarcodeFitError (one line, saying why) if ``data`` does not fit the label.

    The rule every label format applies before drawing, in millimetres at module_mm(dpi),
    so PNG, PDF, ESC/POS and ZPL agree on what fits: the bars within ``bars_mm`` (between
    the margins), bars and quiet zones within ``label_mm`` less QUIET_EDGE_MM each side.
    Each format then draws whole dots of at least that width at its own resolution, so a
    label this rule lets through is drawn, at any resolution, and one it refuses is
    refused here in one line — never by the renderer half-way through a batch.
    """
    module = module_mm(dpi)
    bars = segments_module_count(code128_segments(data), gs1=gs1)
    room = min(bars_mm, label_mm - 2 * QUIET_EDGE_MM - 2 * QUIET_ZONE_MODULES * module)
    need = bars * module
    if need <= room + 1e-9:
        return
    # Code set B letters take one symbol each: how many would fit, to say what to do.
    symbols = int((room / module - STOP_MODULES) / SYMBOL_MODULES)
    letters = max(0, symbols - 2 - (1 if gs1 else 0))
    head = f" on a {dpi:g} dpi printer" if module > MIN_MODULE_MM else ""
    raise BarcodeFitError(
        f"{what} is too long for {where}{head}: its bars need {need:.1f} mm at"
        f" {MIN_MODULE_DOTS} printer dots or more a bar and {room:.1f} mm is there (about"
        f" {letters} letters or {2 * letters} digits fit); use a wider label or paper, or a"
        " shorter serial"
    )


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
