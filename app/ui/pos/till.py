"""The till as the services see it, from the shop's settings; percentages as the shop types them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.config import ShopSettings
from app.errors import InvalidInput
from app.pos.checkout import Till, needs_approval
from app.users.roles import Actor

BP_PER_PERCENT = 100


def till_of(shop: ShopSettings) -> Till:
    """This counter's till: its name, the stock it sells from, the tax rule, the discount limit."""
    return Till(
        name=shop.till,
        location=shop.till_location,
        prices_include_tax=shop.prices_include_tax,
        discount_limit_bp=shop.manager_discount_percent * BP_PER_PERCENT,
    )


def parse_percent(text: str) -> int:
    """'12.5' or '12,5 %' -> 1250 basis points. The range is the cart's to check."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned or "0")
    except InvalidOperation:
        raise InvalidInput(f"{text.strip()[:20]!r} is not a percentage like 10 or 12.5") from None
    bp = value * BP_PER_PERCENT
    if not bp.is_finite() or bp != bp.to_integral_value():
        raise InvalidInput("a discount has at most two decimals")
    return int(bp)


def percent_text(bp: int) -> str:
    """1250 -> '12.5 %', 1000 -> '10 %'."""
    return f"{Decimal(bp) / BP_PER_PERCENT:f}".rstrip("0").rstrip(".") + " %"


def needs_manager(actor: Actor, till: Till, discounts_bp: list[int]) -> bool:
    """Whether to ask for a manager's PIN before the sale goes to the service (the
    service's own rule, asked up front rather than after a refused payment)."""
    return needs_approval(actor, till, discounts_bp)
