"""The window's scheduled backup (issue 12): the Backups settings page (manager only, saved
through the settings service), and the timer that makes the day's backup on a worker when
it is due, keeps the newest N, and says a failure (the folder gone, the disk full) in one
line to the manager while changing nothing. A hand clock and a short interval: no sleeps."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backoffice_support import shown
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import BackupSettings, Settings, ShopSettings, load_settings, save_settings
from app.db import backup
from app.db.uow import Store
from app.ui.main_window import MainWindow
from app.ui.scheduled_backup import ScheduledBackups
from app.ui.settings.backup_page import BackupPage
from app.users.roles import Actor
from app.users.services import actor_by_name

START = datetime(2026, 12, 1, 20, 30, 0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def _config(tmp_path: Path, folder: Path, *, keep: int = 2, enabled: bool = True) -> Path:
    config = tmp_path / "settings.toml"
    save_settings(Settings(backup=BackupSettings(enabled=enabled, folder=str(folder), keep=keep)),
                  config)  # fmt: skip
    return config


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _scheduler(qtbot: QtBot, store: Store, config: Path, clock: Clock) -> ScheduledBackups:
    scheduler = ScheduledBackups(store, config_file=config, clock=clock, interval_ms=20)
    reports: list[tuple[str, bool]] = []
    scheduler.reported.connect(lambda text, failed: reports.append((text, failed)))
    scheduler.reports = reports  # type: ignore[attr-defined]
    return scheduler


def test_the_timer_makes_the_days_backup_when_due_and_keeps_the_newest(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    clock = Clock()
    scheduler = _scheduler(qtbot, demo_store, _config(tmp_path, folder, keep=2), clock)
    scheduler.start()
    qtbot.waitUntil(lambda: len(_names(folder)) == 1)
    for _ in range(5):  # the timer keeps looking: not due again within the day
        qtbot.wait(30)
    settle(qtbot)
    assert _names(folder) == ["serialpos-20261201-203000.sqlite3"]
    for day in (2, 3, 4):
        clock.now = START.replace(day=day) + timedelta(minutes=5)
        qtbot.waitUntil(lambda d=day: f"serialpos-202612{d:02d}-203500.sqlite3" in _names(folder))
    settle(qtbot)
    scheduler.stop()
    assert _names(folder) == ["serialpos-20261203-203500.sqlite3",
                              "serialpos-20261204-203500.sqlite3"]  # fmt: skip
    backup.check_backup(folder / "serialpos-20261204-203500.sqlite3")  # a whole store
    assert scheduler.problem == "" and not any(failed for _, failed in scheduler.reports)


def test_nothing_is_made_while_scheduled_backups_are_off(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    scheduler = _scheduler(qtbot, demo_store, _config(tmp_path, folder, enabled=False), Clock())
    scheduler.look()
    settle(qtbot)
    assert _names(folder) == [] and scheduler.reports == []


def test_a_folder_gone_with_its_drive_is_one_line_and_nothing_is_made(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    gone = tmp_path / "usb" / "backups"
    scheduler = _scheduler(qtbot, demo_store, _config(tmp_path, gone), Clock())
    scheduler.look()
    settle(qtbot)
    assert scheduler.reports == [(
        f"Scheduled backup failed: backup folder '{gone}' is not there"
        " (is its drive plugged in?)", True)]  # fmt: skip
    assert not (tmp_path / "usb").exists()  # not made on the till's own disk


def test_a_full_disk_is_one_line_and_the_older_backups_stay(
    qtbot: QtBot, demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    clock = Clock()
    scheduler = _scheduler(qtbot, demo_store, _config(tmp_path, folder, keep=2), clock)
    for day in (1, 2):
        clock.now = START.replace(day=day)
        scheduler.look()
        settle(qtbot)
    before = {name: (folder / name).read_bytes() for name in _names(folder)}
    assert len(before) == 2

    def disk_full(_store: Store, part: Path) -> None:
        part.write_bytes(b"half a page")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(backup, "_sqlite_backup", disk_full)
    clock.now = START.replace(day=3)
    scheduler.look()
    settle(qtbot)
    text, failed = scheduler.reports[-1]
    assert failed and text.startswith("Scheduled backup failed: cannot write ")
    assert text.endswith("database or disk is full") and "\n" not in text
    assert {name: (folder / name).read_bytes() for name in _names(folder)} == before


def test_the_manager_sees_a_failed_backup_in_the_window_and_a_cashier_does_not(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("SERIALPOS_CONFIG", str(_config(tmp_path, tmp_path / "gone")))
    window = MainWindow(demo_store, ShopSettings())
    qtbot.addWidget(window)
    window.log_in(actor_by_name(demo_store, "cashier"))
    window.backups.look()
    settle(qtbot)
    assert window.backups.problem.startswith("Scheduled backup failed: backup folder")
    assert "backup" not in window.problem_label.text()
    window.lock()
    window.log_in(demo_manager)  # said again to the manager when they log in
    settle(qtbot)
    assert window.problem_label.text() == window.backups.problem


def test_the_backups_page_saves_through_the_settings_service(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    config = tmp_path / "settings.toml"
    save_settings(Settings(shop=replace(ShopSettings(), name="Kept Shop")), config)
    folder = tmp_path / "backups"
    page = BackupPage(config_file=config)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    page.enabled_box.setChecked(True)
    page.folder_edit.setText(str(folder))
    page.keep_spin.setValue(14)
    page.save()
    settle(qtbot)
    assert "Not saved: folder" in page.message.message and "does not exist" in page.message.message
    assert load_settings(config).backup == BackupSettings()  # nothing written
    folder.mkdir()
    page.save()
    settle(qtbot)
    saved = load_settings(config)
    assert saved.backup == BackupSettings(enabled=True, folder=str(folder), keep=14)
    assert saved.shop.name == "Kept Shop"  # the rest of the file kept
    page.folder_edit.setText("relative/folder")
    page.save()
    settle(qtbot)
    assert page.message.message == (
        "Not saved: The backup folder must be a full path, not 'relative/folder'"
    )
    page.folder_edit.clear()
    page.save()
    settle(qtbot)
    assert page.message.message == "Not saved: Choose the folder the backups go to"
    assert load_settings(config).backup.keep == 14


def test_a_cashier_sees_the_backups_page_read_only(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    config = tmp_path / "settings.toml"
    page = BackupPage(config_file=config)
    shown(qtbot, page)
    page.set_actor(actor_by_name(demo_store, "cashier"))
    assert not page.enabled_box.isEnabled() and not page.save_button.isEnabled()
    page.save()
    settle(qtbot)
    assert not config.exists() and page.message.message == "Only a manager can change the backups."
