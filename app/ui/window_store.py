"""What the window makes once its store is open (app.ui.main_window.MainWindow.open_store):
the store's change notices, the watcher of other tills, where the till sells from, the
views and the scheduled backups. Imported then, not by the locked screen: these bring
SQLAlchemy with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStackedWidget

from app.config import ShopSettings
from app.db.uow import Store
from app.ui.changes import ChangeHub, hub_of
from app.ui.scheduled_backup import ScheduledBackups
from app.ui.shop_devices import ShopDevices
from app.ui.till_place import TillPlace
from app.ui.watcher import WATCH_INTERVAL_MS, StoreWatcher
from app.ui.window_views import SETTINGS, ShopView, WindowViews

if TYPE_CHECKING:
    from app.ui.settings.settings_view import SettingsView


@dataclass(frozen=True)
class OpenStore:
    """The window's parts that work on its open store."""

    store: Store
    changes: ChangeHub
    watcher: StoreWatcher
    till_place: TillPlace
    views: WindowViews
    backups: ScheduledBackups
    backup_notices: BackupNotices

    @classmethod
    def of(
        cls,
        store: Store,
        window: QObject,
        shop: ShopSettings,
        devices: ShopDevices | None,
        stack: QStackedWidget,
        attach: Callable[[ShopView], None],
        *,
        watch_interval_ms: int | None = None,
    ) -> OpenStore:
        """The parts for `window`; the views are built into `stack`, `attach`ed to it."""
        # Every view hears what changed through the store's hub; the watcher adds other
        # tills' writes while someone is logged in.
        interval = WATCH_INTERVAL_MS if watch_interval_ms is None else watch_interval_ms
        watcher = StoreWatcher(store, window, interval_ms=interval)
        # Where this till sells from: looked up once a log-in, for POS, Refund and the banner.
        place = TillPlace(store, shop, window)
        # Each view is built when first shown or asked for: the locked screen needs none.
        views = WindowViews(store, shop, devices, stack, attach, place=place)
        # Started by the app (app.ui.app.Till), not by every window a test makes.
        backups = ScheduledBackups(store, parent=window)
        notices = BackupNotices(backups, views, window)
        return cls(store, hub_of(store), watcher, place, views, backups, notices)


class BackupNotices(QObject):
    """A scheduled backup's report, on the Settings view's backup page once that view is
    built (and at once if it is).

    Signals:
        problem(str): a report came; the backups' problem now ("" when the last one worked).
    """

    problem = Signal(str)

    def __init__(self, backups: ScheduledBackups, views: WindowViews, parent: QObject) -> None:
        super().__init__(parent)
        self._backups = backups
        self._views = views
        self._report: tuple[str, bool] | None = None
        backups.reported.connect(self._reported)
        views.when_built(SETTINGS, self._show_report)

    def _reported(self, text: str, failed: bool) -> None:
        self._report = (text, failed)
        if self._views.is_built(SETTINGS):  # else shown when the Settings view is built
            self._show_report()
        self.problem.emit(self._backups.problem)

    def _show_report(self) -> None:
        page = cast("SettingsView", self._views.get(SETTINGS)).backup_page
        if self._report is not None and page is not None:
            page.show_report(*self._report)
