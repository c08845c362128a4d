"""The till as the services see it, from the shop's settings; percentages as the shop types them."""

from __future__ import annotations

from app.config import ShopSettings
from app.money import BP_PER_PERCENT
from app.pos.checkout import Till, needs_approval
from app.users.roles import Actor


def till_of(shop: ShopSettings) -> Till:
    """This counter's till: its name, the stock it sells from, the tax rule, the discount limit."""
    return Till(
        name=shop.till,
        location=shop.till_location,
        prices_include_tax=shop.prices_include_tax,
        discount_limit_bp=shop.manager_discount_percent * BP_PER_PERCENT,
    )


def needs_manager(actor: Actor, till: Till, discounts_bp: list[int]) -> bool:
    """Whether to ask for a manager's PIN before the sale goes to the service (the
    service's own rule, asked up front rather than after a refused payment)."""
    return needs_approval(actor, till, discounts_bp)
