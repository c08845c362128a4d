"""Editing one printer: how to reach it (per backend), its profile, paper and label size.

The form reads and writes the printer's settings table, the same plain dict the settings
file holds, so what is saved is exactly what was checked. Checking is
PrinterSettings.from_dict (the devices' own rules) plus whether the receipt renderer
knows the profile and paper width; the first problem is shown in one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.devices.settings import DeviceSettingsError, PrinterSettings

BACKENDS: Final = (
    ("network", "Network (TCP, port 9100)"),
    ("usb", "USB"),
    ("serial", "Serial port"),
    ("file", "File or device path"),
    ("cups", "CUPS queue"),
    ("dummy", "Dummy (keeps the bytes, prints nothing)"),
)
# Common first; the field stays editable for any python-escpos profile name.
PROFILES: Final = ("TM-T88V", "TM-T20II", "TM-T88IV", "TM-L90", "default")
PAPER_WIDTHS: Final = (80, 58)
# PrinterSettings names a label size "WxH" in mm; these are the sizes the label renderers
# know (app.printing.documents.LABEL_SIZES: 50x25, and 58 mm / 80 mm roll cut 30 mm long).
LABEL_SIZES: Final = (
    ("50x25", "50 × 25 mm label"),
    ("58x30", "58 mm roll (30 mm long)"),
    ("80x30", "80 mm roll (30 mm long)"),
)
BAUD_RATES: Final = ("9600", "19200", "38400", "57600", "115200")
_DEFAULT = PrinterSettings(name="x", backend="dummy")
_KNOWN_KEYS = frozenset(_DEFAULT.to_dict())


def _text(value: object, default: object = "") -> str:
    return str(value) if isinstance(value, str | int | float) and value != "" else str(default)


def _number(value: object, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _hex_id(text: str, what: str) -> int:
    """A USB id as people copy it from lsusb or the printer's manual: 04b8 or 0x04B8."""
    cleaned = text.strip().lower().removeprefix("0x")
    try:
        value = int(cleaned, 16)
    except ValueError:
        raise DeviceSettingsError(
            f"{what} must be hexadecimal like 04b8, not {text.strip()!r}"
        ) from None
    if not 0 < value <= 0xFFFF:
        raise DeviceSettingsError(f"{what} must be 0001 to ffff")
    return value


def check_printer(table: Mapping[str, Any]) -> PrinterSettings:
    """The printer the table describes, or DeviceSettingsError saying what is wrong."""
    printer = PrinterSettings.from_dict(table)
    from app.printing import escpos  # python-escpos: when a printer is checked

    try:
        escpos.paper(printer.paper_width_mm, printer.profile)
    except ValueError as exc:  # unknown profile or a width the receipt layout lacks
        raise DeviceSettingsError(f"printer {printer.name!r}: {exc}") from None
    return printer


def _combo(
    items: tuple[tuple[str, str], ...] | tuple[str, ...], *, editable: bool = False
) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    for item in items:
        if isinstance(item, tuple):
            combo.addItem(item[1], item[0])
        else:
            combo.addItem(item, item)
    return combo


def _select(combo: QComboBox, value: object, text: str | None = None) -> None:
    """Choose the item holding `value`; an unknown value is added so it is not lost."""
    index = combo.findData(value)
    if index < 0:
        combo.addItem(text or str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class BackendFields(QObject):
    """The fields of each backend as rows of the printer's form; only the chosen backend's
    rows show, so every label lines up with the rest of the form."""

    edited = Signal()

    def __init__(self, form: QFormLayout, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._form = form
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("192.168.1.50 or printer.local")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.vendor_edit = QLineEdit()
        self.vendor_edit.setPlaceholderText("04b8")
        self.product_edit = QLineEdit()
        self.product_edit.setPlaceholderText("0202")
        self.serial_port_edit = QLineEdit()
        self.serial_port_edit.setPlaceholderText("/dev/ttyUSB0 or COM3")
        self.baud_combo = _combo(BAUD_RATES, editable=True)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("/dev/usb/lp0")
        self.cups_edit = QLineEdit()
        self.cups_edit.setPlaceholderText("empty: the default queue")
        note = QLabel("Prints nothing: the bytes are kept in memory, for trying things out.")
        note.setObjectName("FormNote")
        note.setWordWrap(True)

        self._rows: dict[str, list[QWidget]] = {
            "network": [self.host_edit, self.port_spin],
            "usb": [self.vendor_edit, self.product_edit],
            "serial": [self.serial_port_edit, self.baud_combo],
            "file": [self.path_edit],
            "cups": [self.cups_edit],
            "dummy": [note],
        }
        titles = {
            self.host_edit: "Host",
            self.port_spin: "Port",
            self.vendor_edit: "Vendor id (hex)",
            self.product_edit: "Product id (hex)",
            self.serial_port_edit: "Port",
            self.baud_combo: "Baud",
            self.path_edit: "Path",
            self.cups_edit: "CUPS queue",
            note: "",
        }
        for widgets in self._rows.values():
            for widget in widgets:
                form.addRow(titles[widget], widget)

        for edit in (
            self.host_edit,
            self.vendor_edit,
            self.product_edit,
            self.serial_port_edit,
            self.path_edit,
            self.cups_edit,
        ):
            edit.textEdited.connect(self.edited)
        self.port_spin.valueChanged.connect(self.edited)
        self.baud_combo.currentTextChanged.connect(self.edited)

    def show_backend(self, backend: str) -> None:
        for name, widgets in self._rows.items():
            for widget in widgets:
                self._form.setRowVisible(widget, name == backend)

    def fill(self, table: Mapping[str, Any]) -> None:
        self.host_edit.setText(_text(table.get("host")))
        self.port_spin.setValue(int(_number(table.get("port"), _DEFAULT.port)))
        vendor, product = table.get("usb_vendor_id"), table.get("usb_product_id")
        self.vendor_edit.setText(f"{vendor:04x}" if isinstance(vendor, int) and vendor else "")
        self.product_edit.setText(f"{product:04x}" if isinstance(product, int) and product else "")
        self.serial_port_edit.setText(_text(table.get("serial_port")))
        self.baud_combo.setCurrentText(_text(table.get("baudrate"), _DEFAULT.baudrate))
        self.path_edit.setText(_text(table.get("path")))
        self.cups_edit.setText(_text(table.get("cups_queue")))

    def fields(self, backend: str) -> dict[str, Any]:
        """The settings keys of `backend`; DeviceSettingsError for an id or baud not a number."""
        if backend == "network":
            return {"host": self.host_edit.text().strip(), "port": self.port_spin.value()}
        if backend == "usb":
            return {
                "usb_vendor_id": _hex_id(self.vendor_edit.text(), "USB vendor id"),
                "usb_product_id": _hex_id(self.product_edit.text(), "USB product id"),
            }
        if backend == "serial":
            baud = self.baud_combo.currentText().strip()
            if not baud.isdigit():
                raise DeviceSettingsError(f"baud must be a whole number, not {baud!r}")
            return {"serial_port": self.serial_port_edit.text().strip(), "baudrate": int(baud)}
        if backend == "file":
            return {"path": self.path_edit.text().strip()}
        if backend == "cups":
            return {"cups_queue": self.cups_edit.text().strip()}
        return {}


class PrinterForm(QWidget):
    """One printer's settings. `edited` fires on every change a person makes."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Counter, Labels, Back office…")
        self.backend_combo = _combo(BACKENDS)
        self.profile_combo = _combo(PROFILES, editable=True)
        self.profile_combo.setToolTip("The printer model's python-escpos profile")
        self.paper_combo = QComboBox()
        for width in PAPER_WIDTHS:
            self.paper_combo.addItem(f"{width} mm", width)
        self.label_size_combo = _combo(LABEL_SIZES)
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(0.5, 300.0)
        self.timeout_spin.setSingleStep(0.5)
        self.timeout_spin.setDecimals(1)
        self.timeout_spin.setSuffix(" s")
        self.check_paper_box = QCheckBox("Ask the printer for paper before each job")
        self.ignored_keys: list[str] = []

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Name", self.name_edit)
        form.addRow("Connection", self.backend_combo)
        self.backend_fields = BackendFields(form, self)
        form.addRow("Profile", self.profile_combo)
        form.addRow("Paper width", self.paper_combo)
        form.addRow("Label size", self.label_size_combo)
        form.addRow("Time-out", self.timeout_spin)
        form.addRow("", self.check_paper_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)

        self.name_edit.textEdited.connect(self.edited)
        self.backend_combo.currentIndexChanged.connect(self._backend_changed)
        self.backend_fields.edited.connect(self.edited)
        self.backend_fields.show_backend(self.backend)
        self.setMaximumWidth(620)  # a host name or a path needs no more; wider reads worse
        self.profile_combo.currentTextChanged.connect(self.edited)
        self.paper_combo.currentIndexChanged.connect(self.edited)
        self.label_size_combo.currentIndexChanged.connect(self.edited)
        self.timeout_spin.valueChanged.connect(self.edited)
        self.check_paper_box.toggled.connect(self.edited)

    @property
    def backend(self) -> str:
        return str(self.backend_combo.currentData())

    def set_table(self, table: Mapping[str, Any]) -> None:
        """Show a printer's table (possibly from a hand-edited file with wrong types)."""
        self.blockSignals(True)  # filling in is not an edit
        try:
            self.name_edit.setText(_text(table.get("name")))
            _select(self.backend_combo, _text(table.get("backend"), "network"))
            self.backend_fields.fill(table)
            self.backend_fields.show_backend(self.backend)
            self.profile_combo.setCurrentText(_text(table.get("profile"), _DEFAULT.profile))
            width = int(_number(table.get("paper_width_mm"), _DEFAULT.paper_width_mm))
            _select(self.paper_combo, width, f"{width} mm")
            size = _text(table.get("label_size"), _DEFAULT.label_size)
            _select(self.label_size_combo, size, f"{size} mm")
            self.timeout_spin.setValue(_number(table.get("timeout_s"), _DEFAULT.timeout_s))
            self.check_paper_box.setChecked(table.get("check_paper") is True)
            # A key the devices do not know (a typo in a hand-edited file) cannot be
            # edited here; it is named so the person knows saving drops it.
            self.ignored_keys = sorted(str(k) for k in table if k not in _KNOWN_KEYS)
        finally:
            self.blockSignals(False)

    def table(self) -> dict[str, Any]:
        """The printer's settings table as typed; DeviceSettingsError if a field is no number.

        Only the chosen backend's keys are kept, so the settings file stays readable.
        """
        table: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "backend": self.backend,
            **self.backend_fields.fields(self.backend),
            "profile": self.profile_combo.currentText().strip(),
            "paper_width_mm": int(self.paper_combo.currentData()),
            "label_size": str(self.label_size_combo.currentData()),
            "timeout_s": round(self.timeout_spin.value(), 1),
        }
        if self.check_paper_box.isChecked():
            table["check_paper"] = True
        return table

    def _backend_changed(self) -> None:
        self.backend_fields.show_backend(self.backend)
        self.edited.emit()
