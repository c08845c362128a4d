"""What the window says about itself around the views: the status bar (a problem, the
open store, who is acting) and the banner above every view while the till cannot sell."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow

if TYPE_CHECKING:  # the store comes after the locked screen is painted (app.ui.app)
    from app.db.uow import Store

PROBLEM_SHOWN_MS = 12_000  # long enough to read twice, short enough not to go stale


def store_title(store: Store) -> str:
    """The open store as the status bar shows it: a file path, or a server and database."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"{user}{url.host or 'localhost'}{port}/{url.database or ''}"


class StatusLine:
    """The window's status bar: a problem on the left until it goes stale; the store and
    the acting user on the right."""

    def __init__(self, window: QMainWindow) -> None:
        bar = window.statusBar()
        bar.setSizeGripEnabled(False)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("ProblemLabel")
        self.store_label = QLabel("Store: opening…")
        self.store_label.setObjectName("StoreLabel")
        self.user_label = QLabel()
        self.user_label.setObjectName("UserLabel")
        bar.addWidget(self.problem_label, 1)
        bar.addPermanentWidget(self.store_label)
        bar.addPermanentWidget(self.user_label)
        self._problem_timer = QTimer(window)
        self._problem_timer.setSingleShot(True)
        self._problem_timer.timeout.connect(self.problem_label.clear)

    def show_store(self, store: Store) -> None:
        self.store_label.setText(f"Store: {store_title(store)}")

    def show_problem(self, message: str) -> None:
        """A refused query or action, until it goes stale."""
        self.problem_label.setText(message)
        self.problem_label.setToolTip(message)
        self._problem_timer.start(PROBLEM_SHOWN_MS)


class TillBanner(QLabel):
    """Above every view while this till cannot sell: what is wrong and the fix."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("TillBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "background: #fdecea; color: #8a1c14; padding: 6px 12px; font-weight: bold;"
        )
        self.setVisible(False)

    def show_problem(self, problem: str | None, *, logged_in: bool) -> None:
        self.setText(f"Till location: {problem}" if problem else "")
        self.setVisible(bool(problem) and logged_in)
