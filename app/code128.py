"""Code 128 arithmetic: the code sets a text is written in, how many modules that makes,
and whether a barcode fits a label at a bar a scanner reads (`check_fits`).

Pure arithmetic, no drawing: the printing kernel (app.printing.barcodes, which draws and
re-exports these) and the domain (receiving refuses a serial no label can carry) ask the
same rule, so they can never disagree.
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

# Each Code 128 symbol is 11 modules; the stop pattern with its final bar is 13.
SYMBOL_MODULES = 11
STOP_MODULES = 13

CodeSet = Literal["B", "C"]

# The widest label any format prints: an 80 mm receipt roll with 4 mm margins
# (app.printing.documents.ROLL_80 is built from these). A serial whose barcode does not
# fit there can never be labelled.
WIDEST_LABEL_MM = 80.0
WIDEST_LABEL_MARGIN_MM = 4.0


class BarcodeFitError(InvalidInput, ValueError):
    """The barcode does not fit: even the narrowest scannable bars are too wide for the
    label or paper, or there is no room left for bars tall enough to scan."""


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


def check_labelable(serial: str, *, what: str) -> None:
    """Refuses (BarcodeFitError) a serial whose plain Code 128 barcode would not fit even
    the widest label at a bar a scanner reads."""
    check_fits(
        serial,
        gs1=False,
        bars_mm=WIDEST_LABEL_MM - 2 * WIDEST_LABEL_MARGIN_MM,
        label_mm=WIDEST_LABEL_MM,
        what=what,
        where=f"any label (the widest, an {WIDEST_LABEL_MM:g} mm roll)",
    )


@lru_cache(maxsize=1)
def always_labelable() -> int:
    """The longest text that fits the widest label whatever it holds (each character its
    own Code 128 symbol); only longer serials need measuring."""
    length = 1
    while True:
        try:
            check_labelable("~" * (length + 1), what="")
        except BarcodeFitError:
            return length
        length += 1
