"""app.db.head.HEAD is Alembic's head, and a store at head opens without Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.db.head import HEAD, stored_revision
from app.db.migrate import head_revision
from app.db.uow import open_store, sqlite_url


def test_head_constant_is_alembics_head() -> None:
    assert head_revision() == HEAD


def test_a_store_at_head_opens_without_importing_alembic(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "s.sqlite3")
    open_store(url).dispose()
    probe = (
        "import sys\nfrom app.db.uow import open_store\n"
        f"open_store({url!r}).dispose()\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_new_store_has_no_revision_until_migrated(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "new.sqlite3"), migrate=False)
    try:
        assert stored_revision(store.engine) is None
    finally:
        store.dispose()
