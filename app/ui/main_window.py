"""The app's window: a side bar of views, the current view, and a status bar that says
which store is open and who is acting. It starts locked; a PIN opens it; Ctrl+L locks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QThreadPool
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.config import Settings, ShopSettings
from app.devices.print_jobs import JobEvent
from app.events import Change
from app.ui.formatting import actor_title
from app.ui.locked_screen import LockedPage, PinAsk, landing_title
from app.ui.quit_guard import ask_before_quitting
from app.ui.side_bar import SideBar, work_area
from app.ui.window_menus import WindowMenus
from app.ui.window_status import StatusLine, TillBanner
from app.ui.window_views import (
    POS,
    PRINT_JOBS,
    REFUND,
    SETTINGS,
    STOCK,
    TICKETS,
    ShopView,
    view_titles,
)
from app.users.roles import Actor, Permission, Role

if TYPE_CHECKING:  # each built when first needed (app.ui.window_views)
    from app.db.uow import Store
    from app.ui.dialogs.pin_dialog import PinDialog
    from app.ui.pos.pos_view import PosView
    from app.ui.print_jobs_panel import PrintJobsPanel
    from app.ui.refund.refund_view import RefundView
    from app.ui.scheduled_backup import ScheduledBackups
    from app.ui.settings.settings_view import SettingsView
    from app.ui.shop_devices import ShopDevices
    from app.ui.stock.stock_view import StockView
    from app.ui.tickets.tickets_view import TicketsView
    from app.ui.till_place import TillPlace
    from app.ui.watcher import StoreWatcher
    from app.ui.window_store import OpenStore


class MainWindow(QMainWindow):
    """The till's window. Views get the acting user on log-in and None on lock.

    `store` None: the window is shown, locked, before its store is open; `open_store`
    then gives it the store (app.ui.app opens it once the PIN field is painted)."""

    def __init__(
        self,
        store: Store | None,
        shop: ShopSettings,
        parent: QWidget | None = None,
        *,
        devices: ShopDevices | None = None,
        watch_interval_ms: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.actor: Actor | None = None
        self.till_problem = ""
        self._last_actor_id: int | None = None
        self.quit_box: QMessageBox | None = None
        self._quit_asked = False
        self.shop = shop
        self.devices = devices
        self._watch_interval_ms = watch_interval_ms
        self._open: OpenStore | None = None

        self.side_bar = SideBar(shop.name)
        self.view_stack = QStackedWidget()
        self.view_titles = view_titles(devices=devices is not None)
        self.till_banner = TillBanner()
        self.work_area = work = work_area(self.side_bar, self.till_banner, self.view_stack)

        self.locked_page = LockedPage(shop.name)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.locked_page)
        self.pages.addWidget(work)
        self.setCentralWidget(self.pages)
        self._pin = PinAsk(self, store)
        self._pin.logged_in.connect(self.log_in)
        self._pin.quit.connect(self.close)

        self.menus = WindowMenus(
            self,
            self.view_titles,
            lock=self.lock,
            search=lambda: self.current_view().focus_search(),
            refresh=lambda: self.current_view().refresh(),
            show_row=self.side_bar.nav.setCurrentRow,
        )
        self.lock_action = self.menus.lock_action
        self.search_action = self.menus.search_action
        self.refresh_action = self.menus.refresh_action
        for number, title in enumerate(self.view_titles, start=1):
            self.side_bar.add_view(title, f"Ctrl+{number}")
        self.side_bar.nav.currentRowChanged.connect(self._show_view)
        self.side_bar.lock_button.clicked.connect(self.lock)
        self.status_line = StatusLine(self)
        self.problem_label = self.status_line.problem_label
        self.store_label = self.status_line.store_label
        self.user_label = self.status_line.user_label
        if devices is not None:
            devices.bridge.printJobChanged.connect(self._print_job_changed)
            devices.problem.connect(self.show_problem)
            devices.bridge.scanRejected.connect(self.show_problem)
            devices.bridge.codeScanned.connect(self.route_scan)
        self._show_locked()
        if store is not None:
            self.open_store(store)

    # ------------------------------------------------------------ the store

    def open_store(self, store: Store) -> None:
        """The store is open: the parts that use it are made, and PINs are checked."""
        from app.ui.window_store import OpenStore  # with SQLAlchemy: not for the lock screen

        opened = OpenStore.of(
            store,
            self,
            self.shop,
            self.devices,
            self.view_stack,
            self._attach,
            watch_interval_ms=self._watch_interval_ms,
        )
        opened.till_place.located.connect(lambda _name: self._show_till_problem(None))
        opened.till_place.lost.connect(self._show_till_problem)
        # A failed backup is the manager's to fix: said to a manager, once per report.
        opened.backup_notices.problem.connect(self._show_backup_problem)
        self._open = opened
        self.status_line.show_store(store)
        self._pin.store_opened(store)

    def store_failed(self, problem: str) -> None:
        """The store could not be opened: the locked screen says why; only Quit is left."""
        self.store_label.setText("Store: not open")
        self._pin.store_failed(problem)

    @property
    def is_open(self) -> bool:
        return self._open is not None

    @property
    def opened(self) -> OpenStore:
        """The store's parts; only once the store is open (a log-in needs it)."""
        if self._open is None:
            raise RuntimeError("the store is not open yet")
        return self._open

    @property
    def store(self) -> Store:
        return self.opened.store

    @property
    def watcher(self) -> StoreWatcher:
        return self.opened.watcher

    @property
    def till_place(self) -> TillPlace:
        return self.opened.till_place

    @property
    def backups(self) -> ScheduledBackups:
        return self.opened.backups

    @property
    def pin_dialog(self) -> PinDialog | None:
        """The PIN dialog while the till is locked."""
        return self._pin.dialog

    # ------------------------------------------------------------ building

    def _attach(self, view: ShopView) -> None:
        """A view just built: connected to the window, told who is acting."""
        view.problem.connect(self.show_problem)
        if view.title == POS:
            pos = cast("PosView", view)
            pos.refund_requested.connect(self.open_refund)
        if view.title in (POS, REFUND):
            notice = cast("PosView | RefundView", view).notice
            notice.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        if view.title == PRINT_JOBS:
            cast("PrintJobsPanel", view).trouble_changed.connect(self._count_unprinted)
        if view.title == SETTINGS:
            cast("SettingsView", view).saved.connect(self._settings_saved)
        view.set_actor(self.actor)

    def build_views(self) -> None:
        """Builds every view now (each is otherwise built when first needed)."""
        for title in self.view_titles:
            self.opened.views.get(title)

    def when_view_built(self, title: str, callback: Callable[[], None]) -> None:
        """Calls `callback` once the view `title` is built (now, if it is)."""
        self.opened.views.when_built(title, callback)

    @property
    def views(self) -> list[ShopView]:
        """Every view, in side-bar order (building those not built yet)."""
        return [self.opened.views.get(title) for title in self.view_titles]

    @property
    def pos_view(self) -> PosView:
        return cast("PosView", self.opened.views.get(POS))

    @property
    def refund_view(self) -> RefundView:
        return cast("RefundView", self.opened.views.get(REFUND))

    @property
    def stock_view(self) -> StockView:
        return cast("StockView", self.opened.views.get(STOCK))

    @property
    def tickets_view(self) -> TicketsView:
        return cast("TicketsView", self.opened.views.get(TICKETS))

    @property
    def print_jobs(self) -> PrintJobsPanel:
        return cast("PrintJobsPanel", self.opened.views.get(PRINT_JOBS))

    @property
    def settings_view(self) -> SettingsView:
        return cast("SettingsView", self.opened.views.get(SETTINGS))

    # ------------------------------------------------------------ views

    def current_view(self) -> ShopView:
        return self.opened.views.get(self.view_titles[max(self.side_bar.nav.currentRow(), 0)])

    def _show_view(self, row: int) -> None:
        if row < 0:
            return
        self.opened.views.get(self.view_titles[row])
        self.view_stack.setCurrentIndex(row)
        self._set_title()
        if self.actor is not None:
            self.current_view().focus_search()  # keyboard first: the new view's scan field

    def route_scan(self, code: str) -> None:
        """A scanner's code (wedge or serial port): to an open dialog that takes scans
        (receiving, the serial picker), else to the view on screen."""
        if self.actor is None:
            return  # locked: a scan opens nothing and types nothing into the PIN
        for target in (QApplication.activeModalWidget(), QApplication.activeWindow()):
            handler = getattr(target, "handle_scan", None)
            if target is not self and callable(handler):
                handler(code)
                return
        handle_scan = getattr(self.current_view(), "handle_scan", None)
        if handle_scan is None:
            self.show_problem(f"{self.current_view().title} does not take scans: Ctrl+1 is POS")
            return
        handle_scan(code)

    def open_refund(self, number: str) -> None:
        """POS asked to refund a receipt scanned there (F10): Refund opens on that sale."""
        self.side_bar.nav.setCurrentRow(self.view_titles.index(REFUND))
        self.refund_view.handle_scan(number)

    def _print_job_changed(self, event: object) -> None:
        """A receipt that did not print is said on the sale at once, not found later."""
        if not isinstance(event, JobEvent) or event.job.kind != "receipt":
            return
        from app.ui.print_jobs_panel import NOT_PRINTED, state_text

        job = event.job
        if job.state in NOT_PRINTED and event.previous not in NOT_PRINTED:
            number = job.title.removeprefix("Receipt ").split(" ")[0]
            why = job.last_error or state_text(job).lower()
            self.pos_view.receipt_not_printed(number, why.rstrip("."))

    def _count_unprinted(self, count: int) -> None:
        """Print jobs ⚠ 2 in the side bar: jobs that did not print."""
        self.side_bar.show_unprinted(self.view_titles.index(PRINT_JOBS), PRINT_JOBS, count)

    def _settings_saved(self, settings: object) -> None:
        # The settings file is not the store: its saves are announced here.
        if isinstance(settings, Settings):
            self.shop = settings.shop
            self.opened.views.set_shop(settings.shop)
            if self.actor is not None:
                self.till_place.look_up(settings.shop)  # a fixed location clears the banner
        self.opened.changes.announce({Change.SETTINGS})

    def _show_backup_problem(self, problem: str) -> None:
        if problem and self.actor is not None and self.actor.role is Role.MANAGER:
            self.show_problem(problem)

    def show_problem(self, message: str) -> None:
        """A refused query or action, in the status bar until it goes stale."""
        self.status_line.show_problem(message)

    # ------------------------------------------------------------ log-in and lock

    def start(self) -> None:
        """Shows the window locked and asks for a PIN."""
        self.show()
        self.lock()

    def lock(self) -> None:
        """Hides everything behind the PIN dialog; the views forget the acting user."""
        self.actor = None
        if self._open is not None:
            self._open.watcher.stop()
            self._open.till_place.log_out()
            for view in self._open.views.built():
                view.set_actor(None)
        self._show_locked()
        self._pin.ask()

    def log_in(self, actor: Actor) -> None:
        self.actor = actor
        self.pages.setCurrentWidget(self.work_area)
        self.menus.set_logged_in(True)
        self.user_label.setText(f"User: {actor_title(actor)}")
        self.side_bar.show_actor(actor)
        tickets_row = self.view_titles.index(TICKETS)
        may_tickets = actor.can(Permission.TICKETS)
        self.side_bar.nav.item(tickets_row).setHidden(not may_tickets)
        self.menus.view_actions[tickets_row].setEnabled(may_tickets)
        views = self.opened.views  # a log-in is a PIN the store knew: it is open
        for view in views.built():  # a view built from now on gets it when built
            view.set_actor(actor)
        if self.side_bar.nav.currentRow() < 0 or actor.id != self._last_actor_id:
            # Each kind of user starts where their work is; the same user coming back
            # from the lock finds the view they left.
            self.side_bar.nav.setCurrentRow(self.view_titles.index(landing_title(actor)))
        if self.devices is not None:
            views.get(PRINT_JOBS)  # it counts the jobs that did not print
        self._last_actor_id = actor.id
        self._set_title()
        self.current_view().focus_search()
        self.watcher.start()
        # Asked once, whichever till view asked first: a till whose selling location is
        # wrong says so now, with the fix, never first at payment (PRODUCT.md: settings).
        self.till_place.log_in()
        self._show_backup_problem(self.backups.problem)

    def _show_till_problem(self, problem: str | None) -> None:
        self.till_problem = problem or ""
        self.till_banner.show_problem(problem, logged_in=self.actor is not None)

    def _show_locked(self) -> None:
        self.pages.setCurrentWidget(self.locked_page)
        self.menus.set_logged_in(False)
        self.user_label.setText("Locked")
        self.side_bar.show_actor(None)
        self.problem_label.clear()
        self._set_title()

    def _ask_before_quitting(self) -> None:
        if self.quit_box is None:
            items = sum(line.qty for line in self.pos_view.cart_model.lines())
            self.quit_box = ask_before_quitting(self, items, self._quit_answered)

    def _quit_answered(self, quit: bool) -> None:
        self.quit_box = None
        if quit:
            self._quit_asked = True
            self.close()

    def _set_title(self) -> None:
        if self.actor is None:
            self.setWindowTitle("SerialPOS — Locked")
        else:
            self.setWindowTitle(f"SerialPOS — {self.current_view().title} — {self.actor.name}")

    def closeEvent(self, event: QCloseEvent) -> None:
        open_sale = (
            self.actor is not None
            and self.opened.views.is_built(POS)
            and self.pos_view.has_open_sale()
        )
        if open_sale and not self._quit_asked:
            event.ignore()  # asked first; the answer closes the window or not
            self._ask_before_quitting()
            return
        if self._open is not None:
            self._open.watcher.stop()
        # Calls on their way finish (a sale is never cut off, a store being opened is
        # open) before the store is closed.
        QThreadPool.globalInstance().waitForDone(10_000)
        self._pin.close()  # closing already: the dialog's Quit does not come back here
        super().closeEvent(event)
