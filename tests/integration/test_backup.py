"""Backups are consistent while a till sells, restores bring every table back, a bad
backup changes nothing, and only a manager may do either."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command

from app.db import backup
from app.db.migrate import current_revision, head_revision, run_migration
from app.db.uow import Store, open_store, sqlite_url
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.stock.items import ItemFields, create_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, generate_serials
from app.users import maintenance
from app.users.roles import Actor, Role
from app.users.services import add_user, create_first_manager
from tests.conftest import dump_tables

NOW = datetime(2026, 12, 1, 21, 0, 0)


def _shop(path: Path) -> tuple[Store, Actor]:
    store = open_store(sqlite_url(path))
    boss = create_first_manager(store, name="boss", pin="4321")
    create_location(store, boss, name="Front", sellable=True)
    values = ItemFields(
        name="Phone", price=49900, serialized=True, serial_prefix="P", serial_digits=5
    )
    create_item(store, boss, sku="PH1", values=values)
    generate_serials(store, boss, Receiving(sku="PH1", location="Front"), 20)
    return store, boss


def test_a_backup_is_owner_only_and_holds_every_table(tmp_path: Path) -> None:
    store, boss = _shop(tmp_path / "shop.sqlite3")
    made = maintenance.back_up(store, boss, tmp_path / "b.sqlite3")
    assert stat.S_IMODE(os.stat(made.path).st_mode) == 0o600
    copy = open_store(sqlite_url(made.path), migrate=False)
    try:
        before = {k: v for k, v in dump_tables(store).items() if k != "audit_log"}
        after = {k: v for k, v in dump_tables(copy).items() if k != "audit_log"}
        assert after == before
    finally:
        copy.dispose()
        store.dispose()


def test_a_backup_taken_while_a_till_receives_is_consistent(tmp_path: Path) -> None:
    store, boss = _shop(tmp_path / "shop.sqlite3")
    stop = threading.Event()

    def receive_in_a_loop() -> None:
        while not stop.is_set():
            generate_serials(store, boss, Receiving(sku="PH1", location="Front"), 50)

    till = threading.Thread(target=receive_in_a_loop)
    till.start()
    try:
        made = [maintenance.back_up(store, boss, tmp_path / f"b{i}.sqlite3") for i in range(3)]
    finally:
        stop.set()
        till.join()
        store.dispose()
    for each in made:
        backup.check_backup(each.path)
        copy = open_store(sqlite_url(each.path), migrate=False)
        try:
            tables = dump_tables(copy)
            # Every unit arrived with its ledger row, or neither is in the backup.
            assert len(tables["serial_units"]) == len(tables["movements"])
        finally:
            copy.dispose()


def test_restore_brings_back_every_table_and_keeps_the_old_store(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    store, boss = _shop(path)
    maintenance.back_up(store, boss, tmp_path / "b.sqlite3")
    saved = dump_tables(store)
    generate_serials(store, boss, Receiving(sku="PH1", location="Front"), 5)  # after backup
    done = maintenance.restore(store, boss, tmp_path / "b.sqlite3", now=NOW)
    assert done.old_store_kept_at is not None and done.old_store_kept_at.exists()
    reopened = open_store(sqlite_url(path))
    try:
        restored = dump_tables(reopened)
        assert restored["serial_units"] == saved["serial_units"]
        assert restored["movements"] == saved["movements"]
    finally:
        reopened.dispose()


def test_restoring_an_older_backup_migrates_it(tmp_path: Path) -> None:
    old_path = tmp_path / "old.sqlite3"
    old, _boss = _shop(old_path)
    old.dispose()
    older = open_store(sqlite_url(old_path), migrate=False)
    run_migration(older.engine, lambda cfg: command.downgrade(cfg, "0002"))
    assert current_revision(older.engine) == "0002"
    older.dispose()
    store, manager = _shop(tmp_path / "shop.sqlite3")
    maintenance.restore(store, manager, old_path, now=NOW)
    reopened = open_store(sqlite_url(tmp_path / "shop.sqlite3"))
    try:
        assert current_revision(reopened.engine) == head_revision()
        assert len(dump_tables(reopened)["serial_units"]) == 20
    finally:
        reopened.dispose()


def test_a_file_that_is_not_a_backup_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite3"
    store, boss = _shop(path)
    before = dump_tables(store)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InvalidInput, match="not a SerialPOS backup"):
        maintenance.restore(store, boss, junk, now=NOW)
    assert dump_tables(store) == before
    store.dispose()


def test_only_a_manager_backs_up_or_restores(tmp_path: Path) -> None:
    store, boss = _shop(tmp_path / "shop.sqlite3")
    clerk = add_user(store, boss, name="tom", role=Role.BACK_OFFICE, pin="5555")
    with pytest.raises(PermissionDenied):
        maintenance.back_up(store, clerk, tmp_path / "b.sqlite3")
    assert not (tmp_path / "b.sqlite3").exists()
    with pytest.raises(PermissionDenied):
        maintenance.restore(store, clerk, tmp_path / "shop.sqlite3", now=NOW)
    store.dispose()


def test_scheduled_backups_keep_the_newest(tmp_path: Path) -> None:
    store, _boss = _shop(tmp_path / "shop.sqlite3")
    folder = tmp_path / "backups"
    assert backup.backup_due(folder, NOW)
    folder.mkdir()
    (folder / "notes.txt").write_text("the shop's own file")
    for day in range(1, 6):
        backup.scheduled_backup(store, folder, keep=3, now=NOW.replace(day=day))
    kept = backup.scheduled_backups(folder)
    assert [p.name for p in kept] == [f"serialpos-202612{d:02d}-210000.sqlite3" for d in (3, 4, 5)]
    assert not backup.backup_due(folder, NOW.replace(day=5, hour=23))
    assert backup.backup_due(folder, NOW.replace(day=6, hour=22))
    assert (folder / "notes.txt").exists()  # only its own backups are pruned
    store.dispose()


def test_a_scheduled_backup_into_a_folder_that_is_gone_makes_nothing(tmp_path: Path) -> None:
    store, _boss = _shop(tmp_path / "shop.sqlite3")
    gone = tmp_path / "usb" / "backups"  # the drive is not plugged in
    with pytest.raises(NotFound, match="is not there"):
        backup.scheduled_backup(store, gone, keep=3, now=NOW)
    assert not (tmp_path / "usb").exists()
    store.dispose()


def test_a_scheduled_backup_on_a_full_disk_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    store, _boss = _shop(tmp_path / "shop.sqlite3")
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in (1, 2, 3):
        backup.scheduled_backup(store, folder, keep=3, now=NOW.replace(day=day))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def full(_store: Store, part: Path) -> None:
        part.write_bytes(b"SQLite format 3\0 half")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_sqlite_backup", full)
    with pytest.raises(InvalidInput) as refused:
        backup.scheduled_backup(store, folder, keep=3, now=NOW.replace(day=4))
    assert refused.value.message.endswith(": database or disk is full")
    assert "\n" not in refused.value.message
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # none pruned
    store.dispose()


def test_a_store_with_refunds_migrates_across_table_rebuilds(tmp_path: Path) -> None:
    from app.db.migrate import upgrade_to_head
    from app.pos.cart import TenderInput, TenderKind
    from app.pos.checkout import Checkout, Till, complete_sale
    from app.pos.refunds import RefundLineRequest, RefundRequest, refund_sale
    from app.scan import AddLine, resolve_scan, sale_step

    path = tmp_path / "shop.sqlite3"
    store, boss = _shop(path)
    step = sale_step(resolve_scan(store, boss, "P00001", location="Front"), location="Front")
    assert isinstance(step, AddLine)
    till = Till("TILL-1", "Front")
    sale = complete_sale(
        store, boss, till, Checkout((step.line,), (TenderInput(TenderKind.CASH, 49900),))
    )
    request = RefundRequest(sale.number, (RefundLineRequest(sale.lines[0].id, 1),), "faulty",
                            "defective")  # fmt: skip
    refund_sale(store, boss, till, request, approver=None)
    before = dump_tables(store)
    # Down past the migration that rebuilt sale_lines (refund lines point at it), and up.
    run_migration(store.engine, lambda cfg: command.downgrade(cfg, "0003"))
    upgrade_to_head(store.engine)
    after = dump_tables(store)
    assert after["refund_lines"] == before["refund_lines"]
    assert len(after["sale_lines"]) == len(before["sale_lines"])
    store.dispose()


def test_a_postgresql_stores_dumps_count_among_the_scheduled_backups(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("serialpos-20261202-210000.pgdump", "serialpos-20261201-210000.sqlite3",
                 "serialpos-20261203-210000.sqlite3.part", "other.pgdump"):  # fmt: skip
        (folder / name).write_bytes(b"x")
    assert [p.name for p in backup.scheduled_backups(folder)] == [
        "serialpos-20261201-210000.sqlite3", "serialpos-20261202-210000.pgdump",
    ]  # fmt: skip
    assert not backup.backup_due(folder, NOW.replace(day=3, hour=20))
    assert backup.backup_due(folder, NOW.replace(day=3, hour=21))
