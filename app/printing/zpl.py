"""Serial labels in ZPL II, for Zebra-style label printers.

The printer draws the Code 128 barcode itself (``^BC``), from field data in which we
spell out the code sets with Zebra's invocation codes: ``>:`` start in subset B, ``>;``
start in subset C (digit pairs), ``>5``/``>6`` switch to C/B, ``>8`` FNC1. Text fields
are hex-escaped (``^FH``) wherever a character would be read as a ZPL command or is not
ASCII, and the label is switched to UTF-8 (``^CI28``) so names like "Café" print right.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.printing.barcodes import (
    QUIET_EDGE_MM,
    BarcodeFitError,
    code128_segments,
    dots,
    fit_module_px,
    segments_module_count,
)
from app.printing.documents import LABEL_50X25, Label, LabelSize, check_label_fits, clean_line

DEFAULT_DPI = 203

# In ^BC field data these characters are ZPL syntax (^ and ~ start commands, > starts an
# invocation code); subset B has an invocation code for each (Zebra ZPL II guide, ^BC).
_BC_SUBSET_B_ESCAPES = {"^": "><", ">": ">0", "~": ">="}
_BC_START = {"B": ">:", "C": ">;"}
_BC_SWITCH = {"B": ">6", "C": ">5"}
_BC_FNC1 = ">8"

# In ^FD text under ^FH_, "_" introduces a hex byte, so it must be escaped itself.
_FH_ESCAPED = frozenset("^~_\\")

# Text heights in mm; the ^A0 font averages about 0.6 of its height per character.
_NAME_MM, _SERIAL_MM, _SMALL_MM, _MIN_TEXT_MM = 2.9, 2.6, 2.0, 1.4
_CHAR_WIDTH = 0.6
_MIN_BAR_MM = 5.0


def zpl_barcode_data(data: str, *, gs1: bool = False) -> str:
    """``data`` as ^BC field data (mode N) with explicit subsets and FNC1 for GS1-128."""
    parts: list[str] = []
    for index, segment in enumerate(code128_segments(data)):
        if index == 0:
            parts.append(_BC_START[segment.code_set])
            if gs1:
                parts.append(_BC_FNC1)
        else:
            parts.append(_BC_SWITCH[segment.code_set])
        if segment.code_set == "C":
            parts.append(segment.text)
        else:
            parts.append("".join(_BC_SUBSET_B_ESCAPES.get(ch, ch) for ch in segment.text))
    return "".join(parts)


def zpl_text(text: str) -> str:
    """``text`` as ^FH_ field data: ZPL syntax characters and non-ASCII as _XX bytes."""
    out: list[str] = []
    for ch in clean_line(text):
        if ch in _FH_ESCAPED or not " " <= ch <= "~":
            out.append("".join(f"_{byte:02X}" for byte in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def render_labels_zpl(
    labels: Iterable[Label], size: LabelSize = LABEL_50X25, dpi: int = DEFAULT_DPI
) -> str:
    """One ^XA…^XZ format per label: name, price, Code 128 / GS1-128 barcode, serial,
    asset tag. Raises BarcodeFitError when a barcode cannot be printed scannable."""
    return "".join(_label_zpl(label, size, dpi) for label in labels)


def _fit_chars(text: str, height_dots: int, width_dots: int) -> str:
    """``text`` cut (with "...") to what fits ``width_dots`` in ^A0 at ``height_dots``."""
    text = clean_line(text)
    limit = max(1, int(width_dots / (height_dots * _CHAR_WIDTH)))
    return text if len(text) <= limit else text[: max(1, limit - 3)].rstrip() + "..."


def _label_zpl(label: Label, size: LabelSize, dpi: int) -> str:
    check_label_fits(label, size, dpi=dpi)
    width, height = dots(size.width_mm, dpi), dots(size.height_mm, dpi)
    margin = dots(size.margin_mm, dpi)
    inner = width - 2 * margin
    name_h, serial_h, small_h = (dots(mm, dpi) for mm in (_NAME_MM, _SERIAL_MM, _SMALL_MM))
    top = dots(1.0, dpi)

    price = clean_line(label.price)
    price_w = int(len(price) * name_h * _CHAR_WIDTH)
    name = _fit_chars(label.item_name, name_h, inner - price_w - dots(1.5, dpi))

    segments = code128_segments(label.barcode_text)
    modules = segments_module_count(segments, gs1=label.is_gs1)
    # ^BC draws the bars only; the quiet zones are the blank label around them.
    module = fit_module_px(
        modules,
        inner,
        dpi=dpi,
        what=f"serial {label.serial!r}",
        outer_px=width - 2 * dots(QUIET_EDGE_MM, dpi),
    )
    bars_y = top + name_h + dots(0.8, dpi)
    bottom_h = serial_h + (small_h + dots(0.3, dpi) if label.asset_tag else 0)
    text_y = height - dots(0.8, dpi) - bottom_h
    bar_h = text_y - dots(0.6, dpi) - bars_y
    if bar_h < dots(_MIN_BAR_MM, dpi):
        raise BarcodeFitError(
            f"label {size.name} leaves no room for bars {_MIN_BAR_MM:g} mm tall; use a taller label"
        )
    bars_x = (width - modules * module) // 2
    # The serial is printed whole: a long one (or a GS1 string) gets smaller letters.
    readable_h = min(serial_h, int(inner / (len(label.human_readable) * _CHAR_WIDTH)))
    if readable_h < dots(_MIN_TEXT_MM, dpi):
        raise BarcodeFitError(f"serial {label.serial!r} is too long to print legibly here")

    fields = [
        "^XA",
        "^CI28",  # field data is UTF-8 (our _XX escapes are UTF-8 bytes)
        f"^PW{width}",
        f"^LL{height}",
        "^LH0,0",
        f"^FO{margin},{top}^A0N,{name_h},{name_h}^FH_^FD{zpl_text(name)}^FS",
        f"^FO{margin},{top}^A0N,{name_h},{name_h}^FB{inner},1,0,R,0^FH_^FD{zpl_text(price)}^FS",
        f"^FO{bars_x},{bars_y}^BY{module},3,{bar_h}"
        f"^BCN,{bar_h},N,N,N,N^FD{zpl_barcode_data(label.barcode_text, gs1=label.is_gs1)}^FS",
        f"^FO0,{text_y}^A0N,{readable_h},{readable_h}^FB{width},1,0,C,0"
        f"^FH_^FD{zpl_text(label.human_readable)}^FS",
    ]
    if label.asset_tag:
        asset = _fit_chars(f"Asset {label.asset_tag}", small_h, inner)
        asset_y = text_y + serial_h + dots(0.3, dpi)
        fields.append(f"^FO{margin},{asset_y}^A0N,{small_h},{small_h}^FH_^FD{zpl_text(asset)}^FS")
    fields += ["^PQ1", "^XZ"]
    return "\n".join(fields) + "\n"
