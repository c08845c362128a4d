"""Settings: printers checked as they are typed, saved to the settings file (keeping the
rest of it), a test page through the print queue, and the scanner test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from device_support import TIMEOUT_MS, running_devices, use_tmp_config
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import Settings, ShopSettings, load_settings, save_settings
from app.db.uow import Store
from app.devices.settings import parse_printers
from app.tickets.statuses import TicketStatus
from app.ui.settings import scanner_panel
from app.ui.settings.printers_page import INVALID_MARK
from app.ui.settings.settings_view import MANAGER_ONLY, SettingsView
from app.ui.shop_devices import ShopDevices
from app.users.roles import Actor
from app.users.services import actor_by_name
from tests.support.escpos_decode import Barcode, Text, decode
from tests.unit.devices.fake_printer_server import FakePrinter

COUNTER = {
    "name": "Counter",
    "backend": "network",
    "host": "127.0.0.1",
    "port": 9100,
    "profile": "TM-T88V",
    "paper_width_mm": 80,
    "label_size": "50x25",
    "timeout_s": 2.0,
}


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = use_tmp_config(monkeypatch, tmp_path)
    # Shop settings the Settings view never shows: a save must keep them.
    save_settings(Settings(shop=ShopSettings(name="Corner Phones")), path)
    return path


@pytest.fixture
def devices(config: Path, tmp_path: Path) -> Iterator[ShopDevices]:
    with running_devices(load_settings(config), tmp_path) as devices:
        yield devices


@pytest.fixture
def view(qtbot: QtBot, devices: ShopDevices, demo_manager: Actor) -> SettingsView:
    view = SettingsView(devices)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    view.set_actor(demo_manager)
    return view


def type_into(qtbot: QtBot, widget: object, text: str) -> None:
    widget.clear()  # type: ignore[attr-defined]
    qtbot.keyClicks(widget, text)


def add_network_printer(qtbot: QtBot, view: SettingsView, name: str, host: str, port: int) -> None:
    page = view.printers_page
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, page.form.name_edit, name)
    type_into(qtbot, page.form.backend_fields.host_edit, host)
    page.form.backend_fields.port_spin.setValue(port)


def test_a_new_printer_is_checked_as_typed_and_saved_keeping_the_rest(
    qtbot: QtBot, view: SettingsView, config: Path
) -> None:
    page = view.printers_page
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    type_into(qtbot, page.form.name_edit, "Counter")
    # A network printer without a host: PrinterSettings' own message, in one line.
    assert page.error_line.message == "printer 'Counter': a network printer needs host"
    assert page.printer_list.item(0).text().startswith(INVALID_MARK)
    assert not view.save()
    assert view.status_line.message.startswith("Not saved: printer 'Counter'")
    assert load_settings(config).printers == ()

    type_into(qtbot, page.form.backend_fields.host_edit, "127.0.0.1")
    assert page.error_line.message == ""
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    saved = load_settings(config)
    assert saved.shop.name == "Corner Phones"  # the rest of the file is kept
    (printer,) = parse_printers(saved.printers)
    assert (printer.name, printer.backend, printer.host, printer.port) == (
        "Counter",
        "network",
        "127.0.0.1",
        9100,
    )
    assert not view.save_button.isEnabled()  # nothing left to save
    assert not list(config.parent.glob("*.tmp"))  # written atomically, nothing left over


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"profile": "TM-NOPE"}, "unknown printer profile 'TM-NOPE'"),
        ({"name": "  "}, "a printer needs a name"),
    ],
)
def test_bad_values_are_named_by_the_device_checks(
    qtbot: QtBot, view: SettingsView, change: dict[str, str], message: str
) -> None:
    add_network_printer(qtbot, view, "Counter", "127.0.0.1", 9100)
    form = view.printers_page.form
    if "profile" in change:
        form.profile_combo.setCurrentText(change["profile"])
    else:
        type_into(qtbot, form.name_edit, change["name"])
    assert message in view.printers_page.error_line.message
    assert not view.save()


def test_usb_ids_are_typed_in_hex(qtbot: QtBot, view: SettingsView, config: Path) -> None:
    page = view.printers_page
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    form = page.form
    form.backend_combo.setCurrentIndex(form.backend_combo.findData("usb"))
    type_into(qtbot, form.backend_fields.vendor_edit, "04b8")
    type_into(qtbot, form.backend_fields.product_edit, "zz")
    assert page.error_line.message == "USB product id must be hexadecimal like 04b8, not 'zz'"
    type_into(qtbot, form.backend_fields.product_edit, "0x0E15")
    assert page.error_line.message == ""
    assert view.save()
    settle(qtbot)
    (printer,) = parse_printers(load_settings(config).printers)
    assert (printer.usb_vendor_id, printer.usb_product_id) == (0x04B8, 0x0E15)


def test_two_printers_may_not_share_a_name(qtbot: QtBot, view: SettingsView) -> None:
    add_network_printer(qtbot, view, "Counter", "10.0.0.5", 9100)
    add_network_printer(qtbot, view, "Counter", "10.0.0.6", 9100)
    assert view.printers_page.error_line.message == "two printers are called 'Counter'"
    assert not view.save()


def test_every_backend_and_the_scanner_survive_a_save_and_reload(
    qtbot: QtBot, devices: ShopDevices, demo_manager: Actor, config: Path
) -> None:
    tables = [
        COUNTER,
        {"name": "Labels", "backend": "usb", "usb_vendor_id": 0x04B8, "usb_product_id": 0x0202},
        {"name": "Kitchen", "backend": "serial", "serial_port": "/dev/ttyUSB0", "baudrate": 19200},
        {"name": "Spare", "backend": "file", "path": "/dev/usb/lp0", "paper_width_mm": 58},
        {"name": "Office", "backend": "cups", "cups_queue": "TM-T20"},
        {"name": "Demo", "backend": "dummy", "label_size": "58x30"},
    ]
    scanner = {"kind": "serial", "serial_port": "/dev/ttyACM0", "terminator": "\r"}
    save_settings(Settings(printers=tuple(tables), scanner=scanner, label_size="58mm"), config)
    first = SettingsView(devices)
    qtbot.addWidget(first)
    first.set_actor(demo_manager)
    assert first.printers_page.first_problem() == ""
    # A save of what was loaded writes the same devices back.
    first.printers_page.label_size_combo.setCurrentIndex(0)
    assert first.save()
    settle(qtbot)
    first.printers_page.label_size_combo.setCurrentIndex(
        first.printers_page.label_size_combo.findData("58mm")
    )
    assert first.save()
    settle(qtbot)
    reloaded = load_settings(config)
    assert parse_printers(reloaded.printers) == parse_printers(tables)
    assert reloaded.label_size == "58mm"
    second = SettingsView(devices)
    qtbot.addWidget(second)
    second.set_actor(demo_manager)
    assert second.printers_page.tables() == list(reloaded.printers)
    form = second.scanner_page.form
    assert (form.kind, form.port_edit.text(), form.terminator_combo.currentText()) == (
        "serial",
        "/dev/ttyACM0",
        "CR",
    )
    assert devices.scanner_settings.serial_port == "/dev/ttyACM0"  # the devices use it


def test_only_a_manager_may_change_settings(
    qtbot: QtBot, devices: ShopDevices, demo_store: Store, config: Path
) -> None:
    before = config.read_bytes()
    view = SettingsView(devices)
    qtbot.addWidget(view)
    view.show()
    view.set_actor(actor_by_name(demo_store, "cashier"))
    assert view.read_only_note.isVisible()
    assert not view.printers_page.add_button.isEnabled()
    assert not view.scanner_page.form.isEnabled()
    view.printers_page.add_printer()  # even if a button were pressed somehow
    assert not view.save()
    assert view.status_line.message == MANAGER_ONLY
    assert config.read_bytes() == before


def test_a_test_page_goes_through_the_queue_to_a_network_printer(
    qtbot: QtBot, view: SettingsView, config: Path
) -> None:
    with FakePrinter() as printer:  # listens on 127.0.0.1 only
        add_network_printer(qtbot, view, "Counter", "127.0.0.1", printer.port)
        qtbot.mouseClick(view.printers_page.test_button, Qt.MouseButton.LeftButton)
        settle(qtbot)  # saved on a worker first
        assert parse_printers(load_settings(config).printers)[0].port == printer.port  # saved
        (job,) = printer.wait_for_jobs(1)
        line = view.printers_page.test_line
        qtbot.waitUntil(lambda: line.message == "Test page printed on Counter.", timeout=TIMEOUT_MS)
    events = decode(job)
    printed = " ".join(e.text for e in events if isinstance(e, Text))
    assert "Test page" in printed and "Printer Counter" in printed
    (barcode,) = [e for e in events if isinstance(e, Barcode)]
    assert barcode.text.startswith("TEST-")


def test_the_scanner_test_shows_the_last_code_read_from_a_pty(
    qtbot: QtBot, view: SettingsView
) -> None:
    master, slave = os.openpty()
    try:
        view.tabs.setCurrentWidget(view.scanner_page)
        form, test = view.scanner_page.form, view.scanner_page.test
        form.kind_combo.setCurrentIndex(form.kind_combo.findData("serial"))
        type_into(qtbot, form.port_edit, os.ttyname(slave))
        assert test.start_button.isVisible()
        qtbot.mouseClick(test.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: test.state_label.text().startswith("Connected"), timeout=TIMEOUT_MS)
        os.write(master, b"SN0100\r\n")
        qtbot.waitUntil(lambda: test.last_code_label.text() == "SN0100", timeout=TIMEOUT_MS)
        os.write(master, b"PX000001\r\n")
        qtbot.waitUntil(lambda: test.last_code_label.text() == "PX000001", timeout=TIMEOUT_MS)
        assert test.count_label.text() == "2 codes read"
        qtbot.mouseClick(test.stop_button, Qt.MouseButton.LeftButton)
        assert not test.running
        assert test.state_label.text() == "Test stopped"
    finally:
        view.scanner_page.test.stop()
        os.close(master)
        os.close(slave)


def test_ports_are_listed_and_a_picked_port_fills_the_field(
    qtbot: QtBot, view: SettingsView, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = [("/dev/ttyACM0", "Honeywell 1900"), ("/dev/ttyS0", "")]
    monkeypatch.setattr(scanner_panel, "list_ports", lambda: ports)
    form = view.scanner_page.form
    form.kind_combo.setCurrentIndex(form.kind_combo.findData("serial"))
    qtbot.mouseClick(form.refresh_ports_button, Qt.MouseButton.LeftButton)
    texts = [form.ports_combo.itemText(i) for i in range(form.ports_combo.count())]
    assert texts == ["Choose a port…", "/dev/ttyACM0 — Honeywell 1900", "/dev/ttyS0"]
    form.ports_combo.setCurrentIndex(1)
    form.ports_combo.activated.emit(1)
    assert form.port_edit.text() == "/dev/ttyACM0"
    assert view.is_dirty()


def test_a_wedge_scan_routed_to_the_view_shows_in_the_test(view: SettingsView) -> None:
    view.handle_scan("SN0101")
    assert view.scanner_page.test.last_code_label.text() == "SN0101"


def test_the_mail_page_saves_the_server_with_its_password_sealed(
    qtbot: QtBot, view: SettingsView, config: Path
) -> None:
    from app import vault
    from app.effects.mail import mail_server

    page = view.mail_page
    type_into(qtbot, page.host_edit, "127.0.0.1")
    page.port_box.setValue(2525)
    page.starttls_box.setChecked(False)
    type_into(qtbot, page.user_edit, "shop")
    type_into(qtbot, page.password_edit, "s3cret-pass")
    type_into(qtbot, page.sender_edit, "shop@example.test")
    type_into(qtbot, page.subject_edit, "{ticket} is {status}")
    page.status_boxes[TicketStatus.IN_REPAIR].setChecked(True)
    assert view.save_button.isEnabled()
    problems: list[str] = []
    view.problem.connect(problems.append)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)  # the button, as a manager
    settle(qtbot)
    assert view.status_line.message.startswith("Saved to") and problems == []
    saved = load_settings(config)
    assert saved.mail.host == "127.0.0.1" and saved.mail.port == 2525 and not saved.mail.starttls
    assert saved.mail.password and saved.mail.password != "s3cret-pass"
    assert "s3cret-pass" not in config.read_text()
    assert vault.unseal(saved.mail.password) == "s3cret-pass"
    assert mail_server(saved).password == "s3cret-pass"
    assert saved.mail.subject == "{ticket} is {status}"
    assert saved.shop.ticket_notify_statuses == ("in_repair", "ready")
    assert saved.shop.name == "Corner Phones"  # the rest of the file kept
    assert page.password_edit.text() == "" and not view.is_dirty()


def test_the_mail_page_refuses_an_unknown_placeholder(
    qtbot: QtBot, view: SettingsView, config: Path
) -> None:
    before = config.read_text()
    type_into(qtbot, view.mail_page.subject_edit, "{ticket} {colour}")
    assert not view.save()
    assert "unknown placeholder" in view.status_line.message
    assert config.read_text() == before
