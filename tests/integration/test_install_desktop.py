"""`make install-desktop` (packaging/install-desktop.sh): the menu entry starts the named
binary by its absolute path, under XDG_DATA_HOME; the committed .desktop file is untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "install-desktop.sh"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _install(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    return subprocess.run(
        ["bash", str(SCRIPT), "--no-udev", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_installs_the_entry_with_the_binary_s_absolute_path_and_the_icon(tmp_path: Path) -> None:
    binary = tmp_path / "opt serialpos" / "serialpos"
    binary.parent.mkdir()
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    committed = (ROOT / "packaging" / "serialpos.desktop").read_text()

    result = _install(tmp_path, str(binary))

    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "data" / "applications" / "serialpos.desktop").read_text()
    assert f'Exec="{binary}" gui' in entry.splitlines()
    assert "Icon=serialpos" in entry.splitlines()
    icon = tmp_path / "data" / "icons" / "hicolor" / "scalable" / "apps" / "serialpos.svg"
    assert icon.read_bytes() == (ROOT / "resources" / "serialpos.svg").read_bytes()
    assert (ROOT / "packaging" / "serialpos.desktop").read_text() == committed


def test_a_missing_binary_is_refused(tmp_path: Path) -> None:
    result = _install(tmp_path, str(tmp_path / "nowhere" / "serialpos"))
    assert result.returncode == 1
    assert "no SerialPOS binary" in result.stderr
    assert not (tmp_path / "data" / "applications" / "serialpos.desktop").exists()
