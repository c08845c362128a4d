"""What an item's serials may contain, decided per item (items.serial_charset).

Every label format encodes a serial as a Code 128 (set B) barcode, which carries printable
ASCII only, so that is the widest choice and every item's default ("ÜBER-1" can never be
labelled). An item can be stricter — digits only, or upper-case letters and digits — so a
mistyped or misread serial (a lower-case letter, a stray dash, a letter O for a zero) is
refused at entry, with the reason, rather than found on the shelf.

How long a serial may be is each label size's rule (app.printing.documents
.check_label_fits), applied when labels are printed; a serial too long for even the widest
label (an 80 mm roll, app.code128) could never be labelled, so every entry refuses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from app.code128 import always_labelable, check_labelable
from app.errors import InvalidInput
from app.text import shorten


class SerialCharset(StrEnum):
    """The stored value of items.serial_charset."""

    ASCII = "ascii"  # printable ASCII: A-Z, a-z, 0-9, space and punctuation (the default)
    UPPER = "upper"  # A-Z and 0-9
    DIGITS = "digits"  # 0-9


DEFAULT_CHARSET = SerialCharset.ASCII

# What the shop reads in the product editor and `item add --help`.
DESCRIPTIONS: dict[SerialCharset, str] = {
    SerialCharset.ASCII: "A-Z, a-z, 0-9, space and ASCII punctuation",
    SerialCharset.UPPER: "upper-case letters A-Z and digits 0-9",
    SerialCharset.DIGITS: "digits 0-9 only",
}

_PATTERNS: dict[SerialCharset, re.Pattern[str]] = {
    SerialCharset.ASCII: re.compile(r"[\x20-\x7e]+"),
    SerialCharset.UPPER: re.compile(r"[A-Z0-9]+"),
    SerialCharset.DIGITS: re.compile(r"[0-9]+"),
}


def parse_charset(value: str) -> SerialCharset:
    """A charset by its stored name ("ascii", "upper", "digits"); anything else is refused."""
    try:
        return SerialCharset(value.strip().lower())
    except ValueError:
        names = ", ".join(c.value for c in SerialCharset)
        raise InvalidInput(f"serial characters {value!r} is not one of {names}") from None


def _allows(charset: SerialCharset, ch: str) -> bool:
    return _PATTERNS[charset].fullmatch(ch) is not None


def check_serial(charset: SerialCharset | str, serial: str, *, sku: str = "") -> None:
    """Refuses a serial the item's charset does not allow, naming the characters."""
    charset = SerialCharset(charset)
    if _PATTERNS[charset].fullmatch(serial) is not None:
        return
    bad = sorted({ch for ch in serial if not _allows(charset, ch)})
    shown = ", ".join(repr(ch) for ch in bad[:5])
    whose = f"{sku} serials" if sku else "serials"
    if charset is SerialCharset.ASCII:
        raise InvalidInput(
            f"serial {shorten(serial)} cannot go on a label: a barcode carries only"
            f" {DESCRIPTIONS[charset]}, not {shown}"
        )
    raise InvalidInput(
        f"serial {shorten(serial)} is refused: {whose} hold {DESCRIPTIONS[charset]}, not {shown}"
    )


def check_serials(charset: SerialCharset | str, serials: Iterable[str], *, sku: str = "") -> None:
    """check_serial for each, and each must fit a label: the first one refused is the
    message."""
    pattern = _PATTERNS[SerialCharset(charset)]
    short_enough = always_labelable()
    for serial in serials:
        if pattern.fullmatch(serial) is None:
            check_serial(charset, serial, sku=sku)
        if len(serial) > short_enough:  # a rare long one: its barcode is measured
            check_labelable(serial, what=f"serial {shorten(serial)} can never be labelled: it")


def check_scheme(charset: SerialCharset | str, prefix: str, *, random_symbols: str | None) -> None:
    """The item's serial scheme must make serials its charset allows: the prefix, and the
    random symbols (or the digits of a sequential number)."""
    charset = SerialCharset(charset)
    if prefix and _PATTERNS[charset].fullmatch(prefix) is None:
        bad = sorted({ch for ch in prefix if not _allows(charset, ch)})
        raise InvalidInput(
            f"serial prefix {prefix!r} does not suit serials of {DESCRIPTIONS[charset]}"
            f" (not {', '.join(repr(ch) for ch in bad[:5])})"
        )
    if random_symbols is not None and _PATTERNS[charset].fullmatch(random_symbols) is None:
        raise InvalidInput(
            f"random serials use letters; serials of {DESCRIPTIONS[charset]} need a"
            " sequential number"
        )
