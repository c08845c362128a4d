"""Cleaning of short texts a user types or a scanner sends: names, reasons, SKUs."""

from __future__ import annotations

import unicodedata

from app.errors import TRIM, InvalidInput

# Control, format, surrogate, private use, unassigned, line and paragraph separators: never
# part of a name, a reason or a serial (a stray ESC or newline would reach a printer or a CSV).
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def control_char_at(text: str) -> int | None:
    """Where the first control character is in `text` (0-based), or None."""
    return next(
        (i for i, ch in enumerate(text) if unicodedata.category(ch) in CONTROL_CATEGORIES), None
    )


def has_control_chars(text: str) -> bool:
    return control_char_at(text) is not None


def shorten(text: str, limit: int = 30) -> str:
    """A repr() fit for a one-line message, however long or strange the input."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def clean_text(text: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trims; refuses control characters, over-long and (if required) empty texts."""
    cleaned = text.strip(TRIM)
    if has_control_chars(cleaned):
        raise InvalidInput(f"{field} {shorten(cleaned)} contains a control character")
    if required and not cleaned:
        raise InvalidInput(f"{field} is required")
    if len(cleaned) > max_length:
        raise InvalidInput(f"{field} {shorten(cleaned)} is longer than {max_length} characters")
    return cleaned
