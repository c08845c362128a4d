"""The till as the services see it, from the shop's settings; percentages as the shop types them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from app.config import Settings, ShopSettings
from app.db.uow import Store
from app.errors import UserError
from app.money import BP_PER_PERCENT
from app.pos.checkout import Till, needs_approval
from app.stock.till_location import till_location_of
from app.ui.ops import Ops
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


def locate_till(
    ops: Ops,
    store: Store,
    till: Till,
    shop: ShopSettings,
    found: Callable[[Till], None],
    missing: Callable[[str], None],
) -> None:
    """At log-in: where this till sells from (the setting, else the store's only sellable
    location), on a worker. A till whose location is missing hears it now, with the fix,
    never first at payment."""

    def located(name: str) -> None:
        found(replace(till, location=name))

    def refused(error: UserError) -> None:
        missing(error.message)

    ops.run(
        lambda: till_location_of(store, Settings(shop=shop)),
        success=located,
        failure=refused,
        name="till location",
    )
