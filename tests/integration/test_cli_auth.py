"""The command line proves who is acting: a PIN (terminal or SERIALPOS_PIN) or a login
session; approval PINs never on the command line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from app.db.uow import open_store
from app.users.models import AuditEntry, User
from tests.integration.test_cli import Shop


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "auth.sqlite3", capsys)
    assert s("init", "--manager", "boss", new_pin="4321", user=None)[0] == 0
    assert s("user", "add", "anna", "--role", "cashier", new_pin="1212")[0] == 0
    assert s("location", "add", "Front")[0] == 0
    return s


@contextmanager
def pin_on_a_descriptor(pin: str) -> Iterator[str]:
    """A pipe holding the PIN, as `--pin-fd N` or `--approve-pin-fd N` reads it; yields N."""
    read, write = os.pipe()
    os.write(write, f"{pin}\n".encode())
    os.close(write)
    try:
        yield str(read)
    finally:
        os.close(read)


def new_pin_asked(monkeypatch: pytest.MonkeyPatch, *, terminal: bool) -> ModuleType:
    """No SERIALPOS_NEW_PIN: a new PIN is asked on the terminal, which stdin is or is not.
    Returns app.cli.new_pin, whose getpass a test may stand in for."""
    from app.cli import new_pin

    monkeypatch.delenv("SERIALPOS_NEW_PIN", raising=False)
    monkeypatch.setattr(new_pin.sys.stdin, "isatty", lambda: terminal, raising=False)
    return new_pin


def test_as_user_needs_their_pin(shop: Shop) -> None:
    code, _, err = shop("--as", "anna", "user", "add", "mallory", "--role", "manager",
                        new_pin="6666", user=None, pin="")  # fmt: skip
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
    code, _, err = shop("user", "add", "bert", "--role", "service", new_pin="3434", user=None)
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
    with pin_on_a_descriptor("4321") as fd:
        code, _, err = shop("--as", "anna", "write-off", "W1", "--reason", "x",
                            "--approve-pin-fd", fd, user=None)  # fmt: skip
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


@pytest.mark.parametrize("argv", [("--pin", "7070"), ("--pin=7070",)])
def test_a_pin_on_the_command_line_is_refused_saying_how(shop: Shop, argv: tuple[str, ...]) -> None:
    shop.refused("user", "add", "dora", "--role", "cashier", *argv,
                 match="--pin does not take the PIN on the command line (others can read it"
                       " there): leave it out to be asked on the terminal, or set"
                       " SERIALPOS_NEW_PIN, or use --pin-fd N")  # fmt: skip


def test_init_refuses_a_pin_on_the_command_line_before_making_a_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = Shop(tmp_path / "new.sqlite3", capsys)
    code, _, err = s("init", "--manager", "m", "--pin", "1234", user=None)
    assert code == 2 and err.count("\n") == 1 and "--pin-fd N" in err
    assert not (tmp_path / "new.sqlite3").exists()


def test_a_new_pin_from_a_file_descriptor(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SERIALPOS_NEW_PIN", raising=False)
    with pin_on_a_descriptor("7171") as fd:
        code, _, err = shop("user", "add", "dora", "--role", "cashier", "--pin-fd", fd)
    assert code == 0, err
    assert shop("--as", "dora", "stock", user=None, pin="7171")[0] == 0


def test_a_new_pin_on_the_terminal_is_asked_twice_without_echo(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_pin = new_pin_asked(monkeypatch, terminal=True)
    typed = iter(["7272", "7273"])
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return next(typed)

    monkeypatch.setattr(new_pin.getpass, "getpass", getpass)
    shop.refused("user", "add", "dora", "--role", "cashier",
                 match="the two PINs typed differ; nothing was changed")  # fmt: skip
    assert asked == ["new PIN: ", "new PIN again: "]
    typed = iter(["7272", "7272"])
    assert shop("user", "add", "dora", "--role", "cashier")[0] == 0
    assert shop("--as", "dora", "stock", user=None, pin="7272")[0] == 0


def test_no_terminal_and_no_new_pin_is_one_line(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_pin_asked(monkeypatch, terminal=False)
    shop.refused(
        "user",
        "add",
        "dora",
        "--role",
        "cashier",
        match="no terminal to ask on: set SERIALPOS_NEW_PIN or use --pin-fd",
    )
