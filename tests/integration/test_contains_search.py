"""'contains' search on serials and asset tags: the index (SQLite FTS5 trigram kept by
triggers, pg_trgm on PostgreSQL) answers exactly what a LIKE walk would, through receive,
transfer, edit and delete, and migration 0009 builds it for a store that has units."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text, update

from app.db.migrate import run_migration, upgrade_to_head
from app.db.uow import Store, open_store, sqlite_url
from app.stock import contains, queries
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.models import SerialUnit
from app.stock.moves import transfer_units
from app.stock.queries import UnitFilter
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import SerialEntry
from app.users.roles import Actor

NEEDLES = ("abc", "ABC", "c-1", "tag", "TAG-9", "zz", "b", "xyz", "9", "-00", 'a"b', "%_")


def _shop(store: Store, manager: Actor) -> None:
    create_location(store, manager, name="Front")
    create_location(store, manager, name="Back")
    create_item(
        store, manager, sku="PHONE", values=ItemFields(name="Phone", price=100, serialized=True)
    )
    entries = [
        SerialEntry("ABC-100", "TAG-900"),
        SerialEntry("xabc-2", None),
        SerialEntry("QQ-001", "tag-91"),
        SerialEntry("zz-3", 'a"b'),
        SerialEntry("100%_x", None),
    ]
    receive_serials(
        store, manager, Receiving(sku="PHONE", location="Front"), entries, method="list"
    )


def _found(store: Store, actor: Actor, needle: str) -> list[str]:
    return [u.serial for u in queries.list_units(store, actor, UnitFilter(search=needle)).units]


def _walked(store: Store, needle: str) -> list[str]:
    """The answer without any index: every unit tested in Python."""
    key = needle.strip().lower()
    with store.read() as session:
        rows = session.execute(
            text("SELECT serial, serial_key, asset_tag FROM serial_units ORDER BY serial_key, id")
        ).all()
    return [s for s, k, tag in rows if key in k or key in (tag or "").lower()]


def _check(store: Store, actor: Actor) -> None:
    for needle in NEEDLES:
        assert _found(store, actor, needle) == _walked(store, needle), needle
    if store.is_sqlite:  # FTS5 compares its index with the units table itself
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO serial_units_search (serial_units_search, rank)"
                " VALUES ('integrity-check', 1)"
            )


def test_index_follows_receive_transfer_edit_and_delete(store: Store, manager: Actor) -> None:
    _shop(store, manager)
    _check(store, manager)
    assert _found(store, manager, "abc") == ["ABC-100", "xabc-2"]
    assert _found(store, manager, "tag-9") == ["ABC-100", "QQ-001"]

    transfer_units(store, manager, ["ABC-100"], to_location="Back")
    _check(store, manager)
    assert _found(store, manager, "abc") == ["ABC-100", "xabc-2"]

    with store.write() as session:  # an asset tag edited, one removed, a serial corrected
        session.execute(
            update(SerialUnit).where(SerialUnit.serial == "QQ-001").values(asset_tag="NEW-77")
        )
        session.execute(
            update(SerialUnit).where(SerialUnit.serial == "ABC-100").values(asset_tag=None)
        )
        session.execute(
            update(SerialUnit)
            .where(SerialUnit.serial == "xabc-2")
            .values(serial="XYZ-2", serial_key="xyz-2")
        )
    _check(store, manager)
    assert _found(store, manager, "tag-9") == []
    assert _found(store, manager, "new-7") == ["QQ-001"]
    assert _found(store, manager, "abc") == ["ABC-100"]

    with store.write() as session:
        session.execute(text("DELETE FROM movements"))
        session.execute(text("DELETE FROM serial_units WHERE serial = 'ABC-100'"))
    _check(store, manager)
    assert _found(store, manager, "abc") == []


def test_contains_pages_by_key(store: Store, manager: Actor) -> None:
    _shop(store, manager)
    entries = [SerialEntry(f"PG-{n:03d}-abc") for n in range(30)]
    receive_serials(
        store, manager, Receiving(sku="PHONE", location="Front"), entries, method="list"
    )
    seen: list[str] = []
    after = None
    while True:
        f = UnitFilter(search="-abc", status="in_stock")
        page = queries.list_units(store, manager, f, limit=7, after=after)
        seen += [u.serial for u in page.units]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [e.serial for e in entries]


def test_common_needles_walk_the_key_order(
    store: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above DENSE_MATCHES matches the page comes from the LIKE walk: the same answer."""
    _shop(store, manager)
    monkeypatch.setattr(contains, "DENSE_MATCHES", 2)
    for needle in NEEDLES:
        assert _found(store, manager, needle) == _walked(store, needle), needle


def test_migration_builds_the_index_for_units_already_there(tmp_path: Path, manager: Actor) -> None:
    store = open_store(sqlite_url(tmp_path / "old.sqlite3"), migrate=False)
    try:
        run_migration(store.engine, lambda cfg: command.upgrade(cfg, "0005"))
        with store.engine.begin() as conn:  # a store of 0005 with two units
            conn.exec_driver_sql(
                "INSERT INTO items (id, sku, name, price, cost, tax_rate_bp, serialized, active,"
                " warranty_days, serial_prefix, serial_digits, serial_random, serial_next,"
                " created_at) VALUES (1, 'OLD', 'Old', 100, 0, 0, 1, 1, 0, '', 6, 0, 1,"
                " '2026-01-01 00:00:00')"
            )
            for n, (serial, tag) in enumerate((("OLD-abc-1", None), ("OLD-2", "TAG-abc")), 1):
                conn.exec_driver_sql(
                    "INSERT INTO serial_units (id, item_id, serial, serial_key, asset_tag,"
                    " status, cost, received_at) VALUES (?, 1, ?, ?, ?, 'in_stock', 0,"
                    " '2026-01-01 00:00:00')",
                    (n, serial, serial.lower(), tag),
                )
        upgrade_to_head(store.engine)
        with store.engine.connect() as conn:
            found = conn.exec_driver_sql(
                "SELECT rowid FROM serial_units_search WHERE serial_units_search MATCH '\"abc\"'"
                " ORDER BY rowid"
            ).all()
        assert [r[0] for r in found] == [1, 2]
    finally:
        store.dispose()


def _paged(store: Store, actor: Actor, f: UnitFilter, limit: int) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        page = queries.list_units(store, actor, f, limit=limit, after=after)
        seen += [u.serial for u in page.units]
        if page.next_after is None:
            return seen
        after = page.next_after


def _index_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The needles the trigram index (or the LIKE walk) is asked about from now on."""
    asked: list[str] = []

    def index(session: object, needle: str) -> object:
        asked.append(needle)
        return contains.contains(session, needle)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "contains", index)
    return asked


@pytest.mark.parametrize("window", [1, 2, 4, 5_000])
def test_a_page_from_the_window_is_the_page_the_index_gives(
    store: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """A page is first looked for in the next `WINDOW` units in key order; whether it is
    found there or the index answers, every page is the one a walk through all units
    gives, with other filters, a prefix and page after page."""
    _shop(store, manager)
    back = [SerialEntry(f"ABC-{n}", f"TAG-{n}" if n % 3 else None) for n in range(101, 109)]
    back += [SerialEntry(f"SCR-{n}", f"ÉCRAN-{n}") for n in range(3)]  # case beyond ASCII
    receive_serials(store, manager, Receiving(sku="PHONE", location="Back"), back, method="list")
    in_back_serials = {entry.serial for entry in back}
    monkeypatch.setattr(queries, "WINDOW", window)
    for needle in (*NEEDLES, "écr", "ÉCR"):
        for limit in (1, 2, 3):
            found = _paged(store, manager, UnitFilter(search=needle), limit)
            assert found == _walked(store, needle), (needle, limit)
        in_back = _paged(store, manager, UnitFilter(search=needle, location="Back"), 2)
        assert in_back == [s for s in _walked(store, needle) if s in in_back_serials]
        by_prefix = _paged(store, manager, UnitFilter(search=needle, prefix="abc-10"), 2)
        assert by_prefix == [s for s in _walked(store, needle) if s.lower().startswith("abc-10")]


def test_a_common_needle_is_answered_from_the_window(
    store: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches in the window than the page shows: the index is not asked."""
    _shop(store, manager)
    asked = _index_asked(monkeypatch)
    page = queries.list_units(store, manager, UnitFilter(search="ABC"), limit=1)
    assert [u.serial for u in page.units] == ["ABC-100"]
    assert page.next_after is not None
    if store.is_sqlite:
        assert asked == []  # from the window
    queries.list_units(store, manager, UnitFilter(search="ABC"), limit=5)
    assert asked[-1:] == ["abc"]  # two matches, a page of five: the index answers


def test_a_window_page_holds_the_units_matched_by_their_asset_tag(
    store: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window is chosen by its serial keys, but its page holds a unit whose asset tag
    matches, before them in key order."""
    _shop(store, manager)
    receive_serials(
        store,
        manager,
        Receiving(sku="PHONE", location="Front"),
        [SerialEntry("AAA-1", "xx-ABC-tag"), SerialEntry("ABC-200")],
        method="list",
    )
    asked = _index_asked(monkeypatch)
    page = queries.list_units(store, manager, UnitFilter(search="abc"), limit=2)
    assert [u.serial for u in page.units] == ["AAA-1", "ABC-100"]
    if store.is_sqlite:
        assert asked == []  # from the window, the index not asked
