"""Changing the shop's settings file is a manager's job: checked here, not only in the view."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings, save_settings
from app.users.roles import Actor, Permission, require


def save_settings_as(actor: Actor, settings: Settings, path: Path | None = None) -> None:
    """Writes the settings file (atomically) if the acting user may manage devices."""
    require(actor, Permission.MANAGE_DEVICES)
    save_settings(settings, path)
