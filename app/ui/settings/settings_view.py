"""The Settings view: the shop's printers and barcode scanner, saved in the settings file.

Only a manager may change them; anyone else sees them read-only (and may still print a
test page or test the scanner). Saving re-reads the settings file and replaces only the
device tables and the label size, so the shop's other settings are kept as they are on
disk, then hands the new settings to the running devices (print queue, scanner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import Settings, config_path, load_settings
from app.db.uow import Store
from app.devices.print_jobs import JobEvent, JobState
from app.devices.settings import DeviceSettingsError, PrinterSettings, parse_printers
from app.errors import UserError
from app.printing.documents import Receipt, ReceiptLine, TotalLine
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.settings.backup_page import BackupPage
from app.ui.settings.mail_page import MailPage
from app.ui.settings.printers_page import PrintersPage
from app.ui.settings.scanner_panel import ScannerForm, ScannerTest, check_scanner
from app.ui.settings.shop_page import ShopPage
from app.ui.settings.users_page import UsersPage
from app.ui.shop_devices import ShopDevices
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor, Role
from app.users.settings import save_settings_as

READ_ONLY_NOTE = (
    "Only a manager can change device settings. You can look, print a test page and "
    "test the scanner."
)
MANAGER_ONLY = "Only a manager can change device settings."


def printer_test_page(printer: PrinterSettings, shop_lines: tuple[str, ...], who: str) -> bytes:
    """A short receipt saying which printer this is, with a barcode to scan."""
    now = datetime.now()
    where = {
        "network": f"{printer.host}:{printer.port}",
        "usb": f"USB {printer.usb_vendor_id:04x}:{printer.usb_product_id:04x}",
        "serial": f"{printer.serial_port} at {printer.baudrate} baud",
        "file": printer.path,
        "cups": printer.cups_queue or "default CUPS queue",
        "dummy": "dummy",
    }.get(printer.backend, printer.backend)
    receipt = Receipt(
        store_lines=shop_lines,
        title="Test page",
        number=f"TEST-{now:%H%M%S}",
        date=f"{now:%Y-%m-%d %H:%M}",
        cashier=who,
        lines=(ReceiptLine(f"Printer {printer.name}", 1, "", "OK"),),
        totals=(
            TotalLine("Connection", where),
            TotalLine("Profile", f"{printer.profile}, {printer.paper_width_mm} mm"),
        ),
        footer_lines=("If this is readable and the barcode scans, the printer works.",),
    )
    from app.printing.escpos import render_receipt  # python-escpos: at the first test page

    return render_receipt(receipt, width_mm=printer.paper_width_mm, profile=printer.profile)


class ScannerPage(QWidget):
    """The scanner's settings on the left, the scanner test on the right."""

    def __init__(self, devices: ShopDevices | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = ScannerForm()
        self.error_line = MessageLine()
        self.test = ScannerTest(devices)
        left = QVBoxLayout()
        left.addWidget(self.form, 1)
        left.addWidget(self.error_line)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(18)
        layout.addLayout(left, 3)
        layout.addWidget(self.test, 2)


class SettingsView(QWidget):
    """Printers and scanner. A ShopView: title, problem, set_actor, refresh, focus_search.

    Signals:
        problem(str): shown in the window's status bar.
        saved(Settings): the settings just written (the devices already use them).
    """

    title = "Settings"
    problem = Signal(str)
    saved = Signal(object)

    def __init__(
        self,
        devices: ShopDevices | None,
        *,
        config_file: Path | None = None,
        store: Store | None = None,
        fmt: ShopFormat | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SettingsView")
        self._devices = devices
        self._config_file = config_file
        self._actor: Actor | None = None
        self._settings = Settings()
        self._loaded: tuple[Any, ...] = ()
        self._file_problem = ""
        self._test_job = ""
        self._ops = Ops(None, self, show_problem=self.problem.emit)

        heading = QLabel("Settings")
        heading.setObjectName("ViewHeading")
        self.read_only_note = QLabel(READ_ONLY_NOTE)
        self.read_only_note.setObjectName("ReadOnlyNote")
        self.read_only_note.setWordWrap(True)
        self.printers_page = PrintersPage()
        self.scanner_page = ScannerPage(devices)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.printers_page, "Printers")
        self.tabs.addTab(self.scanner_page, "Scanner")
        self.mail_page = MailPage()
        self.tabs.addTab(self.mail_page, "E-mail")
        # The shop's settings and its users need the store (the devices do not).
        self.shop_page: ShopPage | None = None
        self.users_page: UsersPage | None = None
        self.backup_page: BackupPage | None = None
        if store is not None:
            self.shop_page = ShopPage(store, config_file=config_file)
            self.users_page = UsersPage(store, fmt or ShopFormat(Settings().shop))
            self.backup_page = BackupPage(config_file=config_file)
            self.tabs.addTab(self.shop_page, "Shop")
            self.tabs.addTab(self.users_page, "Users")
            self.tabs.addTab(self.backup_page, "Backups")
            self.shop_page.saved.connect(self._shop_saved)
            self.backup_page.saved.connect(self._backup_saved)
            # Save and Revert below are the devices' (printers, scanner); the shop page has
            # its own, and users are saved one change at a time.
            self.tabs.currentChanged.connect(lambda _i: self._update_buttons())
        self.status_line = MessageLine(name="NoteLine")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Forget the changes not saved yet")
        self.save_button = QPushButton("Save settings")
        self.save_button.setObjectName("PrimaryButton")

        bottom = QHBoxLayout()
        bottom.setContentsMargins(12, 0, 12, 10)
        bottom.addWidget(self.status_line, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.printers_page.edited.connect(self._edited)
        self.printers_page.test_page_requested.connect(self.print_test_page)
        self.scanner_page.form.edited.connect(self._scanner_edited)
        self.mail_page.edited.connect(self._edited)
        self.scanner_page.test.start_button.clicked.connect(self.start_scanner_test)
        self.save_button.clicked.connect(lambda _checked=False: self.save())  # not then=False
        self.revert_button.clicked.connect(self.revert)
        if devices is not None:
            devices.bridge.printJobChanged.connect(self._job_changed)
        self.set_actor(None)

    # --- ShopView ---------------------------------------------------------------------------

    @property
    def config_file(self) -> Path:
        return self._config_file or config_path()

    @property
    def can_edit(self) -> bool:
        # Shown read-only to the others. The settings file has no service of its own, so
        # this view is the only check; a settings service taking the actor would be better.
        return self._actor is not None and self._actor.role is Role.MANAGER

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.scanner_page.test.stop()
        if actor is not None:
            self.load()
        self.setEnabled(actor is not None)
        self.read_only_note.setVisible(actor is not None and not self.can_edit)
        self.printers_page.set_editable(self.can_edit)
        self.scanner_page.form.setEnabled(self.can_edit)
        self.mail_page.set_editable(self.can_edit)
        for page in (self.shop_page, self.users_page, self.backup_page):
            if page is not None:
                page.set_actor(actor)
        self._update_buttons()

    def _shop_saved(self, new: Settings) -> None:
        self._settings = replace(self._settings, shop=new.shop)
        self.saved.emit(new)

    def _backup_saved(self, new: Settings) -> None:
        self._settings = replace(self._settings, backup=new.backup)
        self.saved.emit(new)

    def refresh(self) -> None:
        """Read the settings file again, unless there are changes not saved yet."""
        if self.is_dirty():
            self.problem.emit("Settings have changes not saved yet: save or revert them first.")
            return
        self.load()

    def focus_search(self) -> None:
        self.printers_page.focus_list()

    def handle_scan(self, code: str) -> None:
        """A code from a keyboard-wedge scan routed to this view: show it in the test."""
        self.scanner_page.test.show_code(code)

    # --- loading and saving -----------------------------------------------------------------

    def load(self) -> None:
        """Show what the settings file holds (defaults if there is no file yet)."""
        try:
            self._settings = load_settings(self.config_file)
            self._file_problem = ""
        except UserError as exc:
            self._settings = Settings()
            self._file_problem = f"{exc.message} — fix or remove the file before saving here."
        self.printers_page.set_tables(
            [dict(t) for t in self._settings.printers], self._settings.label_size
        )
        self.scanner_page.form.set_table(self._settings.scanner)
        self.mail_page.set_settings(self._settings)
        self.scanner_page.test.show_kind(self.scanner_page.form.kind)
        self.scanner_page.error_line.clear()
        self._loaded = self._snapshot()
        if self._file_problem:
            self.status_line.show_problem(self._file_problem)
        else:
            self.status_line.clear()
        self._update_buttons()

    def revert(self) -> None:
        self.load()
        self.status_line.show_info("Changes not saved were dropped.")

    def is_dirty(self) -> bool:
        return bool(self._loaded) and self._snapshot() != self._loaded

    def save(self, then: Callable[[], None] | None = None) -> bool:
        """Check every printer and the scanner here, then write the file atomically on a
        worker (a slow disk must not freeze the till) and use the result; `then` runs once
        it is saved. False if the checks refused (nothing is written)."""
        if not self.can_edit:
            self.status_line.show_problem(MANAGER_ONLY)
            return False
        if self._file_problem:
            self.status_line.show_problem(self._file_problem)
            return False
        try:
            self._check_devices()
        except UserError as exc:  # a device setting
            self.status_line.show_problem(f"Not saved: {exc.message}")
            return False
        actor, path = self._actor, self.config_file
        assert actor is not None  # can_edit said so
        tables, scanner = self.printers_page.tables(), self.scanner_page.form.table()
        label_size = self.printers_page.label_size()
        with_mail = self.mail_page.edit()

        def write() -> Settings:
            # The file as it is now: keep whatever else changed in it since it was loaded.
            on_disk = with_mail(load_settings(path))
            new = replace(on_disk, printers=tuple(tables), scanner=scanner, label_size=label_size)
            try:
                save_settings_as(actor, new, path)
            except OSError as exc:
                raise UserError(f"Could not write {path}: {exc.strerror}") from None
            return new

        def written(new: Settings) -> None:
            self._written(new)
            if then is not None:
                then()

        self._ops.run(
            write,
            success=written,
            failure=self._not_saved,
            name="save settings",
        )
        return True

    def _not_saved(self, error: UserError) -> None:
        message = error.message
        self.status_line.show_problem(
            message if message.startswith("Could not write") else f"Not saved: {message}"
        )

    def _written(self, new: Settings) -> None:
        self._settings = new
        self.mail_page.set_settings(new)  # the typed password goes: only its seal is kept
        self._loaded = self._snapshot()
        if self._devices is not None:
            self._devices.apply(new)
        self.status_line.show_info(f"Saved to {self.config_file}")
        self._update_buttons()
        self.saved.emit(new)

    def _check_devices(self) -> None:
        problem = self.printers_page.first_problem()
        if problem:
            raise DeviceSettingsError(problem)
        parse_printers(self.printers_page.tables())  # names unique, every table valid
        check_scanner(self.scanner_page.form.table())
        self.mail_page.check()

    def _snapshot(self) -> tuple[Any, ...]:
        try:
            scanner: object = self.scanner_page.form.table()
        except DeviceSettingsError as exc:
            scanner = exc.message
        return (
            self.printers_page.tables(), scanner, self.printers_page.label_size(),
            self.mail_page.snapshot(),
        )  # fmt: skip

    def _edited(self) -> None:
        self._update_buttons()
        if self.is_dirty():
            self.status_line.show_info("Changes not saved yet")
        elif not self._file_problem:
            self.status_line.clear()

    def _scanner_edited(self) -> None:
        form = self.scanner_page.form
        self.scanner_page.test.show_kind(form.kind)
        try:
            check_scanner(form.table())
            self.scanner_page.error_line.clear()
        except DeviceSettingsError as exc:
            self.scanner_page.error_line.show_problem(exc.message)
        self._edited()

    def _update_buttons(self) -> None:
        devices = self.tabs.currentWidget() in (self.printers_page, self.scanner_page)
        self.save_button.setVisible(devices)
        self.revert_button.setVisible(devices)
        dirty = self.is_dirty()
        self.save_button.setEnabled(self.can_edit and dirty)
        self.revert_button.setEnabled(self.can_edit and dirty)

    # --- test page and scanner test ---------------------------------------------------------

    def print_test_page(self, name: str) -> None:
        """Save if need be, then queue a test page for the printer called `name`."""
        line = self.printers_page.test_line
        if self._devices is None:
            line.show_problem("Printing needs the till's print queue.")
            return
        if self.is_dirty():
            if not self.save(then=lambda: self._print_test_page(name)):
                line.show_problem("Save the settings first: " + self.status_line.message)
            return
        self._print_test_page(name)

    def _print_test_page(self, name: str) -> None:
        line = self.printers_page.test_line
        assert self._devices is not None
        printer = self._devices.printer(name)
        if printer is None:
            line.show_problem(f"Printer {name!r} is not saved yet.")
            return
        shop = self._settings.shop
        who = self._actor.name if self._actor is not None else ""
        try:
            payload = printer_test_page(printer, (shop.name, *shop.address_lines), who)
        except (UserError, ValueError) as exc:
            line.show_problem(str(exc))
            return
        self._test_job = self._devices.queue.submit(
            printer.name, f"Test page — {printer.name}", payload, kind="test"
        )
        line.show_info(f"Test page sent to {printer.name}…")

    def _job_changed(self, event: object) -> None:
        if not isinstance(event, JobEvent) or event.job.id != self._test_job or event.removed:
            return
        job, line = event.job, self.printers_page.test_line
        if job.state is JobState.DONE:
            line.show_info(f"Test page printed on {job.printer}.")
        elif job.state is JobState.FAILED:
            line.show_problem(f"Test page failed: {job.last_error}")
        elif job.state is JobState.RETRYING:
            line.show_problem(f"{job.last_error} Trying again…")
        elif job.state is JobState.CANCELLED:
            line.show_info("Test page cancelled.")

    def start_scanner_test(self) -> None:
        """Open the scanner as set in the form (saved or not) and show what it reads."""
        try:
            settings = check_scanner(self.scanner_page.form.table())
        except DeviceSettingsError as exc:
            self.scanner_page.error_line.show_problem(exc.message)
            return
        self.scanner_page.test.start(settings)

    def hideEvent(self, event: QHideEvent) -> None:
        # Another view is shown: the till's reader gets its port back.
        self.scanner_page.test.stop()
        super().hideEvent(event)
