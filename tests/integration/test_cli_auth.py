"""The command line proves who is acting: a PIN (terminal or SERIALPOS_PIN) or a login
session; approval PINs never on the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.uow import open_store
from app.users.models import AuditEntry, User
from tests.integration.test_cli import Shop


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "auth.sqlite3", capsys)
    assert s("init", "--manager", "boss", "--pin", "4321", user=None)[0] == 0
    assert s("user", "add", "anna", "--role", "cashier", "--pin", "1212")[0] == 0
    assert s("location", "add", "Front")[0] == 0
    return s


def test_as_user_needs_their_pin(shop: Shop) -> None:
    code, _, err = shop("--as", "anna", "user", "add", "mallory", "--role", "manager",
                        "--pin", "6666", user=None, pin="")  # fmt: skip
    assert code == 2 and "wrong PIN" in err
    shop.pins.pop("anna")
    code, _, err = shop("--as", "anna", "stock", user=None)
    assert code == 2 and "needs anna's PIN: set SERIALPOS_PIN" in err
    code, _, err = shop("stock", user="boss", pin="1212")  # anna's PIN is not boss's
    assert code == 2 and "wrong PIN — 4 tries left" in err
    assert shop("stock", user="boss")[0] == 0


def test_login_keeps_a_session_in_an_owner_only_file_until_logout(
    shop: Shop, tmp_path: Path
) -> None:
    code, out, err = shop("login", "--hours", "1")
    assert code == 0 and out.startswith("logged in as boss until"), err
    session = tmp_path / "session.json"
    assert session.stat().st_mode & 0o777 == 0o600
    shop.pins.clear()  # from here on no PIN is given
    code, _, err = shop("user", "add", "bert", "--role", "service", "--pin", "3434", user=None)
    assert code == 0, err
    code, _, err = shop("--as", "anna", "stock", user=None)  # the session is boss's only
    assert code == 2 and "needs anna's PIN" in err
    store = open_store(shop.url)
    with store.read() as db:
        boss = db.scalar(select(User.id).where(User.name == "boss"))
        entry = db.scalars(select(AuditEntry).where(AuditEntry.subject == "bert")).one()
    store.dispose()
    assert entry.user_id == boss  # every audit row names the authenticated user
    assert shop("logout", user=None)[1] == "logged out\n"
    assert not session.exists()
    code, _, err = shop("stock", user=None)
    assert code == 2 and "say who is acting" in err


def test_a_session_dies_with_a_pin_reset(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    assert shop("--as", "anna", "login", user=None)[0] == 0
    monkeypatch.setenv("SERIALPOS_NEW_PIN", "5656")
    assert shop("user", "reset-pin", "anna")[0] == 0
    shop.pins.pop("anna")
    code, _, err = shop("--as", "anna", "stock", user=None)
    assert code == 2 and "needs anna's PIN" in err


def test_a_forged_session_is_not_accepted(shop: Shop, tmp_path: Path) -> None:
    assert shop("--as", "anna", "login", user=None)[0] == 0
    session = tmp_path / "session.json"
    text = session.read_text()
    import json

    saved = json.loads(text)
    _user_id, expires, mac = saved["token"].split(".")
    saved["token"] = f"1.{expires}.{mac}"  # anna's token, claiming to be user 1 (boss)
    session.write_text(json.dumps(saved))
    shop.pins.clear()
    code, _, err = shop("user", "list", user=None)
    assert code == 2 and "say who is acting" in err


def test_an_approval_pin_is_read_from_a_file_descriptor(shop: Shop) -> None:
    assert shop("item", "add", "CAB", "Cable", "--price", "9.99", "--serialized")[0] == 0
    assert shop("receive", "CAB", "--location", "Front", "--serials", "W1")[0] == 0
    read, write = os.pipe()
    os.write(write, b"4321\n")
    os.close(write)
    try:
        code, _, err = shop("--as", "anna", "write-off", "W1", "--reason", "x",
                            "--approve-pin-fd", str(read), user=None)  # fmt: skip
    finally:
        os.close(read)
    # A cashier may not write off even with approval; the approval itself was read and
    # checked (a wrong one would say "wrong PIN").
    assert code == 2 and "wrong PIN" not in err, err


def test_a_new_pin_need_not_be_on_the_command_line(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERIALPOS_NEW_PIN", "8080")
    assert shop("user", "add", "carl", "--role", "cashier")[0] == 0
    code, _, err = shop("--as", "carl", "stock", user=None, pin="8080")
    assert code == 0, err
