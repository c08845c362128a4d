"""The app's window: a side bar of views, the current view, and a status bar that says
which store is open and who is acting. It starts locked; a PIN opens it; Ctrl+L locks it."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings, ShopSettings
from app.db.uow import Store
from app.devices.print_jobs import JobEvent
from app.events import Change
from app.ui.changes import hub_of
from app.ui.dialogs.pin_dialog import PinDialog
from app.ui.formatting import actor_title
from app.ui.ops import Ops
from app.ui.scheduled_backup import ScheduledBackups
from app.ui.till_place import TillPlace
from app.ui.warm_up import WarmUp
from app.ui.watcher import WATCH_INTERVAL_MS, StoreWatcher
from app.ui.window_views import (
    POS,
    PRINT_JOBS,
    REFUND,
    SETTINGS,
    STOCK,
    TICKETS,
    ShopView,
    WindowViews,
)
from app.users.roles import ROLE_TITLES, Actor, Permission, Role

if TYPE_CHECKING:  # each built when first needed (app.ui.window_views)
    from app.ui.pos.pos_view import PosView
    from app.ui.print_jobs_panel import PrintJobsPanel
    from app.ui.refund.refund_view import RefundView
    from app.ui.settings.settings_view import SettingsView
    from app.ui.shop_devices import ShopDevices
    from app.ui.stock.stock_view import StockView
    from app.ui.tickets.tickets_view import TicketsView

PROBLEM_SHOWN_MS = 12_000  # long enough to read twice, short enough not to go stale


def store_title(store: Store) -> str:
    """The open store as the status bar shows it: a file path, or a server and database."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or "(in memory)"
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    return f"{user}{url.host or 'localhost'}{port}/{url.database or ''}"


class LockedPage(QWidget):
    """What a locked till shows: the shop's name and nothing of its stock. The PIN dialog
    sits in the middle, so the name stays above it."""

    def __init__(self, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockedPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the QSS paints it
        name = QLabel(shop_name)
        name.setObjectName("LockedTitle")
        hint = QLabel("Locked — enter your PIN to continue")
        hint.setObjectName("LockedHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 72, 24, 24)
        layout.addWidget(name, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)


class SideBar(QFrame):
    """The list of views, and at its foot who is acting and the Lock button."""

    def __init__(self, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SideBar")
        self.setFixedWidth(180)
        title = QLabel("SerialPOS")
        title.setObjectName("SideBarTitle")
        shop = QLabel(shop_name)
        shop.setObjectName("SideBarShop")
        shop.setWordWrap(True)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.user_label = QLabel()
        self.user_label.setObjectName("SideBarUser")
        self.user_label.setWordWrap(True)
        self.lock_button = QPushButton("Lock   Ctrl+L")
        self.lock_button.setObjectName("LockButton")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 14)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(shop)
        layout.addSpacing(18)
        layout.addWidget(self.nav, 1)
        layout.addWidget(self.user_label)
        layout.addWidget(self.lock_button)

    def show_actor(self, actor: Actor | None) -> None:
        if actor is None:
            self.user_label.clear()
            return
        role = ROLE_TITLES[actor.role].capitalize()
        self.user_label.setText(
            f"<b>{escape(actor.name)}</b><br><span style='color:#9aa5b1'>{role}</span>"
        )

    def add_view(self, title: str, shortcut: str) -> None:
        item = QListWidgetItem(title)
        item.setToolTip(f"{title} ({shortcut})")
        self.nav.addItem(item)


class MainWindow(QMainWindow):
    """The till's window. Views get the acting user on log-in and None on lock."""

    def __init__(
        self,
        store: Store,
        shop: ShopSettings,
        parent: QWidget | None = None,
        *,
        devices: ShopDevices | None = None,
        watch_interval_ms: int = WATCH_INTERVAL_MS,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.actor: Actor | None = None
        self.till_problem = ""
        self._last_actor_id: int | None = None
        self.pin_dialog: PinDialog | None = None
        self.warm_up: WarmUp | None = None  # the first PIN dialog's (app.ui.warm_up)
        self.quit_box: QMessageBox | None = None
        self._quit_asked = False
        # Every view hears what changed through the store's hub; the watcher adds other
        # tills' writes while someone is logged in.
        self.changes = hub_of(store)
        self.watcher = StoreWatcher(store, self, interval_ms=watch_interval_ms)

        # Where this till sells from: looked up once a log-in, for POS, Refund and the banner.
        self.till_place = TillPlace(store, shop, self)
        self.till_place.located.connect(lambda _name: self._show_till_problem(None))
        self.till_place.lost.connect(self._show_till_problem)
        self.shop = shop
        self._ops = Ops(store, self, show_problem=self.show_problem)
        self.devices = devices

        self.side_bar = SideBar(shop.name)
        self.view_stack = QStackedWidget()
        # The locked screen needs no view: each is built when first shown or asked for.
        self._views = WindowViews(
            store, shop, devices, self.view_stack, self._attach, place=self.till_place
        )
        self.view_titles = self._views.titles
        work = QWidget()
        work.setObjectName("WorkArea")
        work_layout = QHBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.setSpacing(0)
        work_layout.addWidget(self.side_bar)
        # Above every view while this till cannot sell: what is wrong and the fix.
        self.till_banner = QLabel()
        self.till_banner.setObjectName("TillBanner")
        self.till_banner.setWordWrap(True)
        self.till_banner.setStyleSheet(
            "background: #fdecea; color: #8a1c14; padding: 6px 12px; font-weight: bold;"
        )
        self.till_banner.setVisible(False)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        right.addWidget(self.till_banner)
        right.addWidget(self.view_stack, 1)
        work_layout.addLayout(right, 1)
        self.work_area = work

        self.locked_page = LockedPage(shop.name)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.locked_page)
        self.pages.addWidget(work)
        self.setCentralWidget(self.pages)

        self._build_actions()
        self._view_actions: list[QAction] = []
        for number, title in enumerate(self.view_titles, start=1):
            self._add_view_entry(title, number)
        self.side_bar.nav.currentRowChanged.connect(self._show_view)
        self.side_bar.lock_button.clicked.connect(self.lock)
        self._build_status_bar()
        if devices is not None:
            devices.bridge.printJobChanged.connect(self._print_job_changed)
            devices.problem.connect(self.show_problem)
            devices.bridge.scanRejected.connect(self.show_problem)
            devices.bridge.codeScanned.connect(self.route_scan)
        # Started by the app (app.ui.app.run), not by every window a test makes.
        self.backups = ScheduledBackups(store, parent=self)
        self.backups.reported.connect(self._backup_reported)
        self._backup_report: tuple[str, bool] | None = None
        self._views.when_built(SETTINGS, self._show_backup_report)
        self._show_locked()

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
            self._views.get(title)

    def when_view_built(self, title: str, callback: Callable[[], None]) -> None:
        """Calls `callback` once the view `title` is built (now, if it is)."""
        self._views.when_built(title, callback)

    @property
    def views(self) -> list[ShopView]:
        """Every view, in side-bar order (building those not built yet)."""
        return [self._views.get(title) for title in self.view_titles]

    @property
    def pos_view(self) -> PosView:
        return cast("PosView", self._views.get(POS))

    @property
    def refund_view(self) -> RefundView:
        return cast("RefundView", self._views.get(REFUND))

    @property
    def stock_view(self) -> StockView:
        return cast("StockView", self._views.get(STOCK))

    @property
    def tickets_view(self) -> TicketsView:
        return cast("TicketsView", self._views.get(TICKETS))

    @property
    def print_jobs(self) -> PrintJobsPanel:
        return cast("PrintJobsPanel", self._views.get(PRINT_JOBS))

    @property
    def settings_view(self) -> SettingsView:
        return cast("SettingsView", self._views.get(SETTINGS))

    def _build_actions(self) -> None:
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.search_action = QAction("&Search", self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(lambda: self.current_view().focus_search())
        self.refresh_action = QAction("&Refresh", self)
        # F5 only: on some desktops the standard Refresh is also Ctrl+R (Receive in Stock).
        self.refresh_action.setShortcut(QKeySequence("F5"))
        self.refresh_action.triggered.connect(lambda: self.current_view().refresh())

        till = self.menuBar().addMenu("&Till")
        till.addAction(self.lock_action)
        till.addSeparator()
        till.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        self.view_menu.addAction(self.search_action)
        self.view_menu.addAction(self.refresh_action)
        self.view_menu.addSeparator()
        # Actions that need someone logged in: off while locked, so no shortcut reaches a view.
        self._logged_in_actions = [
            self.lock_action,
            self.search_action,
            self.refresh_action,
        ]

    def _add_view_entry(self, title: str, number: int) -> None:
        shortcut = f"Ctrl+{number}"
        self.side_bar.add_view(title, shortcut)
        action = QAction(title, self)
        action.setShortcut(QKeySequence(shortcut))
        row = number - 1
        action.triggered.connect(lambda: self.side_bar.nav.setCurrentRow(row))
        self.view_menu.addAction(action)
        self._logged_in_actions.append(action)
        self._view_actions.append(action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("ProblemLabel")
        self.store_label = QLabel(f"Store: {store_title(self.store)}")
        self.store_label.setObjectName("StoreLabel")
        self.user_label = QLabel()
        self.user_label.setObjectName("UserLabel")
        bar.addWidget(self.problem_label, 1)
        bar.addPermanentWidget(self.store_label)
        bar.addPermanentWidget(self.user_label)
        self._problem_timer = QTimer(self)
        self._problem_timer.setSingleShot(True)
        self._problem_timer.timeout.connect(self.problem_label.clear)

    # ------------------------------------------------------------ views

    def current_view(self) -> ShopView:
        return self._views.get(self.view_titles[max(self.side_bar.nav.currentRow(), 0)])

    def _show_view(self, row: int) -> None:
        if row < 0:
            return
        self._views.get(self.view_titles[row])
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
        title = PRINT_JOBS
        row = self.view_titles.index(title)
        item = self.side_bar.nav.item(row)
        item.setText(f"{title}  ⚠ {count}" if count else title)
        item.setToolTip(f"{count} job(s) did not print — Ctrl+{row + 1}" if count else "")

    def _settings_saved(self, settings: object) -> None:
        # The settings file is not the store: its saves are announced here.
        if isinstance(settings, Settings):
            self.shop = settings.shop
            self._views.set_shop(settings.shop)
            if self.actor is not None:
                self.till_place.look_up(settings.shop)  # a fixed location clears the banner
        self.changes.announce({Change.SETTINGS})

    def _backup_reported(self, text: str, failed: bool) -> None:
        self._backup_report = (text, failed)
        if self._views.is_built(SETTINGS):  # else shown when the Settings view is built
            self._show_backup_report()
        self._show_backup_problem()

    def _show_backup_report(self) -> None:
        page = self.settings_view.backup_page
        if self._backup_report is not None and page is not None:
            page.show_report(*self._backup_report)

    def _show_backup_problem(self) -> None:
        # A failed backup is the manager's to fix: said to a manager, once per report.
        if self.backups.problem and self.actor is not None and self.actor.role is Role.MANAGER:
            self.show_problem(self.backups.problem)

    def show_problem(self, message: str) -> None:
        """A refused query or action, in the status bar until it goes stale."""
        self.problem_label.setText(message)
        self.problem_label.setToolTip(message)
        self._problem_timer.start(PROBLEM_SHOWN_MS)

    # ------------------------------------------------------------ log-in and lock

    def start(self) -> None:
        """Shows the window locked and asks for a PIN."""
        self.show()
        self.lock()

    def lock(self) -> None:
        """Hides everything behind the PIN dialog; the views forget the acting user."""
        self.actor = None
        self.watcher.stop()
        self.till_place.log_out()
        for view in self._views.built():
            view.set_actor(None)
        self._show_locked()
        self._ask_pin()

    def log_in(self, actor: Actor) -> None:
        self.actor = actor
        self.pages.setCurrentWidget(self.work_area)
        for action in self._logged_in_actions:
            action.setEnabled(True)
        self.user_label.setText(f"User: {actor_title(actor)}")
        self.side_bar.show_actor(actor)
        tickets_row = self.view_titles.index(TICKETS)
        may_tickets = actor.can(Permission.TICKETS)
        self.side_bar.nav.item(tickets_row).setHidden(not may_tickets)
        self._view_actions[tickets_row].setEnabled(may_tickets)
        for view in self._views.built():  # a view built from now on gets it when built
            view.set_actor(actor)
        if self.side_bar.nav.currentRow() < 0 or actor.id != self._last_actor_id:
            # Each kind of user starts where their work is; the same user coming back
            # from the lock finds the view they left.
            self.side_bar.nav.setCurrentRow(self.view_titles.index(self.landing_title(actor)))
        if self.devices is not None:
            self._views.get(PRINT_JOBS)  # it counts the jobs that did not print
        self._last_actor_id = actor.id
        self._set_title()
        self.current_view().focus_search()
        self.watcher.start()
        # Asked once, whichever till view asked first: a till whose selling location is
        # wrong says so now, with the fix, never first at payment (PRODUCT.md: settings).
        self.till_place.log_in()
        self._show_backup_problem()

    def _show_till_problem(self, problem: str | None) -> None:
        self.till_problem = problem or ""
        self.till_banner.setText(f"Till location: {problem}" if problem else "")
        self.till_banner.setVisible(bool(problem) and self.actor is not None)

    def landing_title(self, actor: Actor) -> str:
        """Service lands on Tickets, back office on Stock, cashier and manager on POS."""
        if actor.role is Role.SERVICE:
            return TICKETS
        if actor.role is Role.BACK_OFFICE:
            return STOCK
        return POS

    def _show_locked(self) -> None:
        self.pages.setCurrentWidget(self.locked_page)
        for action in self._logged_in_actions:
            action.setEnabled(False)
        self.user_label.setText("Locked")
        self.side_bar.show_actor(None)
        self.problem_label.clear()
        self._set_title()

    def _ask_pin(self) -> None:
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            self.pin_dialog.pin_edit.setFocus()
            return
        dialog = PinDialog(self.store, self)
        dialog.finished.connect(lambda result: self._pin_finished(dialog, result))
        self.pin_dialog = dialog
        if self.warm_up is None:  # the first log-in's imports, once the PIN field is painted
            self.warm_up = WarmUp(dialog.pin_edit, parent=self)
        dialog.open()  # window-modal and non-blocking: the event loop keeps running

    def _pin_finished(self, dialog: PinDialog, result: int) -> None:
        self.pin_dialog = None
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and dialog.actor is not None:
            self.log_in(dialog.actor)
        else:
            self.close()  # Quit in the PIN dialog closes the app

    def _ask_before_quitting(self) -> None:
        """Ctrl+Q or the close button with a sale open: it is kept either way (it comes
        back at the next log-in on this till), but nobody quits on it by accident."""
        if self.quit_box is not None:
            return
        items = sum(line.qty for line in self.pos_view.cart_model.lines())
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "SerialPOS — Quit",
            f"A sale is open ({items} item{'s' if items != 1 else ''}). Quit anyway?\n"
            "It is kept and comes back when you log in on this till again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Quit")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.quit_box = box

        def answered(result: int) -> None:
            self.quit_box = None
            if result == QMessageBox.StandardButton.Yes.value:
                self._quit_asked = True
                self.close()

        box.finished.connect(answered)
        box.open()

    def _set_title(self) -> None:
        if self.actor is None:
            self.setWindowTitle("SerialPOS — Locked")
        else:
            self.setWindowTitle(f"SerialPOS — {self.current_view().title} — {self.actor.name}")

    def closeEvent(self, event: QCloseEvent) -> None:
        open_sale = (
            self.actor is not None
            and self._views.is_built(POS)
            and self.pos_view.has_open_sale()
        )
        if open_sale and not self._quit_asked:
            event.ignore()  # asked first; the answer closes the window or not
            self._ask_before_quitting()
            return
        self.watcher.stop()
        # Calls on their way finish (a sale is never cut off) before the store is closed.
        QThreadPool.globalInstance().waitForDone(10_000)
        dialog, self.pin_dialog = self.pin_dialog, None
        if dialog is not None:
            dialog.finished.disconnect()  # closing already; do not come back here
            dialog.done(QDialog.DialogCode.Rejected)
        super().closeEvent(event)
