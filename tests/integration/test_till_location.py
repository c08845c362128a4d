"""This till's selling location: checked against the store at log-in, with the fix."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.config import Settings, ShopSettings, load_settings, save_settings
from app.db.uow import Store
from app.errors import Conflict, InvalidInput
from app.stock.locations import create_location
from app.stock.till_location import check_till_location, till_location_of
from app.users.roles import Actor


def at(location: str) -> Settings:
    return Settings(shop=replace(ShopSettings(), till_location=location))


def test_a_named_location_that_is_not_in_the_store_is_reported_with_the_fix(
    store: Store, manager: Actor
) -> None:
    create_location(store, manager, name="Shop floor")
    assert check_till_location(store, at("Front store")) == (
        "this till sells from 'Front store', which is not a location in this store: "
        "set it in Settings (shop → till location) to one of: Shop floor"
    )
    with pytest.raises(Conflict, match="one of: Shop floor"):
        till_location_of(store, at("Front store"))


def test_a_location_that_does_not_sell_is_reported(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Workshop", sellable=False)
    create_location(store, manager, name="Front")
    problem = check_till_location(store, at("workshop"))
    assert problem is not None and "'workshop', which is not sellable" in problem


def test_the_named_location_is_the_tills(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    assert check_till_location(store, at("front")) is None
    assert till_location_of(store, at("front")) == "Front"


def test_no_setting_and_one_sellable_location_is_that_location(
    store: Store, manager: Actor
) -> None:
    create_location(store, manager, name="Shop floor")
    create_location(store, manager, name="Stockroom", sellable=False)
    assert till_location_of(store, at("")) == "Shop floor"
    create_location(store, manager, name="Kiosk")
    problem = check_till_location(store, at(""))
    assert problem is not None and "one of: Kiosk, Shop floor" in problem


def test_write_off_reasons_have_defaults_and_round_trip(tmp_path: Path) -> None:
    shop = ShopSettings()
    assert shop.write_off_reasons == ("damaged", "missing at count", "stolen", "obsolete", "other")
    path = tmp_path / "settings.toml"
    save_settings(Settings(shop=replace(shop, write_off_reasons=("broken", "lost"))), path)
    assert load_settings(path).shop.write_off_reasons == ("broken", "lost")
    path.write_text("[shop]\nwrite_off_reasons = []\n")
    with pytest.raises(InvalidInput, match="write_off_reasons"):
        load_settings(path)


def test_a_fresh_till_sells_from_the_stores_only_sellable_location(
    store: Store, manager: Actor
) -> None:
    """`serialpos init` and one location not named "Front store": the default till sells."""
    create_location(store, manager, name="Shop floor")
    assert ShopSettings().till_location == ""
    assert till_location_of(store, Settings()) == "Shop floor"
