"""Entering serials: cleaning, comparing, ranges, pasted lists, CSV files and generation.

Pure functions over text: no database, no Qt. Every function either returns the exact list
that will be saved or raises ``InvalidInput`` with a one-line message naming the bad input;
nothing is ever truncated or silently dropped (only blank items are skipped).

Comparison rule (PRODUCT.md, "Serial units"): surrounding white space trimmed, letter case
ignored, leading zeros significant. ``serial_key`` is the single place that rule lives; the
database's ``serial_units.serial_key`` column holds its result.
"""

from __future__ import annotations

import csv
import io
import itertools
import random as _random
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sized
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal

from app.errors import InvalidInput
from app.text import control_char_at

__all__ = [
    "MAX_ASSET_TAG_LENGTH",
    "MAX_COST",
    "MAX_INPUT_CHARS",
    "MAX_PREFIX_LENGTH",
    "MAX_RANGE",
    "MAX_SERIALS",
    "MAX_SERIAL_LENGTH",
    "RANDOM_ALPHABET",
    "TAKEN_BATCH",
    "SerialEntry",
    "SerialScheme",
    "check_count",
    "clean_serial",
    "duplicate_asset_tags",
    "duplicates",
    "generate",
    "parse_csv",
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
# serial_units.cost is an INTEGER column (32-bit on PostgreSQL); a larger cost is a typo.
MAX_COST = 2**31 - 1
# items.serial_next is a BIGINT: a sequential scheme stops before the next number overflows it.
_MAX_NEXT_NUMBER = 2**63 - 1
# How many candidate keys generate() hands to taken() at once: small enough for one
# "WHERE serial_key IN (...)" on any backend (old SQLite allows 999 parameters).
TAKEN_BATCH = 500

# 32 symbols without 0/O and 1/I, so a serial read aloud or retyped from a label survives.
RANDOM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# Exactly 32 = 2**5 symbols, so 5 random bits pick one with no modulo bias.
_BITS_PER_SYMBOL = 5
assert len(RANDOM_ALPHABET) == 1 << _BITS_PER_SYMBOL == len(set(RANDOM_ALPHABET))

# Only ordinary white space is trimmed: space, tab, CR, LF (a scanner's Enter or Tab) and
# the Unicode spaces (category Zs, e.g. no-break space). Python's str.strip() would also eat
# VT, FF, U+0085 and the information separators U+001C..U+001F (GS1 scanners emit U+001D,
# "group separator"), hiding scanner noise; those are refused instead, like any control char.
_TRIM_CHARS = " \t\n\r" + "".join(
    chr(c) for c in range(0x80, 0x3000 + 1) if unicodedata.category(chr(c)) == "Zs"
)
_PLAIN_ASCII = re.compile(r"[\x20-\x7e]*")  # fast path: printable ASCII needs no lookups
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")

# parse_list separators: comma, semicolon, tab, CR, LF (CRLF is two separators around
# an empty item, and empty items are skipped).
_LIST_SEPARATORS = str.maketrans({",": "\n", ";": "\n", "\t": "\n", "\r": "\n"})

_ELLIPSIS = "\u2026"  # "…", what word processors and phones turn "..." into
_RANGE_EXAMPLE = "a range looks like 1000...1009 or SN0098...SN0102 (start...end)"
_TRAILING_DIGITS = re.compile(r"(.*?)([0-9]+)")  # ASCII digits only: \d matches any script

# Tried in this order when no header decides: a tab-separated export rarely has tabs in
# cells, and a ';'-separated one (European Excel) has decimal commas ("12,50") that would
# split evenly on ',' too and turn "SN1;12" into a serial.
_CSV_DELIMITERS = ("\t", ";", ",")
# Excel's way to keep leading zeros: a cell written as ="00123".
_EXCEL_TEXT = re.compile(r'="(.*)"', re.DOTALL)
_CSV_SNIFF_ROWS = 20
_COST = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# Header names (after lower-casing and turning spaces/hyphens into "_") per column.
# A few aliases for "serial" because an unrecognised header row would be read as data and
# "Serial Number" would become a serial.
_CSV_COLUMNS = {
    "serial": "serial",
    "serial_number": "serial",
    "serial_no": "serial",
    "serialnumber": "serial",
    "asset_tag": "asset_tag",
    "assettag": "asset_tag",
    "cost": "cost",
}


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


def _csv_header_name(cell: str) -> str | None:
    name = re.sub(r"[\s\-]+", "_", _trim(cell).lower())
    return _CSV_COLUMNS.get(name)


def _csv_rows(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """Yield (first physical line number, cells) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InvalidInput(f"CSV line {previous_line + 1}: cannot be read ({error})") from None
        line = previous_line + 1
        previous_line = reader.line_num
        if any(_trim(cell) for cell in row):
            yield line, row


def _csv_delimiter(text: str) -> str:
    """Pick ',', ';' or tab. csv.Sniffer guesses wrongly on one-column files and on serials
    made of letters, so instead: the delimiter that makes a known header, else the first
    (tab, ';', ',') that splits the first rows into the same number (> 1) of columns,
    else ','."""
    samples: dict[str, list[list[str]]] = {}
    for delimiter in _CSV_DELIMITERS:
        rows: list[list[str]] = []
        try:
            for _, row in _csv_rows(text, delimiter):
                rows.append(row)
                if len(rows) >= _CSV_SNIFF_ROWS:
                    break
        except InvalidInput:
            pass  # a quoting error under a wrong delimiter just rules that one out
        if rows and any(_csv_header_name(cell) for cell in rows[0]):
            return delimiter
        samples[delimiter] = rows
    for delimiter, rows in samples.items():
        widths = {len(row) for row in rows}
        if len(widths) == 1 and widths.pop() > 1:
            return delimiter
    return ","


def _parse_cost(raw: str, where: str) -> int | None:
    text = _trim(raw)
    if not text:
        return None
    if text.startswith("-"):
        raise InvalidInput(f"{where}: cost {_show(text)} is negative")
    if _COST.fullmatch(text) is None:
        raise InvalidInput(
            f"{where}: cost {_show(text)} is not an amount like 12.50 "
            f"(digits and a '.' decimal point, no thousands separator)"
        )
    minor = Decimal(text) * 100
    # Accepting "12.500" (exact) but not "12.505": a spreadsheet may pad decimals.
    if minor != minor.to_integral_value():
        raise InvalidInput(f"{where}: cost {_show(text)} has more than two decimals")
    if minor > MAX_COST:
        raise InvalidInput(f"{where}: cost {_show(text)} is too large")
    return int(minor)


def parse_csv(text: str) -> list[SerialEntry]:
    """Parse a CSV file (already decoded to text) into entries, in file order.

    Columns: ``serial`` (also "serial number"/"serial_no"), optional ``asset_tag`` and
    ``cost``; header names are matched ignoring case, surrounding space, and space vs "_"
    vs "-". The first non-blank row is a header if any of its cells is one of those names;
    without a serial column, or without a header, the first column is the serial. The
    delimiter is ',', ';' or tab. A UTF-8 byte order mark and quoted fields are handled;
    blank rows are skipped. Cost is a plain amount with a '.' decimal point ("12", "12.50"),
    converted to minor units; negative, more than two decimals or thousands separators are
    refused. Every error names the CSV line.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise InvalidInput(
            f"CSV is too large: {len(text):,} characters (limit {MAX_INPUT_CHARS:,})"
        )
    text = text.removeprefix("\ufeff")
    rows = iter(_csv_rows(text, _csv_delimiter(text)))
    first = next(rows, None)
    if first is None:
        return []
    columns: dict[str, int] = {}
    header_line, header = first
    names = [_csv_header_name(cell) for cell in header]
    if any(names):
        for index, name in enumerate(names):
            if name is None:
                continue
            if name in columns:
                raise InvalidInput(
                    f"CSV line {header_line}: column {name!r} appears twice in the header"
                )
            columns[name] = index
        if "serial" not in columns:
            if 0 in columns.values():
                raise InvalidInput(
                    f"CSV line {header_line}: no 'serial' column, and the first column is "
                    f"{_show(_trim(header[0]))}"
                )
            columns["serial"] = 0
        data: Iterable[tuple[int, list[str]]] = rows
    else:
        columns["serial"] = 0
        data = itertools.chain([first], rows)

    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        value = row[index] if index is not None and index < len(row) else ""
        excel = _EXCEL_TEXT.fullmatch(_trim(value))
        return excel.group(1) if excel else value

    entries: list[SerialEntry] = []
    total = 0
    for line, row in data:
        total += 1
        if total > MAX_SERIALS:
            continue  # keep counting so the message gives the real size
        where = f"CSV line {line}"
        serial = _clean(cell(row, "serial"), where, "serial")
        raw_tag = cell(row, "asset_tag")
        tag = _clean(raw_tag, where, "asset tag", MAX_ASSET_TAG_LENGTH) if _trim(raw_tag) else None
        entries.append(SerialEntry(serial, tag, _parse_cost(cell(row, "cost"), where)))
    if total > MAX_SERIALS:
        raise InvalidInput(f"CSV is too large: {total:,} serials (limit {MAX_SERIALS:,})")
    return entries


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


@dataclass(frozen=True, slots=True)
class SerialScheme:
    """How an item's serials are generated: prefix + ``digits`` characters, either a
    zero-padded sequential number or random symbols from ``RANDOM_ALPHABET``.

    The prefix is trimmed on construction (stored trimmed); an invalid scheme raises
    ``InvalidInput``.
    """

    prefix: str = ""
    digits: int = 6
    random: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.digits, bool) or not isinstance(self.digits, int):
            raise InvalidInput(
                f"serial scheme: number length must be a whole number, got {self.digits!r}"
            )
        if not 1 <= self.digits <= 20:
            raise InvalidInput(f"serial scheme: number length must be 1 to 20, got {self.digits}")
        prefix = ""
        if _trim(self.prefix):
            prefix = _clean(self.prefix, "serial scheme", "prefix", MAX_PREFIX_LENGTH)
        if len(prefix) + self.digits > MAX_SERIAL_LENGTH:
            raise InvalidInput(
                f"serial scheme: prefix and number together are {len(prefix) + self.digits} "
                f"characters (limit {MAX_SERIAL_LENGTH})"
            )
        # Frozen: the trimmed prefix is stored through object.__setattr__.
        object.__setattr__(self, "prefix", prefix)

    @property
    def pattern(self) -> str:
        """The scheme as shown to a user: "SN######" (sequential) or "SN??????" (random)."""
        return self.prefix + ("?" if self.random else "#") * self.digits


def _keys_taken(taken: Callable[[list[str]], AbstractSet[str]], keys: list[str]) -> set[str]:
    # Re-keyed so a caller returning serials as stored (any case) still matches.
    return {serial_key(k) for k in taken(keys)}


def generate(
    scheme: SerialScheme,
    count: int,
    *,
    next_number: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    rng: _random.Random | None = None,
    batch_size: int = TAKEN_BATCH,
) -> tuple[list[str], int]:
    """Generate ``count`` new serials from ``scheme``; return them and the new next number.

    ``taken(keys)`` receives up to ``batch_size`` candidate serial keys (see
    ``serial_key``) at a time and returns those already used, so a caller can ask the
    database once per batch. Taken candidates are skipped, never returned.

    Sequential: numbers from ``next_number`` up, zero-padded to ``scheme.digits``; the new
    next number is one past the last number used (it is returned unchanged for a random
    scheme). Refused when the numbers left under the scheme's width cannot supply
    ``count`` serials. Random: ``scheme.digits`` symbols drawn from ``RANDOM_ALPHABET``
    with ``rng`` (default ``secrets.SystemRandom()``), re-drawing duplicates within the
    batch and taken ones; refused when the space is too small or too full to find
    ``count`` free serials in a bounded number of draws (it never loops forever).
    """
    if isinstance(count, bool) or not 1 <= count <= MAX_SERIALS:
        raise InvalidInput(f"number of serials must be 1 to {MAX_SERIALS:,}, got {count}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if scheme.random:
        return _generate_random(scheme, count, taken, rng, batch_size), next_number
    return _generate_sequential(scheme, count, next_number, taken, batch_size)


def _generate_sequential(
    scheme: SerialScheme,
    count: int,
    next_number: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    batch_size: int,
) -> tuple[list[str], int]:
    if next_number < 0:
        raise InvalidInput(f"scheme {scheme.pattern}: next number cannot be negative")
    # The returned next number (highest + 1) must still fit items.serial_next.
    highest = min(10**scheme.digits - 1, _MAX_NEXT_NUMBER - 1)
    room = max(0, highest - next_number + 1)

    def exhausted(found: int) -> InvalidInput:
        return InvalidInput(
            f"scheme {scheme.pattern} is exhausted: {_count(count, 'serial')} needed, "
            f"only {found:,} free from number {next_number:,} up to {highest:,}; "
            f"lengthen the number or change the prefix"
        )

    if room < count:
        raise exhausted(room)
    serials: list[str] = []
    number = next_number
    last_used = next_number - 1
    while len(serials) < count:
        if number > highest:
            raise exhausted(len(serials))
        # Always a full batch (not just the shortfall): a long run of taken numbers then
        # costs one call per batch, not one per serial. Numbers checked but not needed stay
        # free, since the new next number is one past the last number used.
        size = min(batch_size, highest - number + 1)
        candidates = [f"{scheme.prefix}{n:0{scheme.digits}d}" for n in range(number, number + size)]
        used = _keys_taken(taken, [serial_key(c) for c in candidates])
        for offset, candidate in enumerate(candidates):
            if serial_key(candidate) not in used:
                serials.append(candidate)
                last_used = number + offset
                if len(serials) == count:
                    break
        number += size
    return serials, last_used + 1


def _generate_random(
    scheme: SerialScheme,
    count: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    rng: _random.Random | None,
    batch_size: int,
) -> list[str]:
    space = len(RANDOM_ALPHABET) ** scheme.digits
    if count > space:
        raise InvalidInput(
            f"random scheme {scheme.pattern} has only {space:,} possible serials, "
            f"{count:,} needed; use more characters"
        )
    draw = rng if rng is not None else secrets.SystemRandom()
    bits = _BITS_PER_SYMBOL * scheme.digits
    mask = (1 << _BITS_PER_SYMBOL) - 1

    def candidate() -> str:
        # One getrandbits call per serial (a single urandom read with SystemRandom),
        # 5 bits per symbol: uniform because the alphabet has exactly 32 symbols.
        value = draw.getrandbits(bits)
        symbols = []
        for _ in range(scheme.digits):
            symbols.append(RANDOM_ALPHABET[value & mask])
            value >>= _BITS_PER_SYMBOL
        return scheme.prefix + "".join(symbols)

    # Draw budget: generous for any sane scheme (a half-full space needs ~2 draws per
    # serial), but finite, so a nearly full space is refused instead of spinning.
    budget = 20 * count + 1000
    draws = 0
    seen: set[str] = set()  # keys returned or found taken: never drawn again
    serials: list[str] = []
    while len(serials) < count:
        batch: dict[str, str] = {}
        need = count - len(serials)
        # A few spare candidates per round, so a space with some taken serials is filled
        # in one or two calls to taken(); never more than the serials not yet tried.
        want = min(batch_size, 2 * need + 16, space - len(seen))
        if want == 0:
            raise InvalidInput(
                f"random scheme {scheme.pattern} is full: all {space:,} serials are taken; "
                f"use more characters"
            )
        while len(batch) < want:
            if draws >= budget:
                raise InvalidInput(
                    f"random scheme {scheme.pattern} is too full: found only "
                    f"{len(serials):,} of {count:,} free serials in {draws:,} tries; "
                    f"use more characters"
                )
            draws += 1
            serial = candidate()
            key = serial_key(serial)
            if key not in seen and key not in batch:
                batch[key] = serial
        used = _keys_taken(taken, list(batch))
        for key, serial in batch.items():
            seen.add(key)
            if key not in used and len(serials) < count:
                serials.append(serial)
    return serials
