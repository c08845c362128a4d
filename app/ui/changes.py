"""Change notices: every view hears which kinds of records changed, and refreshes itself.

There is one `ChangeHub` per open store (`hub_of(store)`), so a view built on a store
finds it without being handed it, and two views of one store (the window's, or a test's)
hear the same notices. The hub hears three sources:

- the store's after-commit listener (events recorded by services), on the writing thread;
- the window's operations (`app.ui.ops`), which add the kinds their caller declared;
- the `StoreWatcher` (`app.ui.watcher`), for other tills' writes to a shared store.

Notices arriving within one turn of the event loop are merged into one `changed` emission:
one press is one refresh, even when the listener and the operation both report it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.events import Change, Event, changes_of

if TYPE_CHECKING:  # the window starts before the store is open (no SQLAlchemy)
    from app.db.uow import Store

_HUBS: weakref.WeakKeyDictionary[Store, ChangeHub] = weakref.WeakKeyDictionary()


class ChangeHub(QObject):
    """Signals:
    changed(frozenset[Change]): kinds of records that changed; emitted on the GUI thread.
    changed_here(): this till changed something (the watcher takes a new baseline).
    """

    changed = Signal(object)
    changed_here = Signal()
    _posted = Signal(object, bool)  # from any thread; queued to `_collect` on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set[Change] = set()
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._emit)
        self._posted.connect(self._collect)

    def listen_to(self, store: Store) -> None:
        """Hear the store's committed events (delivered on whichever thread wrote)."""
        store.listen(self._heard)

    def announce(self, changes: Iterable[Change], *, here: bool = True) -> None:
        """Tell every view that these kinds changed; safe from any thread. `here`: this
        till made the change (False: the watcher saw another till's)."""
        kinds = frozenset(changes)
        if kinds:
            self._posted.emit(kinds, here)

    def _heard(self, events: Sequence[Event]) -> None:
        self.announce(changes_of(events))

    def _collect(self, kinds: frozenset[Change], here: bool) -> None:
        if here:
            self.changed_here.emit()
        self._pending |= kinds
        self._flush.start()

    def _emit(self) -> None:
        kinds, self._pending = frozenset(self._pending), set()
        if kinds:
            self.changed.emit(kinds)


def hub_of(store: Store) -> ChangeHub:
    """The store's hub, made (and listening to the store) on first use, on the GUI thread."""
    hub = _HUBS.get(store)
    if hub is None:
        hub = ChangeHub()
        hub.listen_to(store)
        _HUBS[store] = hub
    return hub


class FollowChanges(QObject):
    """Keeps a view fresh: `refresh()` runs when a kind it shows changed, at once while the
    view is on screen, else the next time it is shown (a hidden list costs no queries).
    A child of the view, so it lives and dies with it."""

    def __init__(
        self, view: QWidget, store: Store, shows: Iterable[Change], refresh: Callable[[], None]
    ) -> None:
        super().__init__(view)
        self.shows = frozenset(shows)
        self.stale = False
        self._view = view
        self._refresh = refresh
        hub_of(store).changed.connect(self._changed)
        view.installEventFilter(self)

    def _changed(self, kinds: frozenset[Change]) -> None:
        if not self.shows & kinds:
            return
        if self._view.isVisible():
            self._refresh()
        else:
            self.stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._refresh()
        return False
