"""What the device UI tests share: a settings file and spool under tmp_path, a quick print
queue, and the till's devices started over them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.config import Settings
from app.devices.print_jobs import RetryPolicy
from app.devices.print_queue import PrintQueue
from app.ui.shop_devices import ShopDevices

TIMEOUT_MS = 5000
# Tests wait for retries: short, exact back-off, and only two tries before "failed".
QUICK_RETRY = RetryPolicy(base_s=0.05, max_s=0.05, max_attempts=2, jitter=0.0)


def use_tmp_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """SERIALPOS_CONFIG and SERIALPOS_DATA_DIR under tmp_path; returns the settings file."""
    config = tmp_path / "config" / "settings.toml"
    monkeypatch.setenv("SERIALPOS_CONFIG", str(config))
    monkeypatch.setenv("SERIALPOS_DATA_DIR", str(tmp_path / "data"))
    return config


def quick_queue(tmp_path: Path, retry: RetryPolicy = QUICK_RETRY) -> PrintQueue:
    # No fsync: the spool's durability is the queue's own tests' business, not the UI's.
    return PrintQueue(tmp_path / "spool", retry=retry, fsync=False)


@contextmanager
def running_devices(
    settings: Settings, tmp_path: Path, retry: RetryPolicy = QUICK_RETRY
) -> Iterator[ShopDevices]:
    devices = ShopDevices(settings, queue=quick_queue(tmp_path, retry))
    devices.start()
    try:
        yield devices
    finally:
        devices.stop()
