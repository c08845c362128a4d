"""Starting the window: `serialpos` / `serialpos gui` end here (app.cli.gui.cmd_gui)."""

from __future__ import annotations

import sys
import time
from importlib import resources

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings, load_settings
from app.db.uow import Store, open_store
from app.devices.settings import ScannerSettings
from app.effects.handlers import Effects
from app.effects.mail import open_mail_queue
from app.errors import StoreUnavailable, UserError
from app.ui.errors import install_exception_hook, show_problem
from app.ui.main_window import MainWindow
from app.ui.shop_devices import ShopDevices
from app.ui.wedge_filter import WedgeFilter

APP_NAME = "SerialPOS"
EXIT_CANNOT_START = 2  # as the command line's exit status for bad input
WINDOW_SIZE = (1280, 760)
SMOKE_SECONDS = 0.5


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
    """Settings and the migrated store; a store with no users gets demo data if `demo`."""
    settings = load_settings()
    try:
        store = open_store(store_url, idle_checkpoints=True)  # the watcher calls idle()
    except SQLAlchemyError as exc:
        # A server that is down or a file we may not write: say so, not a traceback.
        shown = store_url.split("@")[-1]  # never show a password from the URL
        raise StoreUnavailable.at(shown, exc) from exc
    if demo:
        from app.demo import ensure_demo_store  # the stock services: not for the lock screen

        ensure_demo_store(store)
    return store, settings


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
    """Opens the store, shows the window (locked until a PIN is entered), runs until quit."""
    app = make_application()
    install_exception_hook()
    try:
        store, settings = open_shop(store_url, demo=demo)
    except UserError as exc:
        show_problem(None, exc.message, title=f"{APP_NAME} — cannot start")
        return EXIT_CANNOT_START
    till = Till(store, settings)
    try:
        till.start(app)
        return app.exec()
    finally:
        till.stop()
        store.dispose()


class Till:
    """The running window with its devices (print queue, serial scanner), mail queue and
    after-commit effects, as `run_gui` starts them (the start-up benchmark too)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.devices = ShopDevices(settings)  # the print queue and a serial scanner, if set up
        self.mail = MailLink(settings)

    def start(self, app: QApplication) -> MainWindow:
        """Shows the window, locked and asking for a PIN; each view is built when needed."""
        store, settings, devices, mail = self.store, self.settings, self.devices, self.mail
        window = MainWindow(store, settings.shop, devices=devices)
        install_wedge(app, window, settings)
        # After-commit effects, as on the command line: a committed sale prints its receipt
        # from whichever thread wrote it; a problem reaches the window through a signal.
        effects = Effects(settings, devices.queue, problem=devices.problem.emit, mail=mail.queue)
        store.listen(effects)
        mail.effects = effects
        devices.settings_applied.connect(effects.apply)
        devices.settings_applied.connect(mail.apply)
        window.when_view_built("POS", lambda: print_from_pos(window, effects))
        window.when_view_built("Tickets", lambda: print_from_tickets(window, effects))
        place_window(window)
        devices.start()
        window.start()
        window.backups.start()  # the scheduled backup ([backup] in the settings file)
        for problem in devices.startup_problems:  # bad [[printers]] or [scanner] tables
            window.show_problem(problem)
        return window

    def stop(self) -> None:
        self.devices.stop()  # unsent jobs stay in the spool for the next start
        self.mail.stop()  # unsent mail too


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
    """`serialpos gui --smoke`: proves a build starts. Opens (creates, migrates, fills with
    demo data) the store, shows the main window, lets it run briefly, closes and exits."""
    app = make_application()
    try:
        store, settings = open_shop(store_url, demo=True)
    except UserError as exc:
        print(f"serialpos: {exc.message}", file=sys.stderr)
        return EXIT_CANNOT_START
    try:
        window = MainWindow(store, settings.shop)
        place_window(window)
        window.start()  # shown, locked, asking for a PIN
        deadline = time.monotonic() + SMOKE_SECONDS
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            time.sleep(0.01)
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    finally:
        store.dispose()
    print(f"smoke test passed: {store_url.split('@')[-1]}")
    return 0
