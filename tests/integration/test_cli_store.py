"""The store from the command line: busy, full, read-only — one line each; backup and
restore; the print spool; label files for another printer."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from app.db import engine as engine_module
from app.db import uow
from tests.integration.test_cli import Shop


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "store.sqlite3", capsys)
    assert s("init", "--manager", "boss", new_pin="4321", user=None)[0] == 0
    for args in (
        ("location", "add", "Front"),
        ("item", "add", "PH1", "Phone", "--price", "499", "--serialized"),
    ):
        code, _, err = s(*args)
        assert code == 0, err
    return s


def test_the_store_file_is_owner_only(shop: Shop) -> None:
    assert shop.path.stat().st_mode & 0o777 == 0o600
    assert shop.path.parent.exists()


def test_a_write_lock_held_past_the_busy_timeout_is_one_line(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(shop.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = shop("location", "add", "Back")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 2 and err == "serialpos: the store is busy; try again\n"


def test_a_full_disk_mid_receive_is_one_line_and_saves_nothing(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = uow.make_engine

    def small_disk(url: str, **options: Any) -> Engine:
        engine = real(url, **options)

        @event.listens_for(engine, "connect")
        def _cap(dbapi_conn: Any, _record: Any) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 8}")

        return engine

    monkeypatch.setattr(uow, "make_engine", small_disk)
    before = shop.tables()
    code, _, err = shop("receive", "PH1", "--location", "Front", "--range", "A00001...A05000")
    assert code == 2 and err.count("\n") == 1 and "disk is full" in err, err
    monkeypatch.undo()
    assert shop.tables() == before


def test_a_read_only_store_opens_for_reading(shop: Shop) -> None:
    shop.path.chmod(stat.S_IRUSR)
    try:
        code, out, err = shop("location", "list")
        assert code == 0 and "Front" in out, err
        code, _, err = shop("location", "add", "Back")
        assert code == 2
        assert err == "serialpos: the store is read-only here; only reading commands work\n"
    finally:
        shop.path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_postgresql_till_work_has_lock_and_statement_timeouts() -> None:
    from sqlalchemy.engine import make_url

    options = engine_module._server_options(make_url("postgresql://u@127.0.0.1/shop"))
    assert "lock_timeout=" in options["connect_args"]["options"]
    assert "statement_timeout=" in options["connect_args"]["options"]
    assert engine_module.store_trouble(_Pg("55P03")) == ("the store is busy; try again")


class _Pg(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("canceling statement due to lock timeout")
        self.orig = self
        self.sqlstate = sqlstate


def test_backup_and_restore_from_the_command_line(shop: Shop, tmp_path: Path) -> None:
    backup = tmp_path / "backup.sqlite3"
    code, out, err = shop("backup", str(backup))
    assert code == 0 and "backed up the store" in out, err
    assert shop("location", "add", "After")[0] == 0
    code, _, err = shop("restore", str(backup))  # no terminal to confirm on, no --yes
    assert code == 2 and "--yes" in err
    code, out, err = shop("restore", str(backup), "--yes")
    assert code == 0 and "restored the store" in out, err
    names = [loc["name"] for loc in shop.json("location", "list")]
    assert "Front" in names and "After" not in names


def test_print_jobs_from_the_command_line(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERIALPOS_DATA_DIR", str(tmp_path / "data"))
    assert shop.json("print-jobs") == []
    code, out, _ = shop("print-jobs")
    assert code == 0 and out.startswith("ID")
    shop.refused("print-jobs", "retry", match="give a job ID or --all")
    shop.refused("print-jobs", "cancel", "nope", match="no print job 'nope'")
    code, out, err = shop("print-jobs", "retry", "--all")
    assert code == 0 and "no print job to retry" in out, err


def test_label_files_for_another_printer(shop: Shop, tmp_path: Path) -> None:
    serial = "L1234567890ABCDEF"  # fits an 80 mm roll at 2 dots a bar, not a 58 mm one
    assert shop("receive", "PH1", "--location", "Front", "--serials", serial)[0] == 0
    wide, narrow = tmp_path / "80.bin", tmp_path / "58.bin"
    assert shop("labels", "PH1", "--serials", serial, "--out", str(wide))[0] == 0
    assert wide.read_bytes().startswith(b"\x1b@")
    code, _, err = shop("labels", "PH1", "--serials", serial, "--out", str(narrow),
                        "--width", "58")  # fmt: skip
    assert code == 2 and "too long for a 58mm label" in err, err
    code, _, err = shop("labels", "PH1", "--serials", serial, "--out", str(narrow),
                        "--profile", "NoSuchPrinter")  # fmt: skip
    assert code == 2 and err.count("\n") == 1, err
    assert not narrow.exists()
