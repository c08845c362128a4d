"""Cleaning of short texts a user types or a scanner sends: names, reasons, SKUs."""

from __future__ import annotations

import unicodedata

from app.errors import InvalidInput

_BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def has_control_chars(text: str) -> bool:
    return any(unicodedata.category(ch) in _BAD_CATEGORIES for ch in text)


def shorten(text: str, limit: int = 30) -> str:
    """A repr() fit for a one-line message, however long or strange the input."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def clean_text(text: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trims; refuses control characters, over-long and (if required) empty texts."""
    cleaned = text.strip()
    if has_control_chars(cleaned):
        raise InvalidInput(f"{field} {shorten(cleaned)} contains a control character")
    if required and not cleaned:
        raise InvalidInput(f"{field} is required")
    if len(cleaned) > max_length:
        raise InvalidInput(f"{field} {shorten(cleaned)} is longer than {max_length} characters")
    return cleaned
