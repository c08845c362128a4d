"""The wrong-PIN brake: atomic, per till and per named user, with a manager override; PINs
hashed slowly with a pepper outside the store; choosing a PIN is no oracle."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.db.uow import Store, sqlite_url
from app.errors import Conflict, PermissionDenied
from app.users import brake, pins
from app.users import services as users
from app.users.models import PinFailure, User
from app.users.roles import Actor, Role
from tests.conftest import PINS

WRONG = "0000"


def _guess(store: Store, pin: str = WRONG, till: str = "T1") -> str:
    try:
        return users.actor_by_pin(store, pin, till=till).name
    except PermissionDenied as exc:
        return str(exc)


def test_the_message_says_how_many_tries_are_left(store: Store) -> None:
    said = [_guess(store) for _ in range(brake.MAX_PIN_FAILURES)]
    assert said[0] == "wrong PIN — 4 tries left before a 5-minute pause"
    assert said[3] == "wrong PIN — 1 try left before a 5-minute pause"
    assert said[4] == "wrong PIN — PIN entry paused for 5 minutes"
    assert _guess(store, PINS["cashier"]).startswith("too many wrong PINs; try again in")


def test_a_braked_till_does_not_stop_another_till_or_the_command_line(store: Store) -> None:
    for _ in range(brake.MAX_PIN_FAILURES):
        _guess(store, till="T1")
    assert _guess(store, PINS["manager"], till="T1").startswith("too many wrong PINs")
    assert _guess(store, PINS["manager"], till="T2") == "manager"
    assert users.actor_by_name_and_pin(store, "manager", PINS["manager"]).name == "manager"


def test_a_managers_pin_opens_a_braked_till_one_try_per_30_seconds(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(brake.MAX_PIN_FAILURES):
        _guess(store)
    now = brake.utcnow()
    monkeypatch.setattr(brake, "utcnow", lambda: now + timedelta(seconds=31))
    # The override try: a cashier's right PIN is refused like a wrong one, and counted...
    assert "only a manager's PIN opens it" in _guess(store, PINS["cashier"])
    # ...and the next try waits another 30 seconds, whoever's PIN it is.
    assert "a manager's PIN in 30" in _guess(store, PINS["manager"])
    monkeypatch.setattr(brake, "utcnow", lambda: now + timedelta(seconds=62))
    assert _guess(store, PINS["manager"]) == "manager"
    assert _guess(store, PINS["cashier"]) == "cashier"  # the manager lifted the pause


def test_the_command_line_brake_counts_per_named_user(store: Store) -> None:
    for _ in range(brake.MAX_PIN_FAILURES):
        with pytest.raises(PermissionDenied, match="wrong PIN"):
            users.actor_by_name_and_pin(store, "cashier", WRONG)
    with pytest.raises(PermissionDenied, match="too many wrong PINs"):
        users.actor_by_name_and_pin(store, "cashier", PINS["cashier"])
    assert users.actor_by_name_and_pin(store, "manager", PINS["manager"]).name == "manager"
    assert _guess(store, PINS["cashier"]) == "cashier"  # the till is another scope


def test_thirty_simultaneous_guesses_check_at_most_the_limit(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = users._pin_owner

    def counting(*args: object, **kwargs: object) -> User | None:
        checked.append("x")
        time.sleep(0.02)  # a slow hash: the window in which guesses used to slip through
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(users, "_pin_owner", counting)
    start = threading.Barrier(30)
    said: list[str] = []

    def guess(i: int) -> None:
        start.wait()
        said.append(_guess(store, f"{5000 + i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) <= brake.MAX_PIN_FAILURES
    assert sum(s.startswith("wrong PIN") for s in said) == len(checked)
    assert sum(s.startswith("too many wrong PINs") for s in said) == 30 - len(checked)


_GUESSER = """
import sys
from app.db.uow import open_store
from app.errors import PermissionDenied
from app.users import services as users
store = open_store(sys.argv[1])
for i in range(15):
    try:
        users.actor_by_pin(store, str(6000 + i), till="T1")
    except PermissionDenied as exc:
        print(str(exc).split(" —")[0].split(";")[0])
"""


@pytest.mark.slow
def test_two_processes_guessing_on_one_file_check_at_most_the_limit(store_path: Path) -> None:
    url = sqlite_url(store_path)
    procs = [
        subprocess.Popen([sys.executable, "-c", _GUESSER, url], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    lines = [line for p in procs for line in p.communicate(timeout=120)[0].splitlines()]
    assert len(lines) == 30
    assert lines.count("wrong PIN") <= brake.MAX_PIN_FAILURES
    assert lines.count("too many wrong PINs") >= 30 - brake.MAX_PIN_FAILURES


def test_a_taken_pin_counts_against_the_manager_choosing_it(store: Store, manager: Actor) -> None:
    for i in range(brake.MAX_PIN_FAILURES):
        with pytest.raises(Conflict, match="choose another PIN"):
            users.add_user(store, manager, name=f"u{i}", role=Role.CASHIER, pin=PINS["cashier"])
    with pytest.raises(PermissionDenied, match="too many wrong PINs"):
        users.add_user(store, manager, name="u9", role=Role.CASHIER, pin="86420")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(User).where(User.name == "u9")) == 0
        assert (
            session.scalar(
                select(func.count()).select_from(PinFailure).where(PinFailure.user_id == manager.id)
            )
            == brake.MAX_PIN_FAILURES
        )


def test_a_free_pin_leaves_no_attempt_behind(store: Store, manager: Actor) -> None:
    users.add_user(store, manager, name="newbie", role=Role.CASHIER, pin="86420")
    assert _guess(store, "86420") == "newbie"
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(PinFailure)) == 0


def test_an_old_hash_still_logs_in_and_is_upgraded(store: Store) -> None:
    import base64
    import hashlib

    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(PINS["cashier"].encode(), salt=salt, n=2**4, r=8, p=1, dklen=32)
    old = f"scrypt${2**4}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    with store.write() as session:
        session.execute(update(User).where(User.name == "cashier").values(pin_hash=old))
    assert _guess(store, PINS["cashier"]) == "cashier"
    with store.read() as session:
        stored = session.scalar(select(User.pin_hash).where(User.name == "cashier"))
    assert stored is not None and pins.is_current(stored)
    assert _guess(store, PINS["cashier"]) == "cashier"


def test_a_pin_check_costs_at_least_100_ms(real_pin_cost: None) -> None:
    start = time.perf_counter()
    hashed = pins.hash_pin("24680")
    assert time.perf_counter() - start >= 0.1
    assert pins.verify_pin("24680", hashed)
    assert len(pins.hash_pin("1" * pins.MAX_PIN)) > 0  # up to 12 digits


def test_a_log_in_is_one_slow_hash_whatever_the_number_of_users(
    store: Store, manager: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(10):
        users.add_user(store, manager, name=f"c{i}", role=Role.CASHIER, pin=f"7{i:04d}")
    calls: list[str] = []
    real = pins._derive

    def counted(*args: object) -> bytes:
        calls.append("x")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pins, "_derive", counted)
    assert _guess(store, "70009") == "c9"
    assert len(calls) == 1
