"""Only a manager changes the settings file (devices, printers), whatever the screen allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings, load_settings
from app.errors import PermissionDenied
from app.users.roles import Actor, Role
from app.users.settings import save_settings_as


def test_a_manager_saves_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings_as(Actor(1, "anna", Role.MANAGER), Settings(label_size="58mm"), path)
    assert load_settings(path).label_size == "58mm"


@pytest.mark.parametrize("role", [Role.CASHIER, Role.SERVICE, Role.BACK_OFFICE])
def test_others_cannot_change_the_settings_file(tmp_path: Path, role: Role) -> None:
    path = tmp_path / "settings.toml"
    with pytest.raises(PermissionDenied, match="may not manage devices"):
        save_settings_as(Actor(2, "tom", role), Settings(label_size="58mm"), path)
    assert not path.exists()


def test_the_scheduled_backup_setting_round_trips_and_is_checked(tmp_path: Path) -> None:
    from app.config import BackupSettings
    from app.errors import InvalidInput

    path = tmp_path / "settings.toml"
    wanted = BackupSettings(enabled=True, folder="/media/backup", keep=14)
    save_settings_as(Actor(1, "anna", Role.MANAGER), Settings(backup=wanted), path)
    assert load_settings(path).backup == wanted
    for table, problem in (
        ('keep = "7"', "settings [backup] keep must be int, not '7'"),
        ("keep = 0", "keep 1 to 365 backups, not 0"),
        ("enabled = true", "choose the folder the backups go to"),
        ('folder = "backups"', "the backup folder must be a full path, not 'backups'"),
    ):
        path.write_text(f"[backup]\n{table}\n", encoding="utf-8")
        with pytest.raises(InvalidInput) as refused:
            load_settings(path)
        assert refused.value.message == problem
