"""What the back-office UI tests share: a page or dialog opened as someone, the two
questions (are you sure, a manager's PIN) answered, and a unit looked up in the store."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from settle import settle

from app.db.uow import Store
from app.stock import queries
from app.stock.records import UnitRecord
from app.ui.stock import asking
from app.users.roles import Actor


class Answers:
    """Records what was asked; says yes (or `confirm_with`) without a modal dialog."""

    def __init__(self) -> None:
        self.confirmed: list[str] = []
        self.approvals: list[str] = []
        self.confirm_with = True

    def confirm(self, _parent: object, _title: str, text: str, *, action: str = "") -> bool:
        self.confirmed.append(text)
        return self.confirm_with

    def approval(
        self, _store: Store, _actor: Actor, what: str, _parent: object
    ) -> tuple[bool, Actor | None]:
        self.approvals.append(what)
        return True, None


def answer_questions(monkeypatch: pytest.MonkeyPatch) -> Answers:
    """Used by each module's `answers` fixture."""
    given = Answers()
    monkeypatch.setattr(asking, "confirm", given.confirm)
    monkeypatch.setattr(asking, "approval", given.approval)
    return given


def unit(store: Store, actor: Actor, serial: str) -> UnitRecord:
    found = queries.find_units(store, actor, serial)
    assert len(found) == 1, found
    return found[0]


def shown(qtbot: QtBot, widget: object) -> None:
    qtbot.addWidget(widget)  # type: ignore[arg-type]
    widget.show()  # type: ignore[attr-defined]
    settle(qtbot)
