"""Money as integers of minor units (cents). Parsing and formatting live here, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from app.errors import InvalidInput

MINOR_UNITS = 100
# Amounts are INTEGER columns (32-bit on PostgreSQL): 21 million in major units is a typo.
_MAX_AMOUNT = 2**31


def parse_money(text: str, *, field: str = "amount") -> int:
    """'12.50' -> 1250. Refuses more than two decimals, negatives and nonsense."""
    cleaned = text.strip().replace(",", "") if text.count(".") <= 1 else text.strip()
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
