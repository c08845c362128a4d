"""Which location this till sells from: the setting, checked against the store's
locations, so a wrong one is said at log-in with its fix, never first at payment."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, column, func, select, table

from app.config import Settings
from app.db.uow import Store
from app.errors import Conflict

# The locations table's few columns read here, as a plain Core table: the window checks
# the till's location at log-in, before the ORM models are imported (app.stock.models'
# Location is the same table; tests/unit/test_light_tables.py keeps them alike).
LOCATIONS = table(
    "locations",
    column("id", Integer),
    column("name", String),
    column("sellable", Boolean),
    column("active", Boolean),
)


def sellable_locations(store: Store) -> list[str]:
    """The active locations a till may sell from, by name."""
    return _sellable(store)


def _sellable(store: Store) -> list[str]:
    with store.read() as session:
        return list(
            session.scalars(
                select(LOCATIONS.c.name)
                .where(LOCATIONS.c.sellable, LOCATIONS.c.active)
                .order_by(LOCATIONS.c.name)
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
        found = session.scalar(
            select(LOCATIONS.c.id).where(func.lower(LOCATIONS.c.name) == name.lower())
        )
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
