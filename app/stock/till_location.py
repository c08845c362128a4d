"""Which location this till sells from: the setting, checked against the store's
locations, so a wrong one is said at log-in with its fix, never first at payment."""

from __future__ import annotations

from sqlalchemy import func, select

from app.config import Settings
from app.db.uow import Store
from app.errors import Conflict
from app.stock.models import Location


def sellable_locations(store: Store) -> list[str]:
    """The active locations a till may sell from, by name."""
    return _sellable(store)


def _sellable(store: Store) -> list[str]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Location.name)
                .where(Location.sellable, Location.active)
                .order_by(Location.name)
            )
        )


def _fix(names: list[str]) -> str:
    choices = ", ".join(names) if names else "(none yet: add a sellable location first)"
    return f"set it in Settings (shop → till location) to one of: {choices}"


def check_till_location(store: Store, settings: Settings) -> str | None:
    """None if this till's selling location is usable, else one line saying what is wrong
    and how to fix it — shown at log-in, never first at payment."""
    names = _sellable(store)
    wanted = settings.shop.till_location.strip()
    if not wanted:
        if len(names) == 1:
            return None
        return f"this till has no selling location and the store has {len(names)}: {_fix(names)}"
    if wanted.lower() in (n.lower() for n in names):
        return None
    what = "not a location in this store" if not _exists(store, wanted) else "not sellable"
    return f"this till sells from {wanted!r}, which is {what}: {_fix(names)}"


def _exists(store: Store, name: str) -> bool:
    with store.read() as session:
        found = session.scalar(select(Location.id).where(func.lower(Location.name) == name.lower()))
        return found is not None


def till_location_of(store: Store, settings: Settings) -> str:
    """The location this till sells from: the setting, or when it is empty the store's one
    sellable location. Conflict (the same line as check_till_location) otherwise."""
    problem = check_till_location(store, settings)
    if problem:
        raise Conflict(problem)
    wanted = settings.shop.till_location.strip()
    names = _sellable(store)
    if not wanted:
        return names[0]
    return next(n for n in names if n.lower() == wanted.lower())
