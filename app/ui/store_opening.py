"""Opening the store after the locked screen is painted.

Importing SQLAlchemy and opening the store (the engine, the revision checked against
app.db.head, a migration if one is due, the demo shop on a first start) was most of a
cold start. The window is shown and its PIN field painted first; then a worker opens the
store, and the PIN field checks PINs from then on (app.ui.locked_screen). A store that
cannot be opened is one line, said in the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from app.errors import StoreUnavailable
from app.ui.warm_up import warm_up
from app.ui.workers import BackgroundTask, TaskProgress

if TYPE_CHECKING:
    from app.db.uow import Store


def url_shown(store_url: str) -> str:
    """The store's URL fit to show: never a password from it."""
    return store_url.split("@")[-1]


def open_shop_store(store_url: str, *, demo: bool) -> Store:
    """The migrated store at `store_url`; a store with no users gets demo data if `demo`.
    Its troubles are one line (StoreUnavailable), not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db.uow import open_store

    try:
        store = open_store(store_url, idle_checkpoints=True)  # the watcher calls idle()
    except SQLAlchemyError as exc:
        # A server that is down or a file we may not write: say so, not a traceback.
        raise StoreUnavailable.at(url_shown(store_url), exc) from exc
    if demo:
        from app.demo import ensure_demo_store  # the stock services: not for the lock screen

        try:
            ensure_demo_store(store)
        except BaseException:
            store.dispose()
            raise
    return store


class StoreOpening(QObject):
    """Opens the store at `store_url` on a worker once `painted` has first been painted;
    then, on the same worker, imports what every log-in needs (app.ui.warm_up).

    Signals:
        opened(Store): the store is open (on the GUI thread).
        failed(str): why it could not be opened, in one line.
    """

    opened = Signal(object)
    failed = Signal(str)

    def __init__(
        self, store_url: str, *, demo: bool, painted: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._url = store_url
        self._demo = demo
        self._painted = painted
        self._tasks: list[BackgroundTask] = []
        self.warmed = False  # the warm-up's imports are done (tests wait on it)
        painted.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._painted and event.type() == QEvent.Type.Paint:
            self._painted.removeEventFilter(self)
            QTimer.singleShot(0, self, self._open)  # once this paint is on the screen
        return False

    def _open(self) -> None:
        url, demo = self._url, self._demo

        def open_it(_progress: TaskProgress) -> object:
            return open_shop_store(url, demo=demo)

        task = BackgroundTask(open_it, name="opening the store")
        task.signals.succeeded.connect(self._opened)
        task.signals.failed.connect(self._failed)
        self._start(task)

    def _opened(self, store: object) -> None:
        self.opened.emit(store)

        def imports(_progress: TaskProgress) -> object:
            warm_up()
            return None

        task = BackgroundTask(imports, name="warm-up")
        task.signals.finished.connect(self._warmed)
        self._start(task)

    def _failed(self, problem: str) -> None:
        self.failed.emit(problem)

    def _warmed(self) -> None:
        self.warmed = True

    def _start(self, task: BackgroundTask) -> None:
        # Kept while this lives: a task's object must outlive its run on the worker.
        self._tasks.append(task)
        # The global pool: a window that closes waits for it (MainWindow.closeEvent).
        QThreadPool.globalInstance().start(task)
