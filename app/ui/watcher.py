"""Other tills' changes: on a shared store, notice what another till (or the command line)
wrote, and tell the views through the ChangeHub.

Every few seconds, while the window is unlocked, a worker asks the store for the highest
id of the ledger, of sales and of refunds: three indexed MAX queries, cheap on a big store.
A number that moved means someone wrote. This till's own writes move them too; after any
change notice the watcher takes the numbers again as its new baseline, so its own sale is
not announced a second time (a write of another till in the same instant is then missed
by the watcher, but the views refreshed for the own change anyway).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from sqlalchemy import Integer, column, func, select, table

from app.db.uow import Store
from app.events import Change
from app.ui.changes import hub_of

log = logging.getLogger(__name__)

WATCH_INTERVAL_MS = 2_000

# The tables whose highest id is watched, as plain Core tables of their primary keys: the
# window starts before the ORM models are imported (the services and their models come
# with the first log-in). tests/unit/test_light_tables.py keeps them the models' tables.
WATCHED = {
    name: table(name, column("id", Integer))
    for name in ("movements", "sales", "refunds", "parked_sales")
}


@dataclass(frozen=True)
class Marks:
    """The highest ids the store had when last looked at."""

    movement: int
    sale: int
    refund: int
    parked: int


def read_marks(store: Store) -> Marks:
    """The store's highest ids, each an indexed MAX (the primary key)."""
    with store.read() as session:

        def top(name: str) -> int:
            return int(session.scalar(select(func.max(WATCHED[name].c.id))) or 0)

        return Marks(
            movement=top("movements"),
            sale=top("sales"),
            refund=top("refunds"),
            parked=top("parked_sales"),
        )


def changes_between(old: Marks, new: Marks) -> frozenset[Change]:
    """What kinds of records another till changed, judged by which numbers moved."""
    kinds: set[Change] = set()
    if new.movement != old.movement:
        kinds |= {Change.UNITS, Change.ITEMS, Change.LOCATIONS}
    if new.sale != old.sale:
        kinds |= {Change.SALES, Change.UNITS}
    if new.refund != old.refund:
        kinds |= {Change.REFUNDS, Change.SALES, Change.UNITS}
    if new.parked != old.parked:
        kinds.add(Change.PARKED)
    return frozenset(kinds)


class _Look(QRunnable):
    """One look at the store, on a worker."""

    def __init__(self, store: Store, reply: _Reply) -> None:
        super().__init__()
        self._store = store
        self._reply = reply

    def run(self) -> None:
        try:
            marks: Marks | None = read_marks(self._store)
            self._store.idle()  # the WAL checkpoint here, not inside a sale's commit
        except Exception:  # the store is away for a moment: look again next time
            log.warning("could not look for other tills' changes", exc_info=True)
            marks = None
        self._reply.looked.emit(marks)


class _Reply(QObject):
    looked = Signal(object)  # Marks, or None when the store could not be read


class StoreWatcher(QObject):
    """Polls `store` every `interval_ms` while started; announces moves to the hub.

    Signals:
        looked(): after each look has been compared (tests wait on it).
    """

    looked = Signal()

    def __init__(
        self, store: Store, parent: QObject | None = None, *, interval_ms: int = WATCH_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._hub = hub_of(store)
        self._marks: Marks | None = None
        self._looking = False
        self._rebase = False
        self._reply = _Reply()
        self._reply.looked.connect(self._compare, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.look)
        self._hub.changed_here.connect(self._own_change)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Start watching (the window unlocked); the first look only takes the baseline."""
        self._marks = None
        self._timer.start()
        self.look()

    def stop(self) -> None:
        """Stop watching (the window locked): a locked till shows nothing to refresh."""
        self._timer.stop()

    def look(self) -> None:
        """One look now, unless the last one is still out."""
        if self._looking:
            return
        self._looking = True
        QThreadPool.globalInstance().start(_Look(self._store, self._reply))

    def _own_change(self) -> None:
        self._rebase = True

    def _compare(self, marks: Marks | None) -> None:
        self._looking = False
        if marks is not None and self._timer.isActive():
            old, self._marks = self._marks, marks
            rebase, self._rebase = self._rebase, False
            if old is not None and not rebase:
                self._hub.announce(changes_between(old, marks), here=False)
        self.looked.emit()
