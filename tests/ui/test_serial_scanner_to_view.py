"""A serial scanner end to end: bytes on a pty -> the reader thread -> the DeviceBridge's
signal in the GUI thread -> the POS view's handle_scan -> a line in the cart."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from device_support import TIMEOUT_MS, running_devices
from pos_shop import PHONE, open_pos
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db.uow import Store
from app.devices.settings import ScannerSettings
from app.ui.bridge import DeviceBridge
from app.users.roles import Actor
from app.users.services import actor_by_name


@pytest.fixture
def pty_path() -> Iterator[tuple[int, str]]:
    """(master fd, slave path): the slave plays the scanner's serial device."""
    master, slave = os.openpty()
    try:
        yield master, os.ttyname(slave)
    finally:
        os.close(master)
        os.close(slave)


class Handler(QObject):
    """A view's slot: records each code and the thread it ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[tuple[str, int | None]] = []

    def handle_scan(self, code: str) -> None:
        self.codes.append((code, threading.get_ident()))


def scanner_on(path: str) -> ScannerSettings:
    # A quick reconnect keeps the test short if the pty is not ready at the first try.
    return ScannerSettings(kind="serial", serial_port=path, reconnect_interval_s=0.1)


def test_a_code_from_the_pty_reaches_a_handler_in_the_gui_thread(
    qtbot: QtBot, pty_path: tuple[int, str]
) -> None:
    master, path = pty_path
    bridge = DeviceBridge()
    handler = Handler()
    bridge.codeScanned.connect(handler.handle_scan)
    try:
        with qtbot.waitSignal(bridge.scannerStateChanged, timeout=TIMEOUT_MS) as state:
            bridge.start_serial_scanner(scanner_on(path))
        assert state.args == ["connected", f"Scanner ready on {path}."]
        with qtbot.waitSignal(bridge.codeScanned, timeout=TIMEOUT_MS):
            os.write(master, b"SN0100\r\n")
        qtbot.waitUntil(lambda: bool(handler.codes), timeout=TIMEOUT_MS)
        assert handler.codes == [("SN0100", threading.main_thread().ident)]
    finally:
        bridge.detach()


def test_scanned_units_land_in_the_pos_cart(
    qtbot: QtBot, demo_store: Store, pty_path: tuple[int, str], tmp_path: Path
) -> None:
    master, path = pty_path
    cashier: Actor = actor_by_name(demo_store, "cashier")
    pos = open_pos(qtbot, demo_store, cashier)
    # The window's wiring: the till's devices read the scanner the settings name.
    settings = Settings(scanner=scanner_on(path).to_dict())
    with running_devices(settings, tmp_path) as devices:
        devices.bridge.codeScanned.connect(pos.handle_scan)
        qtbot.waitUntil(
            lambda: (
                devices.scanner is not None and devices.scanner.status.state.value == "connected"
            ),
            timeout=TIMEOUT_MS,
        )
        os.write(master, b"PX000005\r\n")  # a phone in the front store
        qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=TIMEOUT_MS)
        os.write(master, PHONE.encode() + b"\r\n")  # one in the front store, CR+LF ended
        qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 2, timeout=TIMEOUT_MS)
    lines = pos.cart_model.lines()
    assert [(line.sku, line.serial, line.qty) for line in lines] == [
        ("PH-X200", "PX000005", 1),
        ("PH-X200", PHONE, 1),
    ]
