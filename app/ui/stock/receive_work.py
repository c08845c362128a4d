"""What pressing Receive hands to the receiving services, and the token that makes a
second press of the same delivery the same receipt."""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

from app.db.uow import Store
from app.stock.lookups import DuplicateSerials
from app.stock.receiving import Receiving, generate_serials, receive_quantity, receive_serials
from app.stock.records import ItemRecord, ReceiveResult
from app.ui.stock.serial_input import GENERATE, ParsedSerials
from app.ui.workers import TaskProgress
from app.users.roles import Actor

Work = Callable[[TaskProgress], ReceiveResult | DuplicateSerials]


def receiving_work(
    store: Store,
    actor: Actor,
    item: ItemRecord,
    delivery: Receiving,
    quantity: int,
    parsed: ParsedSerials,
    token: str,
) -> Work:
    """The service call for this delivery, to run on a worker: a bulk quantity, the
    item's scheme, or the serials entered. A clash is returned, not raised: its whole
    list of serials is shown, not only its message."""

    def work(progress: TaskProgress) -> ReceiveResult | DuplicateSerials:
        progress.step(0, 0, "Receiving…")
        try:
            if not item.serialized:
                return receive_quantity(store, actor, delivery, quantity, submission=token)
            if parsed.method == GENERATE:
                return generate_serials(store, actor, delivery, quantity, submission=token)
            return receive_serials(
                store, actor, delivery, parsed.entries, method=parsed.method, submission=token
            )
        except DuplicateSerials as exc:
            return exc

    return work


class Submissions:
    """One token per submission: the last one's again while nothing has changed since (a
    second press of Receive is the same receipt), else a new one."""

    def __init__(self) -> None:
        self._last: tuple[tuple[object, ...], str] | None = None

    def token(self, what: tuple[object, ...]) -> str:
        if self._last is None or self._last[0] != what:
            self._last = (what, uuid4().hex)
        return self._last[1]
