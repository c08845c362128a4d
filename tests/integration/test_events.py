"""Events are handed out only after their transaction commits, once, to every listener."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from app.db.uow import Store, open_store, record
from app.errors import InvalidInput
from app.events import Change, Event, changes_of


@dataclass(frozen=True)
class Noted(Event):
    changes: ClassVar[frozenset[Change]] = frozenset({Change.UNITS})
    what: str


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(f"sqlite:///{tmp_path / 's.sqlite3'}")


def test_listeners_hear_events_after_commit(store: Store) -> None:
    heard: list[Sequence[Event]] = []
    store.listen(heard.append)
    with store.write() as session:
        record(session, Noted("a"), Noted("b"))
        assert heard == []  # not before the commit
    assert heard == [[Noted("a"), Noted("b")]]
    assert changes_of(heard[0]) == {Change.UNITS}


def test_a_rolled_back_write_tells_nobody(store: Store) -> None:
    heard: list[Sequence[Event]] = []
    store.listen(heard.append)
    with pytest.raises(InvalidInput), store.write() as session:
        record(session, Noted("a"))
        raise InvalidInput("refused")
    with store.write():
        pass  # a later write does not carry the refused one's events
    assert heard == []


def test_capture_collects_what_one_call_committed(store: Store) -> None:
    with store.write() as session:
        record(session, Noted("before"))
    with store.capture() as events, store.write() as session:
        record(session, Noted("inside"))
    with store.write() as session:
        record(session, Noted("after"))
    assert events == [Noted("inside")]


def test_a_failing_listener_does_not_stop_the_others(store: Store) -> None:
    heard: list[Sequence[Event]] = []

    def broken(_events: Sequence[Event]) -> None:
        raise RuntimeError("bug")

    store.listen(broken)
    store.listen(heard.append)
    with store.write() as session:
        record(session, Noted("a"))
    assert heard == [[Noted("a")]]
