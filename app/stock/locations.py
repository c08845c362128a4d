"""Stock locations: add, rename, retire."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.uow import Store, record
from app.errors import Conflict
from app.stock.events import LocationsChanged
from app.stock.lookups import get_location, location_record
from app.stock.models import (
    Location,
    SerialUnit,
    StockLevel,
)
from app.stock.records import LocationRecord
from app.text import clean_text
from app.users import audit
from app.users.roles import Actor, Permission, require


def create_location(
    store: Store, actor: Actor, *, name: str, sellable: bool = True
) -> LocationRecord:
    """Adds a stock location (a shop floor, a back room, a van)."""
    require(actor, Permission.EDIT_LOCATIONS)
    name = clean_text(name, field="location name", max_length=64)
    with store.write() as session:
        if session.scalar(select(Location.id).where(func.lower(Location.name) == name.lower())):
            raise Conflict(f"location {name!r} already exists")
        location = Location(name=name, sellable=sellable, active=True)
        session.add(location)
        session.flush()
        audit.record(session, actor, "location.create", name)
        record(session, LocationsChanged(location.name))
        return location_record(location)


def edit_location(
    store: Store,
    actor: Actor,
    name: str,
    *,
    new_name: str | None = None,
    sellable: bool | None = None,
) -> LocationRecord:
    """Renames a location or changes whether its stock may be sold."""
    require(actor, Permission.EDIT_LOCATIONS)
    with store.write() as session:
        location = get_location(session, name, active=False)
        if new_name is not None:
            new_name = clean_text(new_name, field="location name", max_length=64)
            clash = session.scalar(
                select(Location.id).where(
                    func.lower(Location.name) == new_name.lower(), Location.id != location.id
                )
            )
            if clash:
                raise Conflict(f"location {new_name!r} already exists")
            location.name = new_name
        if sellable is not None:
            location.sellable = sellable
        audit.record(session, actor, "location.edit", location.name)
        record(session, LocationsChanged(location.name))
        return location_record(location)


def deactivate_location(store: Store, actor: Actor, name: str) -> LocationRecord:
    """Retires a location; refused while any stock is there."""
    require(actor, Permission.EDIT_LOCATIONS)
    with store.write() as session:
        location = get_location(session, name, active=False)
        units = session.scalar(
            select(func.count())
            .select_from(SerialUnit)
            .where(SerialUnit.location_id == location.id)
        )
        bulk = session.scalar(
            select(func.sum(StockLevel.qty)).where(StockLevel.location_id == location.id)
        )
        if units or bulk:
            raise Conflict(f"{location.name} still holds stock; transfer it first")
        location.active = False
        audit.record(session, actor, "location.deactivate", location.name)
        record(session, LocationsChanged(location.name))
        return location_record(location)
