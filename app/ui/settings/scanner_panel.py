"""The barcode scanner: keyboard wedge or serial port, and a test that shows the last code.

The test reads the serial port with its own reader and its own DeviceBridge, so a code
scanned while testing never lands in a sale; the till's reader lets go of the port for
as long as the test runs (ports are opened exclusively).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.devices.scanners.serialport import SerialScanner, list_ports
from app.devices.settings import DeviceSettingsError, ScannerSettings
from app.ui.bridge import DeviceBridge
from app.ui.shop_devices import ShopDevices

KINDS: Final = (("wedge", "Keyboard wedge (USB HID)"), ("serial", "Serial port (RS-232 / USB-CDC)"))
TERMINATORS: Final = (("\r", "CR"), ("\n", "LF"), ("\r\n", "CR+LF"))
BAUD_RATES: Final = ("9600", "19200", "38400", "57600", "115200")
STATE_TITLES: Final = {"connected": "Connected", "disconnected": "Not connected", "error": "Error"}
_DEFAULT = ScannerSettings()
# Read by the devices but not shown here: kept as they are in the settings file.
_KEPT_KEYS: Final = ("min_length", "max_length", "reconnect_interval_s")


def check_scanner(table: Mapping[str, Any]) -> ScannerSettings:
    """The scanner the table describes, or DeviceSettingsError saying what is wrong."""
    return ScannerSettings.from_dict(table)


def _select(combo: QComboBox, value: object, text: str) -> None:
    index = combo.findData(value)
    if index < 0:
        combo.addItem(text, value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class ScannerForm(QWidget):
    """The scanner's settings table. `edited` fires on every change a person makes."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kept: dict[str, Any] = {}
        self.kind_combo = QComboBox()
        for value, text in KINDS:
            self.kind_combo.addItem(text, value)

        self.ports_combo = QComboBox()
        self.ports_combo.setObjectName("PortsCombo")
        self.refresh_ports_button = QPushButton("Refresh ports")
        self.port_edit = QLineEdit()
        self.port_edit.setPlaceholderText("/dev/ttyACM0, COM3, or a pty such as /dev/pts/4")
        self.baud_combo = QComboBox()
        self.baud_combo.setEditable(True)
        self.baud_combo.addItems(BAUD_RATES)
        self.terminator_combo = QComboBox()
        for value, text in TERMINATORS:
            self.terminator_combo.addItem(text, value)
        self.prefix_edit = QLineEdit()
        self.suffix_edit = QLineEdit()
        self.interval_spin = QSpinBox()
        self.interval_spin.setRange(1, 1000)
        self.interval_spin.setSuffix(" ms")
        self.interval_spin.setToolTip(
            "Keys further apart than this are typing, not a scan. Raise it for slow scanners."
        )

        ports_row = QHBoxLayout()
        ports_row.addWidget(self.ports_combo, 1)
        ports_row.addWidget(self.refresh_ports_button)
        self.serial_box = QGroupBox("Serial port")
        serial_form = QFormLayout(self.serial_box)
        serial_form.addRow("Ports found", ports_row)
        serial_form.addRow("Port", self.port_edit)
        serial_form.addRow("Baud", self.baud_combo)
        serial_form.addRow("Code ends with", self.terminator_combo)
        self.wedge_box = QGroupBox("Keyboard wedge")
        wedge_form = QFormLayout(self.wedge_box)
        wedge_form.addRow("Max time between keys", self.interval_spin)

        common = QFormLayout()
        common.setContentsMargins(0, 0, 0, 0)
        common.addRow("Scanner", self.kind_combo)
        common.addRow("Prefix to strip", self.prefix_edit)
        common.addRow("Suffix to strip", self.suffix_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(common)
        layout.addWidget(self.serial_box)
        layout.addWidget(self.wedge_box)
        layout.addStretch(1)
        self.setMaximumWidth(620)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.refresh_ports_button.clicked.connect(self.refresh_ports)
        self.ports_combo.activated.connect(self._port_picked)
        for edit in (self.port_edit, self.prefix_edit, self.suffix_edit):
            edit.textEdited.connect(self.edited)
        self.baud_combo.currentTextChanged.connect(self.edited)
        self.terminator_combo.currentIndexChanged.connect(self.edited)
        self.interval_spin.valueChanged.connect(self.edited)
        self._show_kind()

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def refresh_ports(self) -> None:
        """List the serial ports of this machine (a USB scanner appears when plugged in)."""
        ports = list_ports()
        self.ports_combo.clear()
        if not ports:
            self.ports_combo.addItem("No serial ports found", "")
            return
        self.ports_combo.addItem("Choose a port…", "")
        for device, description in ports:
            text = f"{device} — {description}" if description else device
            self.ports_combo.addItem(text, device)

    def set_table(self, table: Mapping[str, Any]) -> None:
        """Show the scanner's table (an empty one is the keyboard wedge's defaults)."""
        merged = {**_DEFAULT.to_dict(), **table}
        self.blockSignals(True)
        try:
            kind = str(merged["kind"])
            _select(self.kind_combo, kind, kind)
            self.port_edit.setText(str(merged["serial_port"]))
            self.baud_combo.setCurrentText(str(merged["baudrate"]))
            terminator = str(merged["terminator"])
            _select(self.terminator_combo, terminator, repr(terminator))
            self.prefix_edit.setText(str(merged["prefix"]))
            self.suffix_edit.setText(str(merged["suffix"]))
            interval = merged["max_key_interval_ms"]
            self.interval_spin.setValue(interval if isinstance(interval, int) else 50)
            self._kept = {k: table[k] for k in _KEPT_KEYS if k in table}
            self._show_kind()
        finally:
            self.blockSignals(False)

    def table(self) -> dict[str, Any]:
        """The settings table as typed; DeviceSettingsError if the baud is no number."""
        baud = self.baud_combo.currentText().strip()
        if not baud.isdigit():
            raise DeviceSettingsError(f"scanner: baud must be a whole number, not {baud!r}")
        return {
            "kind": self.kind,
            "serial_port": self.port_edit.text().strip(),
            "baudrate": int(baud),
            "terminator": str(self.terminator_combo.currentData()),
            "prefix": self.prefix_edit.text(),
            "suffix": self.suffix_edit.text(),
            "max_key_interval_ms": self.interval_spin.value(),
            **self._kept,
        }

    def _kind_changed(self) -> None:
        self._show_kind()
        self.edited.emit()

    def _show_kind(self) -> None:
        serial = self.kind == "serial"
        self.serial_box.setVisible(serial)
        self.wedge_box.setVisible(not serial)
        if serial and self.ports_combo.count() == 0:
            self.refresh_ports()

    def _port_picked(self, index: int) -> None:
        device = self.ports_combo.itemData(index)
        if device:
            self.port_edit.setText(str(device))
            self.edited.emit()


class ScannerTest(QGroupBox):
    """Scan something and see it: the reader's state and the last code it read."""

    def __init__(self, devices: ShopDevices | None, parent: QWidget | None = None) -> None:
        super().__init__("Test the scanner", parent)
        self._devices = devices
        self._bridge: DeviceBridge | None = None
        self._scanner: SerialScanner | None = None
        self.codes_seen = 0

        self.hint_label = QLabel()
        self.hint_label.setObjectName("FormNote")
        self.hint_label.setWordWrap(True)
        self.start_button = QPushButton("Start test")
        self.stop_button = QPushButton("Stop test")
        self.wedge_edit = QLineEdit()
        self.wedge_edit.setObjectName("WedgeTestEdit")
        self.wedge_edit.setPlaceholderText("Click here, then scan a barcode")
        self.state_label = QLabel("Not started")
        self.state_label.setObjectName("ScannerState")
        self.state_label.setWordWrap(True)
        self.last_code_label = QLabel("—")
        self.last_code_label.setObjectName("LastCode")
        self.last_code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.count_label = QLabel()
        self.count_label.setObjectName("CountLine")
        self.rejected_label = QLabel()
        self.rejected_label.setObjectName("FormNote")
        self.rejected_label.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addLayout(buttons)
        layout.addWidget(self.wedge_edit)
        layout.addWidget(QLabel("State"))
        layout.addWidget(self.state_label)
        layout.addSpacing(6)
        layout.addWidget(QLabel("Last code scanned"))
        layout.addWidget(self.last_code_label)
        layout.addWidget(self.count_label)
        layout.addWidget(self.rejected_label)
        layout.addStretch(1)

        self.stop_button.clicked.connect(self.stop)
        self.wedge_edit.returnPressed.connect(self._wedge_entered)
        self.show_kind("wedge")

    @property
    def running(self) -> bool:
        return self._scanner is not None

    def show_kind(self, kind: str) -> None:
        serial = kind == "serial"
        self.start_button.setVisible(serial)
        self.stop_button.setVisible(serial)
        self.wedge_edit.setVisible(not serial)
        if serial:
            self.hint_label.setText(
                "Start the test, then scan: the code appears below. The till's own reader "
                "pauses meanwhile, so test scans never reach a sale."
            )
        else:
            self.hint_label.setText(
                "A keyboard wedge types what it reads. Click in the box and scan: a code "
                "ends with Enter."
            )
        self._update_buttons()

    def start(self, settings: ScannerSettings) -> None:
        """Open `settings.serial_port` with a reader of its own and show what it reads."""
        self.stop()
        if self._devices is not None:
            self._devices.pause_scanner()
        bridge = DeviceBridge(self)
        bridge.codeScanned.connect(self.show_code)
        bridge.scannerStateChanged.connect(self.show_state)
        bridge.scanRejected.connect(self.show_rejected)
        self._bridge = bridge
        self.state_label.setText(f"Opening {settings.serial_port}…")
        self.rejected_label.clear()
        scanner = SerialScanner(
            settings,
            on_code=bridge.on_code,
            on_state=bridge.on_scanner_state,
            on_rejected=bridge.on_scan_rejected,
        )
        scanner.start()
        self._scanner = scanner
        self._update_buttons()

    def stop(self) -> None:
        """Close the test reader; the till's own reader takes the port back."""
        scanner, self._scanner = self._scanner, None
        bridge, self._bridge = self._bridge, None
        if scanner is None:
            return
        if bridge is not None:
            bridge.scannerStateChanged.disconnect(self.show_state)
        scanner.stop()
        if bridge is not None:
            bridge.deleteLater()
        self.state_label.setText("Test stopped")
        if self._devices is not None:
            self._devices.resume_scanner()
        self._update_buttons()

    def show_code(self, code: str) -> None:
        self.codes_seen += 1
        self.last_code_label.setText(code)
        self.last_code_label.setToolTip(code)
        self.count_label.setText(
            f"{self.codes_seen} code{'s' if self.codes_seen != 1 else ''} read"
        )
        self.rejected_label.clear()

    def show_state(self, state: str, message: str) -> None:
        self.state_label.setText(f"{STATE_TITLES.get(state, state)} — {message}")
        self.state_label.setProperty("state", state)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)

    def show_rejected(self, reason: str) -> None:
        self.rejected_label.setText(reason)

    def _wedge_entered(self) -> None:
        code = self.wedge_edit.text().strip()
        self.wedge_edit.clear()
        if code:
            self.show_code(code)

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(not self.running)
        self.stop_button.setEnabled(self.running)
