"""Starting the window: `serialpos` / `serialpos gui` end here (app.cli.gui.cmd_gui)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop
from PySide6.QtWidgets import QApplication

from app.config import Settings, load_settings
from app.devices.settings import ScannerSettings
from app.effects.handlers import Effects
from app.effects.mail import open_mail_queue
from app.errors import UserError
from app.ui.errors import install_exception_hook, show_problem
from app.ui.main_window import MainWindow
from app.ui.shop_devices import ShopDevices
from app.ui.store_opening import StoreOpening, open_shop_store, url_shown
from app.ui.wedge_filter import WedgeFilter

if TYPE_CHECKING:  # opened after the locked screen is painted (app.ui.store_opening)
    from app.db.uow import Store

APP_NAME = "SerialPOS"
EXIT_CANNOT_START = 2  # as the command line's exit status for bad input
WINDOW_SIZE = (1280, 760)
SMOKE_SECONDS = 0.5
SMOKE_OPEN_SECONDS = 120  # a new demo store on a slow CI machine


def style_sheet() -> str:
    """The app's style sheet, shipped inside the package (pyproject package-data)."""
    return resources.files("app.ui").joinpath("style.qss").read_text(encoding="utf-8")


def make_application() -> QApplication:
    """The one QApplication, named and styled; reused if one already runs (tests)."""
    existing = QCoreApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setStyle("Fusion")  # the same look on every platform; the style sheet refines it
    app.setStyleSheet(style_sheet())
    return app


def open_shop(store_url: str, *, demo: bool) -> tuple[Store, Settings]:
    """Settings and the migrated store, opened now (the benchmarks' windows; the window's
    own start opens the store after its first paint: `Till.start`)."""
    settings = load_settings()
    return open_shop_store(store_url, demo=demo), settings


def install_wedge(app: QApplication, window: MainWindow, settings: Settings) -> WedgeFilter:
    """Keyboard-wedge scanners: every key press passes the decoder first; codes go to the
    view on screen. A serial scanner's codes (DeviceBridge.codeScanned) go the same way."""
    table = settings.scanner if settings.scanner.get("kind", "wedge") == "wedge" else {}
    try:
        scanner = ScannerSettings.from_dict(table)
    except UserError as exc:
        window.show_problem(f"scanner settings: {exc.message} (using the defaults)")
        scanner = ScannerSettings()
    wedge = WedgeFilter(scanner, parent=window)
    app.installEventFilter(wedge)
    wedge.scanned.connect(window.route_scan)
    wedge.rejected.connect(window.show_problem)
    return wedge


def place_window(window: MainWindow) -> None:
    """A sensible first size, within the screen, at its top-left (no window manager may
    be there to place it, as on a kiosk till)."""
    area = window.screen().availableGeometry()
    window.resize(min(WINDOW_SIZE[0], area.width()), min(WINDOW_SIZE[1], area.height()))
    window.move(area.topLeft())


def run_gui(store_url: str, *, demo: bool = True) -> int:
    """Shows the window (locked until a PIN is entered), opens the store, runs until quit.
    A store that cannot be opened is said in the window; then the exit status is 2."""
    app = make_application()
    install_exception_hook()
    try:
        settings = load_settings()
    except UserError as exc:
        show_problem(None, exc.message, title=f"{APP_NAME} — cannot start")
        return EXIT_CANNOT_START
    till = Till(None, settings)
    try:
        till.start(app, store_url=store_url, demo=demo)
        status = app.exec()
        return EXIT_CANNOT_START if till.problem else status
    finally:
        till.stop()


class Till:
    """The running window with its devices (print queue, serial scanner), mail queue and
    after-commit effects, as `run_gui` starts them (the start-up benchmark too).

    `store` None: `start` shows the window first and opens the store once its PIN field
    is painted (app.ui.store_opening); `store` and `problem` say how that went."""

    def __init__(self, store: Store | None, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.devices = ShopDevices(settings)  # the print queue and a serial scanner, if set up
        self.mail = MailLink(settings)
        self.problem = ""  # why the store could not be opened
        self._window: MainWindow | None = None
        self._opens_store = store is None  # and so disposes of it

    def start(self, app: QApplication, *, store_url: str = "", demo: bool = False) -> MainWindow:
        """Shows the window, locked and asking for a PIN; each view is built when needed.
        Without a store yet, the store at `store_url` is opened after the first paint
        (with demo data for a store without users if `demo`)."""
        settings, devices = self.settings, self.devices
        window = MainWindow(None, settings.shop, devices=devices)
        self._window = window
        install_wedge(app, window, settings)
        place_window(window)
        devices.start()
        window.start()
        if self.store is not None:
            self._store_opened(self.store)
        else:
            assert window.pin_dialog is not None, "a window starts locked"
            opening = StoreOpening(
                store_url, demo=demo, painted=window.pin_dialog.pin_edit, parent=window
            )
            opening.opened.connect(self._store_opened)
            opening.failed.connect(self._store_failed)
        for problem in devices.startup_problems:  # bad [[printers]] or [scanner] tables
            window.show_problem(problem)
        return window

    def _store_opened(self, store: Store) -> None:
        window, settings, devices, mail = self._window, self.settings, self.devices, self.mail
        assert window is not None
        if self._opens_store and not window.isVisible():  # quit while the store was opening
            store.dispose()
            return
        self.store = store
        window.open_store(store)
        # After-commit effects, as on the command line: a committed sale prints its receipt
        # from whichever thread wrote it; a problem reaches the window through a signal.
        effects = Effects(settings, devices.queue, problem=devices.problem.emit, mail=mail.queue)
        store.listen(effects)
        mail.effects = effects
        devices.settings_applied.connect(effects.apply)
        devices.settings_applied.connect(mail.apply)
        window.when_view_built("POS", lambda: print_from_pos(window, effects))
        window.when_view_built("Tickets", lambda: print_from_tickets(window, effects))
        window.backups.start()  # the scheduled backup ([backup] in the settings file)

    def _store_failed(self, problem: str) -> None:
        self.problem = problem
        if self._window is not None:
            self._window.store_failed(problem)

    def stop(self) -> None:
        self.devices.stop()  # unsent jobs stay in the spool for the next start
        self.mail.stop()  # unsent mail too
        if self._opens_store and self.store is not None:
            self.store.dispose()


def print_from_pos(window: MainWindow, effects: Effects) -> None:
    """The POS view's day report and receipt reprints to `effects`."""
    window.pos_view.day_report_print_requested.connect(effects.print_day_report)
    window.pos_view.set_receipt_printing(lambda sale: effects.print_sale(sale, reprint=True))


def print_from_tickets(window: MainWindow, effects: Effects) -> None:
    """The Tickets view's intake tags and claim slips to `effects`."""
    window.tickets_view.print_requested.connect(
        lambda ticket, kind: effects.print_ticket_papers(
            ticket, tag=kind == "tag", slip=kind == "slip"
        )
    )


class MailLink:
    """The window's mail queue (None until [mail] is set up): started with the window,
    stopped with it, and opened again on the new server when Settings saves [mail]."""

    def __init__(self, settings: Settings) -> None:
        self.mail = settings.mail
        self.queue = open_mail_queue(settings)
        self.effects: Effects | None = None

    def apply(self, settings: Settings) -> None:
        if settings.mail == self.mail:
            return
        self.stop()
        self.mail = settings.mail
        self.queue = open_mail_queue(settings)
        if self.effects is not None:
            self.effects.mail = self.queue

    def stop(self) -> None:
        if self.queue is not None:
            self.queue.stop()


def smoke_test(store_url: str) -> int:
    """`serialpos gui --smoke`: proves a build starts. Shows the main window, opens
    (creates, migrates, fills with demo data) the store, lets it run briefly, closes and
    exits; a store that cannot be opened is one line on stderr and exit status 2."""
    app = make_application()
    try:
        settings = load_settings()
    except UserError as exc:
        print(f"serialpos: {exc.message}", file=sys.stderr)
        return EXIT_CANNOT_START
    till = Till(None, settings)
    try:
        window = till.start(app, store_url=store_url, demo=True)  # shown, locked, a PIN asked
        _run_until(app, lambda: till.store is not None or bool(till.problem), SMOKE_OPEN_SECONDS)
        if till.store is not None:
            _run_until(app, lambda: False, SMOKE_SECONDS)
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        till.stop()
    if till.store is None:
        print(f"serialpos: {till.problem or 'the store did not open in time'}", file=sys.stderr)
        return EXIT_CANNOT_START
    print(f"smoke test passed: {url_shown(store_url)}")
    return 0


def _run_until(app: QApplication, done: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
