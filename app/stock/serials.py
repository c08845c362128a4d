"""Entering serials: cleaning, comparing, ranges and pasted lists.

Pure functions over text: no database, no Qt. Every function either returns the exact list
that will be saved or raises ``InvalidInput`` with a one-line message naming the bad input;
nothing is ever truncated or silently dropped (only blank items are skipped). CSV files are
read by app.stock.serial_csv, new serials made by app.stock.serial_schemes.

Comparison rule (PRODUCT.md, "Serial units"): surrounding white space trimmed, letter case
ignored, leading zeros significant. ``serial_key`` is the single place that rule lives; the
database's ``serial_units.serial_key`` column holds its result.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sized
from dataclasses import dataclass

from app.errors import InvalidInput
from app.text import control_char_at

__all__ = [
    "MAX_ASSET_TAG_LENGTH",
    "MAX_INPUT_CHARS",
    "MAX_PREFIX_LENGTH",
    "MAX_RANGE",
    "MAX_SERIALS",
    "MAX_SERIAL_LENGTH",
    "SerialEntry",
    "check_count",
    "clean_serial",
    "duplicate_asset_tags",
    "duplicates",
    "parse_list",
    "parse_range",
    "serial_key",
]


MAX_SERIAL_LENGTH = 64  # serial_units.serial and .serial_key are VARCHAR(64)


MAX_ASSET_TAG_LENGTH = 64  # serial_units.asset_tag is VARCHAR(64)


MAX_PREFIX_LENGTH = 32  # items.serial_prefix is VARCHAR(32)


MAX_RANGE = 100_000


MAX_INPUT_CHARS = 5_000_000


MAX_SERIALS = 100_000


# Only ordinary white space is trimmed: space, tab, CR, LF (a scanner's Enter or Tab) and
# the Unicode spaces (category Zs, e.g. no-break space). Python's str.strip() would also eat
# VT, FF, U+0085 and the information separators U+001C..U+001F (GS1 scanners emit U+001D,
# "group separator"), hiding scanner noise; those are refused instead, like any control char.
_TRIM_CHARS = " \t\n\r" + "".join(
    chr(c) for c in range(0x80, 0x3000 + 1) if unicodedata.category(chr(c)) == "Zs"
)


_ASCII_TRIM = " \t\n\r"  # the trimmed characters an ASCII serial can hold


_PLAIN_ASCII = re.compile(r"[\x20-\x7e]*")  # fast path: printable ASCII needs no lookups


_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


# parse_list separators: comma, semicolon, tab, CR, LF (CRLF is two separators around
# an empty item, and empty items are skipped).
_LIST_SEPARATORS = str.maketrans({",": "\n", ";": "\n", "\t": "\n", "\r": "\n"})


_ELLIPSIS = "\u2026"  # "…", what word processors and phones turn "..." into


_RANGE_EXAMPLE = "a range looks like 1000...1009 or SN0098...SN0102 (start...end)"


_TRAILING_DIGITS = re.compile(r"(.*?)([0-9]+)")  # ASCII digits only: \d matches any script


def _trim(text: str) -> str:
    return text.strip(_TRIM_CHARS)


def _show(text: str, limit: int = 30) -> str:
    """Quote user input for a message: repr() escapes newlines and control characters
    (messages are one line), and long input is cut so the message stays readable."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit - 3]!r}... ({len(text):,} characters)"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def serial_key(serial: str) -> str:
    """The key two serials are compared by: equal keys mean the same serial.

    Surrounding white space is trimmed, letter case is ignored with ``str.lower()`` and the
    text is NFC-normalised so that an accented letter typed precomposed or as letter +
    accent compares equal. ``str.casefold()`` is deliberately not used: it folds "ß" to
    "ss", which would make two different serials collide. Leading zeros are significant:
    ``serial_key("00123") != serial_key("123")``.
    """
    if serial.isascii():  # nearly every serial: ASCII is its own NFC, and lowers alike
        return serial.strip(_ASCII_TRIM).lower()
    # NFC before lower() so canonically equal inputs lower alike, and after so the key is
    # NFC itself (lower() can decompose, e.g. U+0130).
    nfc = unicodedata.normalize
    return nfc("NFC", nfc("NFC", _trim(serial)).lower())


def _clean(raw: str, where: str, what: str = "", limit: int = MAX_SERIAL_LENGTH) -> str:
    """clean_serial with the caller's wording: ``where`` says which item ("serial 3",
    "CSV line 7"), ``what`` what it is when ``where`` does not say ("asset tag")."""
    text = _trim(raw)
    # "serial 3: 'x' contains ...", "CSV line 7: asset tag 'x' contains ...".
    label = f"{where}: {what}" if where and what else f"{where}:" if where else what
    if not text:
        raise InvalidInput(f"{label.removesuffix(':')} is empty")
    if len(text) > limit:
        raise InvalidInput(
            f"{label} {_show(text)} is too long: {len(text):,} characters (limit {limit})"
        )
    if _PLAIN_ASCII.fullmatch(text) is None:
        at = control_char_at(text)
        if at is not None:
            char, index = text[at], at + 1
            if char in _LINE_BREAKS:
                raise InvalidInput(
                    f"{label} {_show(text)} contains a line break at character {index}"
                )
            unassigned = unicodedata.category(char) == "Cn"
            kind = "an unassigned character" if unassigned else "a control character"
            raise InvalidInput(
                f"{label} {_show(text)} contains {kind} (U+{ord(char):04X}) at character {index}"
            )
        # Lowering can lengthen text (U+0130 -> "i" + dot); the key column is as long as
        # the serial column, so the key must fit too.
        if len(serial_key(text)) > limit:
            raise InvalidInput(f"{label} {_show(text)} is too long (limit {limit} characters)")
    return text


def clean_serial(raw: str, *, position: int | None = None) -> str:
    """Return ``raw`` with surrounding white space trimmed, or refuse it.

    Refused: empty, longer than ``MAX_SERIAL_LENGTH``, containing a line break, a control
    or format character, a private-use, surrogate or unassigned code point. The message
    quotes the serial (escaped, shortened) and, when ``position`` is given, starts with
    "serial <position>: ". Letter case is kept as typed; only ``serial_key`` ignores it.
    """
    if position is None:
        return _clean(raw, "", "serial")
    return _clean(raw, f"serial {position}")


@dataclass(frozen=True, slots=True)
class SerialEntry:
    """One unit to receive: its serial, optional asset tag and specific cost (minor units)."""

    serial: str
    asset_tag: str | None = None
    cost: int | None = None


def parse_list(text: str) -> list[SerialEntry]:
    """Parse typed, pasted or scanned serials, in input order.

    Items are separated by commas, semicolons, tabs or line breaks (CR, LF, CRLF), so a
    spreadsheet column pastes straight in and a scanner ending each read with Enter or Tab
    works. Blank items are skipped; every other item must pass ``clean_serial`` (its
    position among the non-blank items is named). More than ``MAX_INPUT_CHARS`` characters
    or ``MAX_SERIALS`` serials is refused as a whole, never truncated.
    """
    # Checked before any work so a 10 MB paste is refused at once.
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidInput(
            f"paste is too large: {len(text):,} characters (limit {MAX_INPUT_CHARS:,})"
        )
    items = [item for item in text.translate(_LIST_SEPARATORS).split("\n") if _trim(item)]
    if len(items) > MAX_SERIALS:
        raise InvalidInput(f"paste is too large: {len(items):,} serials (limit {MAX_SERIALS:,})")
    return [
        SerialEntry(_clean(item, f"serial {position}"))
        for position, item in enumerate(items, start=1)
    ]


def _split_end(end: str, which: str, shown: str) -> tuple[str, str]:
    """Split one end of a range into (prefix, digits)."""
    match = _TRAILING_DIGITS.fullmatch(end)
    if match is None:
        if any(c in "0123456789" for c in end):
            problem = f"the {which} {_show(end)} has text after its number"
        else:
            problem = f"the {which} {_show(end)} does not end with a number"
        raise InvalidInput(f"range {shown}: {problem}; {_RANGE_EXAMPLE}")
    return match.group(1), match.group(2)


def parse_range(text: str, *, limit: int = MAX_RANGE) -> list[SerialEntry]:
    """Expand ``START...END`` into every serial from START to END inclusive.

    "..." or the single character "…" separates the ends; white space around them is
    allowed. The number is the trailing ASCII digits of each end and the text before it
    the prefix, which must be identical at both ends (exact, case included). A start with
    a leading zero fixes the width: the end must have as many digits, and every serial is
    zero-padded to it (``SN0098...SN0102`` gives SN0098, SN0099, SN0100, SN0101, SN0102).
    The end must not be lower than the start (equal ends give one serial). More than
    ``limit`` serials is refused, not truncated.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    shown = _show(_trim(text), 40)
    # Refuse before scanning: two serials and a separator cannot be longer than this.
    if len(text) > 4 * MAX_SERIAL_LENGTH + 16:
        raise InvalidInput(f"range {shown} is too long; {_RANGE_EXAMPLE}")
    normalised = text.replace(_ELLIPSIS, "...")
    # Overlapping count: "A....B" holds two "..." and is as ambiguous as "A...B...C".
    separators = len(re.findall(r"(?=\.\.\.)", normalised))
    if separators == 0:
        raise InvalidInput(
            f"{shown} is not a range: no '...' between start and end; {_RANGE_EXAMPLE}"
        )
    if separators > 1:
        raise InvalidInput(f"{shown} is not a range: more than one '...'; {_RANGE_EXAMPLE}")
    raw_start, raw_end = normalised.split("...")
    if not _trim(raw_start) or not _trim(raw_end):
        missing = "start" if not _trim(raw_start) else "end"
        raise InvalidInput(f"range {shown} has no {missing}; {_RANGE_EXAMPLE}")
    start = _clean(raw_start, "range start")
    end = _clean(raw_end, "range end")
    start_prefix, start_digits = _split_end(start, "start", shown)
    end_prefix, end_digits = _split_end(end, "end", shown)

    if start_prefix != end_prefix:
        hint = " (they differ in letter case)" if start_prefix.lower() == end_prefix.lower() else ""
        raise InvalidInput(
            f"range {shown}: the ends have different prefixes, {_show(start_prefix)} and "
            f"{_show(end_prefix)}{hint}; both ends must start with the same text"
        )
    first, last = int(start_digits), int(end_digits)
    padded = len(start_digits) > 1 and start_digits[0] == "0"
    end_padded = len(end_digits) > 1 and end_digits[0] == "0"
    # A zero-padded end with an unpadded start ("98...0102") is as ambiguous as the reverse.
    if (padded or end_padded) and len(start_digits) != len(end_digits):
        raise InvalidInput(
            f"range {shown}: the numbers are zero-padded, so both ends need the same number "
            f"of digits (start has {len(start_digits)}, end has {len(end_digits)})"
        )
    if last < first:
        raise InvalidInput(
            f"range {shown} must ascend: the end {_show(end)} is lower than the start "
            f"{_show(start)}"
        )
    count = last - first + 1
    if count > limit:
        raise InvalidInput(f"range {shown} has {count:,} serials, more than the limit of {limit:,}")
    # Padding to the start's width is a no-op for an unpadded start (every number in the
    # range has at least its digits); for a padded one the end, of the same width, bounds
    # the numbers so they can never outgrow it.
    width = len(start_digits)
    return [SerialEntry(f"{start_prefix}{n:0{width}d}") for n in range(first, last + 1)]


def _repeated(values: Iterable[str]) -> list[str]:
    first_seen: dict[str, str] = {}
    repeated: dict[str, None] = {}  # an ordered set, in order of first occurrence
    for value in values:
        key = serial_key(value)
        if key in first_seen:
            repeated[key] = None
        else:
            first_seen[key] = value
    # Ordered by where each value first appeared, not by where it repeated.
    return [value for key, value in first_seen.items() if key in repeated]


def duplicates(entries: Iterable[SerialEntry | str]) -> list[str]:
    """Serials occurring more than once (compared by ``serial_key``), each named once as
    first written, in order of first appearance."""
    return _repeated(e.serial if isinstance(e, SerialEntry) else e for e in entries)


def duplicate_asset_tags(entries: Iterable[SerialEntry]) -> list[str]:
    """Asset tags occurring more than once (compared like serials), each named once, in
    order of first appearance. Entries without an asset tag are ignored."""
    return _repeated(e.asset_tag for e in entries if e.asset_tag is not None)


def check_count(entries: Sized, expected: int) -> None:
    """Refuse unless there are exactly ``expected`` entries (the quantity being received)."""
    got = len(entries)
    if got != expected:
        raise InvalidInput(f"expected {_count(expected, 'serial')}, got {got:,}")
