"""Money as integers of minor units (cents). Parsing and formatting live here, never floats."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from app.errors import TRIM, InvalidInput
from app.text import shorten

MINOR_UNITS = 100
BP_PER_PERCENT = 100  # rates and discounts are basis points: 12.5 % is 1250
# re's \d matches every script's digits; a shop's amounts are ASCII 0-9 only.
_THOUSANDS = re.compile(r"^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_AMOUNT = re.compile(r"^([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]{1,2})?$")
_MANY_DECIMALS = re.compile(r"^[0-9,]*\.[0-9]{3,}$")
_PERCENT = re.compile(r"^[0-9]{1,4}(\.[0-9]{1,2})?$")
# Amounts are INTEGER columns (32-bit on PostgreSQL): 21 million in major units is a typo.
_MAX_AMOUNT = 2**31


def parse_money(text: str, *, field: str = "amount") -> int:
    """'12.50' -> 1250. Plain ASCII decimal digits with at most two decimals (thousands
    commas allowed): no exponents, underscores, signs, or digits of other scripts — Python's
    Decimal would read '1e2' as 100 and '١٢' as 12, which no shop means."""
    cleaned = text.strip(TRIM)
    shown = shorten(cleaned)
    if "," in cleaned and not _THOUSANDS.match(cleaned):
        # "1,50" is a decimal comma we refuse rather than read as 150.
        raise InvalidInput(f"{field} {shown}: use a point for decimals, like 12.50")
    if not _AMOUNT.match(cleaned):
        if _MANY_DECIMALS.match(cleaned):
            raise InvalidInput(f"{field} {shown} has more than two decimals")
        if cleaned.startswith("-") and _AMOUNT.match(cleaned[1:]):
            raise InvalidInput(f"{field} cannot be negative")
        raise InvalidInput(f"{field} {shown} is not an amount like 12.50")
    digits = cleaned.replace(",", "")
    if len(digits.partition(".")[0].lstrip("0")) > 10:
        raise InvalidInput(f"{field} {shown} is too large")
    minor = int(Decimal(digits) * MINOR_UNITS)
    if minor >= _MAX_AMOUNT:
        raise InvalidInput(f"{field} {shown} is too large")
    return minor


def to_decimal(minor: int) -> Decimal:
    return (Decimal(minor) / MINOR_UNITS).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def format_plain(minor: int) -> str:
    """1250 -> '12.50' (machine-readable output: CSV, JSON)."""
    return f"{to_decimal(minor):.2f}"


def format_money(minor: int, *, currency: str = "USD", locale: str = "en_US") -> str:
    """1250 -> '$12.50' in the shop's currency and locale."""
    from babel.numbers import format_currency  # babel at the first amount shown, not at start

    return format_currency(to_decimal(minor), currency, locale=locale)


def parse_percent(text: str, *, what: str = "a discount") -> int:
    """'12.5' or '12,5 %' -> 1250 basis points; blank is 0. The range is the caller's rule."""
    cleaned = text.strip(TRIM).rstrip("%").strip(TRIM).replace(",", ".") or "0"
    if not _PERCENT.match(cleaned):
        if _MANY_DECIMALS.match(cleaned):
            raise InvalidInput(f"{what} has at most two decimals")
        raise InvalidInput(f"{shorten(text.strip(), 20)} is not a percentage like 10 or 12.5")
    return int(Decimal(cleaned) * BP_PER_PERCENT)


def percent_text(bp: int) -> str:
    """1250 -> '12.5 %', 1000 -> '10 %'."""
    text = f"{Decimal(bp) / BP_PER_PERCENT:f}"
    if "." in text:  # only decimals lose their trailing zeros: 20 % stays 20 %
        text = text.rstrip("0").rstrip(".")
    return text + " %"
