"""The till as the services see it, from the shop's settings, and percentages as the shop
types them (where it sells from: app.ui.till_place)."""

from __future__ import annotations

from app.config import ShopSettings
from app.money import BP_PER_PERCENT
from app.pos.checkout import Till, needs_approval
from app.users.roles import Actor


def till_of(shop: ShopSettings, location: str | None = None) -> Till:
    """This counter's till: its name, the stock it sells from (`location`: the one found by
    app.stock.till_location at log-in; else the setting), the tax rule, the discount limit."""
    return Till(
        name=shop.till,
        location=location or shop.till_location,
        prices_include_tax=shop.prices_include_tax,
        discount_limit_bp=shop.manager_discount_percent * BP_PER_PERCENT,
    )


def needs_manager(actor: Actor, till: Till, discounts_bp: list[int]) -> bool:
    """Whether to ask for a manager's PIN before the sale goes to the service (the
    service's own rule, asked up front rather than after a refused payment)."""
    return needs_approval(actor, till, discounts_bp)
