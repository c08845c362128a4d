"""Money as integers of minor units (cents). Parsing and formatting live here, never floats."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from app.errors import InvalidInput

MINOR_UNITS = 100
BP_PER_PERCENT = 100  # rates and discounts are basis points: 12.5 % is 1250
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
# Amounts are INTEGER columns (32-bit on PostgreSQL): 21 million in major units is a typo.
_MAX_AMOUNT = 2**31


def parse_money(text: str, *, field: str = "amount") -> int:
    """'12.50' -> 1250. Refuses more than two decimals, negatives and nonsense."""
    cleaned = text.strip()
    if "," in cleaned:
        # Only as thousands separators ("1,234.50"); "1,50" is a decimal comma we refuse
        # rather than read as 150.
        if not _THOUSANDS.match(cleaned):
            raise InvalidInput(f"{field} {cleaned[:30]!r}: use a point for decimals, like 12.50")
        cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(f"{field} {text.strip()[:30]!r} is not an amount like 12.50") from None
    if not value.is_finite():
        raise InvalidInput(f"{field} {text.strip()[:30]!r} is not an amount like 12.50")
    if value < 0:
        raise InvalidInput(f"{field} cannot be negative")
    minor = value * MINOR_UNITS
    if minor != minor.to_integral_value():
        raise InvalidInput(f"{field} {text.strip()!r} has more than two decimals")
    if minor >= _MAX_AMOUNT:
        raise InvalidInput(f"{field} {text.strip()!r} is too large")
    return int(minor)


def to_decimal(minor: int) -> Decimal:
    return (Decimal(minor) / MINOR_UNITS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_plain(minor: int) -> str:
    """1250 -> '12.50' (machine-readable output: CSV, JSON)."""
    return f"{to_decimal(minor):.2f}"


def format_money(minor: int, *, currency: str = "USD", locale: str = "en_US") -> str:
    """1250 -> '$12.50' in the shop's currency and locale."""
    return format_currency(to_decimal(minor), currency, locale=locale)


def parse_percent(text: str, *, what: str = "a discount") -> int:
    """'12.5' or '12,5 %' -> 1250 basis points; blank is 0. The range is the caller's rule."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned or "0")
    except InvalidOperation:
        raise InvalidInput(f"{text.strip()[:20]!r} is not a percentage like 10 or 12.5") from None
    bp = value * BP_PER_PERCENT
    if not bp.is_finite() or bp != bp.to_integral_value():
        raise InvalidInput(f"{what} has at most two decimals")
    return int(bp)


def percent_text(bp: int) -> str:
    """1250 -> '12.5 %', 1000 -> '10 %'."""
    text = f"{Decimal(bp) / BP_PER_PERCENT:f}"
    if "." in text:  # only a fraction's trailing zeros go: 10 stays 10
        text = text.rstrip("0").rstrip(".")
    return text + " %"
