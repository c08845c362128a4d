"""Service calls and slow queries off the GUI thread (Anki's CollectionOp is the model).

A view owns one `Ops`. `ops.run(work, success=...)` runs `work()` (a service call or a
query, one transaction) on a worker thread and hands its result to `success` on the GUI
thread; the window keeps painting and the scanner keeps scanning meanwhile. Around it:

- past `BUSY_AFTER_MS` the till shows a busy cursor (no modal dialog: most calls are
  quicker than the eye, and a dialog flashing up would be worse than the wait);
- a `UserError` goes to `failure`, else to the view's message line, exactly once; a bug
  is logged with its traceback and shown as one line the same way;
- then every view is told which kinds of records changed (the events the call committed,
  `Store.capture()`, plus the kinds the caller declares), through the store's ChangeHub;
- while an operation runs, the same operation (same `name`) is refused: a double press
  makes one call;
- `after_paint=True` starts the worker only once what the GUI has queued so far, the
  pending paint included, has been handled (for a write the screen need not wait for:
  on the worker it holds Python's lock for milliseconds). It counts as running from the
  call, so a test that settles waits for it.

The worker's signals are connected to bound methods of `Ops`, a QObject of the GUI
thread, so Qt queues them there (a lambda would run on the worker).
"""

from __future__ import annotations

import logging
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication

from app.errors import UserError
from app.events import Change, Event, changes_of
from app.ui.changes import hub_of

if TYPE_CHECKING:  # the window starts before the store is open (no SQLAlchemy)
    from app.db.uow import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
BUSY_AFTER_MS = 100  # quicker than that looks instant; slower deserves a sign of life
ShowProblem = Callable[[str], None]
_every_ops: weakref.WeakSet[Ops] = weakref.WeakSet()
# Qt posts a window's pending paint at low priority, after every other event; an event
# posted at that priority after it is handled after the paint.
_START_AFTER_PAINT = QEvent.Type(QEvent.registerEventType())


def ops_running() -> int:
    """How many operations have not yet delivered their result (tests settle on 0). One
    whose owner has been deleted (a closed dialog) will never deliver: it does not count."""
    return sum(len(ops._running) for ops in list(_every_ops) if shiboken6.isValid(ops))


def _pool() -> QThreadPool:
    # One pool for the whole window: the store serialises writes anyway, and a few threads
    # let a slow 'contains' search not hold up a sale.
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(pool.maxThreadCount(), 4))
    return pool


def unexpected(exc: Exception) -> UserError:
    """A bug, as the one line a cashier sees (the traceback is already in the log)."""
    return UserError(f"Something went wrong ({type(exc).__name__}: {exc}).")


def _alive(callback: Callable[..., None] | None) -> bool:
    """False if `callback` is a method of a Qt object already deleted (a closed dialog)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class _Reply(QObject):
    """A job's way back to the GUI thread; made there, emitted from the worker."""

    done = Signal(str, object, object, object)  # name, result, UserError or None, changes


class _Job(QRunnable):
    """The pool owns and deletes it once run (Ops keeps only its reply), so it is never
    freed while the pool is still returning from it."""

    def __init__(
        self, store: Store | None, work: Callable[[], object], name: str, reply: _Reply
    ) -> None:
        super().__init__()
        self.reply = reply
        self._store = store
        self._work = work
        self._name = name

    def run(self) -> None:
        events: list[Event] = []
        if self._store is None:
            result, error = self._call()
        else:
            with self._store.capture() as events:
                result, error = self._call()
        self.reply.done.emit(self._name, result, error, changes_of(events))

    def _call(self) -> tuple[object, UserError | None]:
        try:
            if self._store is None:
                return self._work(), None
            # A write that lost the lock is made again while nothing was committed.
            return self._store.retrying(self._work), None
        except UserError as exc:
            return None, exc
        except Exception as exc:  # a bug: the details to the log, a line to the till
            log.exception("operation %s failed", self._name)
            return None, unexpected(exc)


class _Running:
    """What Ops remembers of one running operation until its reply arrives."""

    def __init__(
        self,
        reply: _Reply,
        success: Callable[[Any], None],
        failure: Callable[[UserError], None] | None,
        changes: frozenset[Change],
    ) -> None:
        self.reply = reply
        self.success = success
        self.failure = failure
        self.changes = changes


class Ops(QObject):
    """A view's operations. `show_problem` is the view's message line (for UserErrors
    the caller does not handle itself). `store` None: work on something else than the
    store (the print queue's files), announced to nobody.

    Signals:
        busy(bool): True once an operation has run past BUSY_AFTER_MS, False when none runs.
    """

    busy = Signal(bool)

    def __init__(self, store: Store | None, parent: QObject, *, show_problem: ShowProblem) -> None:
        super().__init__(parent)
        self.store = store
        self._show_problem = show_problem
        self._running: dict[str, _Running] = {}
        self._asked: dict[str, int] = {}  # how many times each `latest` query was asked
        self._busy_shown = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.timeout.connect(self._show_busy)
        self._after_paint: deque[_Job] = deque()
        _every_ops.add(self)

    def is_running(self, name: str) -> bool:
        return name in self._running

    @property
    def idle(self) -> bool:
        return not self._running

    def run(
        self,
        work: Callable[[], T],
        *,
        success: Callable[[T], None],
        failure: Callable[[UserError], None] | None = None,
        changes: Iterable[Change] = (),
        name: str = "",
        after_paint: bool = False,
    ) -> bool:
        """Runs `work()` on a worker; False (and nothing runs) if the same operation is
        still running. `name` tells operations apart (default: where `work` was written).
        `changes`: kinds of records the call changes, announced on success together with
        those its committed events name. `after_paint`: the worker starts once the
        pending paint is done."""
        key = name or getattr(work, "__qualname__", repr(work))
        if key in self._running:
            log.debug("operation %s already running: refused", key)
            return False
        reply = _Reply(self)  # Ops owns it: dropped by Python, it lives until deleteLater
        reply.done.connect(self._delivered, Qt.ConnectionType.QueuedConnection)
        self._running[key] = _Running(reply, success, failure, frozenset(changes))
        job = _Job(self.store, work, key, reply)
        if not self._busy_timer.isActive() and not self._busy_shown:
            self._busy_timer.start(BUSY_AFTER_MS)
        if after_paint:
            self._after_paint.append(job)
            start = QEvent(_START_AFTER_PAINT)
            QCoreApplication.postEvent(self, start, Qt.EventPriority.LowEventPriority.value)
        else:
            _pool().start(job)
        return True

    def event(self, event: QEvent) -> bool:
        if event.type() == _START_AFTER_PAINT:
            if self._after_paint:
                _pool().start(self._after_paint.popleft())
            return True
        return super().event(event)

    def latest(
        self,
        work: Callable[[], T],
        *,
        success: Callable[[T], None],
        name: str,
        failure: Callable[[UserError], None] | None = None,
        after_paint: bool = False,
    ) -> None:
        """A query whose newest answer is the only one wanted (a list reloading as the
        filter changes): it never waits or is refused, and the answer of a call that
        has since been superseded is dropped on arrival."""
        self._asked[name] = asked = self._asked.get(name, 0) + 1

        def if_latest(deliver: Callable[[Any], None]) -> Callable[[Any], None]:
            def deliver_latest(value: Any) -> None:
                if self._asked.get(name) == asked and _alive(deliver):
                    deliver(value)

            return deliver_latest

        self.run(
            work,
            success=if_latest(success),
            failure=if_latest(failure or self._shown),
            name=f"{name}#{asked}",
            after_paint=after_paint,
        )

    def forget(self, name: str) -> None:
        """Drop the answer of `latest(name=...)` still on its way (the view was cleared)."""
        self._asked[name] = self._asked.get(name, 0) + 1

    def _delivered(
        self, key: str, result: object, error: UserError | None, events: frozenset[Change]
    ) -> None:
        running = self._running.pop(key, None)
        if running is not None:
            running.reply.deleteLater()  # later: the worker may still be returning from emit
        if not self._running:
            self._end_busy()
        if running is None:
            return
        try:
            if not _alive(running.failure if error is not None else running.success):
                return  # the dialog that asked has closed meanwhile: nobody to tell
            if error is not None:
                (running.failure or self._shown)(error)
                return
            running.success(result)
        except Exception as exc:  # a slot's bug: log it, say it once, keep the till alive
            log.exception("handling the result of %s failed", key)
            self._show_problem(unexpected(exc).message)
        finally:
            if error is None and self.store is not None:
                hub_of(self.store).announce(running.changes | events)

    def _shown(self, error: UserError) -> None:
        self._show_problem(error.message)

    def _show_busy(self) -> None:
        if self._running and not self._busy_shown:
            self._busy_shown = True
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
            self.busy.emit(True)

    def _end_busy(self) -> None:
        self._busy_timer.stop()
        if self._busy_shown:
            self._busy_shown = False
            QApplication.restoreOverrideCursor()
            self.busy.emit(False)

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Blocks until the pool's workers are done (a closing window); False on time-out."""
        return bool(_pool().waitForDone(timeout_ms))
