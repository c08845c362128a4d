"""The window's menu bar and its shortcuts: Till (Lock, Quit) and View (Search, Refresh,
then one entry per view, Ctrl+1, Ctrl+2...). Everything but Quit is off while the till is
locked, so no shortcut reaches a view behind the lock."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

Call = Callable[[], None]


class WindowMenus:
    """The actions of `window`'s menus; `show_row(row)` shows the view of that side-bar row."""

    def __init__(
        self,
        window: QMainWindow,
        titles: Sequence[str],
        *,
        lock: Call,
        search: Call,
        refresh: Call,
        show_row: Callable[[int], None],
    ) -> None:
        self.lock_action = QAction("&Lock", window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lock)
        self.quit_action = QAction("&Quit", window)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(window.close)
        self.search_action = QAction("&Search", window)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(search)
        self.refresh_action = QAction("&Refresh", window)
        # F5 only: on some desktops the standard Refresh is also Ctrl+R (Receive in Stock).
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(refresh)

        till = window.menuBar().addMenu("&Till")
        till.addAction(self.lock_action)
        till.addSeparator()
        till.addAction(self.quit_action)
        self.view_menu = window.menuBar().addMenu("&View")
        self.view_menu.addAction(self.search_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        # Actions that need someone logged in: off while locked.
        self._logged_in_actions = [self.lock_action, self.search_action, self.refresh_action]
        self.view_actions: list[QAction] = []
        for row, title in enumerate(titles):
            action = QAction(title, window)
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _checked=False, row=row: show_row(row))
            self.view_menu.addAction(action)
            self._logged_in_actions.append(action)
            self.view_actions.append(action)

    def set_logged_in(self, logged_in: bool) -> None:
        for action in self._logged_in_actions:
            action.setEnabled(logged_in)
