"""The two starts `make dist` runs on the built app, here in-process on the source tree:
`serialpos --version` and `serialpos gui --smoke` (open the store and window, then exit)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app import __version__, cli
from app.db.uow import open_store
from app.ui.main_window import MainWindow
from app.users.services import has_users


@pytest.fixture(autouse=True)
def _isolated(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    monkeypatch.setenv("SERIALPOS_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    style, sheet = qapp.style().name(), qapp.styleSheet()
    yield
    qapp.setStyle(style)
    qapp.setStyleSheet(sheet)


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"serialpos {__version__}"
    assert __version__[0].isdigit()


def test_gui_smoke_creates_the_demo_store_shows_the_window_and_exits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'smoke.sqlite3'}"
    assert cli.main(["--db", url, "gui", "--smoke"]) == 0
    assert "smoke test passed" in capsys.readouterr().out
    store = open_store(url)
    try:
        assert has_users(store)  # created, migrated, demo data in
    finally:
        store.dispose()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def test_gui_smoke_fails_when_the_store_cannot_be_opened(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert cli.main(["--db", f"sqlite:///{blocker / 'smoke.sqlite3'}", "gui", "--smoke"]) == 2
    assert "cannot open the store" in capsys.readouterr().err
