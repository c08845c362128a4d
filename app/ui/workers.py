"""Long work off the GUI thread: rendering a thousand labels, receiving a big delivery.

A `BackgroundTask` runs a plain function on a worker thread. The function reports its
progress through `TaskProgress.step()`, and each report is also the place where a
cancelled task stops: work is cut between steps (chunks), never in the middle of one, so
a chunk of labels is either wholly queued or not at all. Results, failures and progress
arrive as Qt signals; they are emitted from the worker thread and, because `TaskSignals`
is created in the GUI thread, Qt queues them to slots of GUI-thread objects (widgets).
Connect them to bound methods of widgets, not to lambdas, so the slot runs in the GUI
thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.errors import UserError

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a task at its next step after someone pressed Cancel."""


class TaskSignals(QObject):
    """What a task tells the GUI. Exactly one of succeeded/failed/cancelled, then finished."""

    progress = Signal(int, int, str)  # done, total, what is being done now
    succeeded = Signal(object)
    failed = Signal(str)  # a one-line message fit to show
    cancelled = Signal()
    finished = Signal()


class TaskProgress:
    """Handed to the task's function: report progress, and stop there if cancelled."""

    def __init__(self, signals: TaskSignals, cancel: threading.Event) -> None:
        self._signals = signals
        self._cancel = cancel

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if Cancel was pressed; call between chunks of work."""
        if self._cancel.is_set():
            raise Cancelled

    def step(self, done: int, total: int, text: str = "") -> None:
        """Report `done` of `total` (a total of 0 shows a busy bar); stops if cancelled."""
        self.check()
        self._signals.progress.emit(done, total, text)


TaskFunction = Callable[[TaskProgress], object]


class BackgroundTask(QRunnable):
    """One function run on a worker thread; create it in the GUI thread."""

    def __init__(self, work: TaskFunction, *, name: str = "task") -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until its signals are delivered
        self.name = name
        self.signals = TaskSignals()
        self._work = work
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop at its next step; safe from any thread."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        signals = self.signals
        try:
            result = self._work(TaskProgress(signals, self._cancel))
        except Cancelled:
            signals.cancelled.emit()
        except UserError as exc:
            signals.failed.emit(exc.message)
        except Exception as exc:  # a bug: keep the details in the log, say so in a line
            log.exception("background %s failed", self.name)
            signals.failed.emit(f"Something went wrong ({type(exc).__name__}: {exc}).")
        else:
            signals.succeeded.emit(result)
        finally:
            signals.finished.emit()


class TaskRunner(QObject):
    """Runs one task at a time on its own thread; each dialog that does long work owns one.

    Signals:
        finished(): the task has ended and `busy` is False again (after the task's own
            succeeded/failed/cancelled signal).
    """

    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._task: BackgroundTask | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None

    def start(self, task: BackgroundTask) -> None:
        """Run `task`; refused while another one runs (the dialogs disable their buttons)."""
        if self._task is not None:
            raise RuntimeError("a task is already running")
        self._task = task
        task.signals.finished.connect(self._finished)
        self._pool.start(task)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the running task ends (a dialog closing); False on time-out."""
        return bool(self._pool.waitForDone(timeout_ms))

    def _finished(self) -> None:
        self._task = None
        self.finished.emit()
