"""Device settings: printers and scanners, as frozen values that round-trip through TOML.

Every field is a str, int, float or bool; "unset" is "" (or 0 for USB ids) because TOML has
no null. Construction validates, so a `PrinterSettings` that exists is one the backends can
use; `from_dict` adds checks on keys and types and names the offending field in its error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar, Final, get_type_hints

from app.errors import InvalidInput

PRINTER_BACKENDS: Final = ("network", "usb", "serial", "file", "cups", "dummy")
SCANNER_KINDS: Final = ("wedge", "serial")

_LABEL_SIZE = re.compile(r"^(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$")


class DeviceSettingsError(InvalidInput, ValueError):
    """A device setting is missing, of the wrong type or out of range.

    A ValueError for callers that parse, and an InvalidInput so the CLI and the GUI show
    it in one line like any other user error.
    """


_field_type_cache: dict[type[Any], dict[str, Any]] = {}


def _field_types(cls: type[Any]) -> dict[str, Any]:
    if cls not in _field_type_cache:
        _field_type_cache[cls] = get_type_hints(cls)
    return _field_type_cache[cls]


def _check_types(obj: Any) -> None:
    """Reject values of the wrong type, naming the field (e.g. port="9100" from a text box)."""
    hints = _field_types(type(obj))
    where = _where(obj)
    for f in fields(obj):
        value = getattr(obj, f.name)
        expected = hints[f.name]
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            # TOML writes 5.0 as 5 when a person edits the file; accept it, store a float.
            object.__setattr__(obj, f.name, float(value))
            continue
        # bool is an int in Python, but `port = true` is a mistake, not port 1.
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise DeviceSettingsError(
                f"{where}: {f.name} must be {_type_name(expected)}, not {value!r}"
            )


def _type_name(t: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false"}.get(
        t, getattr(t, "__name__", str(t))
    )


def _where(obj: object) -> str:
    name = getattr(obj, "name", "")
    kind = "printer" if isinstance(obj, PrinterSettings) else "scanner"
    return f"{kind} {name!r}" if name else kind


def _from_mapping(cls: type[Any], data: Mapping[str, Any], what: str) -> Any:
    """Build a settings class from a plain mapping, rejecting unknown and missing keys."""
    if not isinstance(data, Mapping):
        raise DeviceSettingsError(f"{what} settings must be a table, not {data!r}")
    known = [f.name for f in fields(cls)]
    unknown = sorted(set(data) - set(known))
    if unknown:
        # A typo in the settings file ("hots") must not silently fall back to a default.
        raise DeviceSettingsError(
            f"unknown {what} setting {unknown[0]!r} (known: {', '.join(known)})"
        )
    required = [name for name in cls.REQUIRED if name not in data]
    if required:
        raise DeviceSettingsError(f"{what} settings need {required[0]!r}")
    return cls(**dict(data))


def has_control_chars(text: str) -> bool:
    """True if `text` holds a control character (category Cc), e.g. NUL, ESC or a newline."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


@dataclass(frozen=True)
class PrinterSettings:
    """One receipt or label printer and how to reach it.

    backend picks the transport; only the fields of that transport need to be set:
    network -> host (+ port), usb -> usb_vendor_id + usb_product_id, serial -> serial_port
    (+ baudrate), file -> path (a device node such as /dev/usb/lp0, or a file), cups ->
    cups_queue ("" = the default queue), dummy -> nothing (bytes are kept in memory).
    """

    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "backend")

    name: str
    backend: str
    host: str = ""
    port: int = 9100
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    serial_port: str = ""
    baudrate: int = 9600
    path: str = ""
    cups_queue: str = ""
    profile: str = "TM-T88V"
    paper_width_mm: int = 80
    label_size: str = "50x25"
    timeout_s: float = 5.0
    # Ask the printer for its paper sensor before each job (DLE EOT 4). Off by default:
    # printers that do not answer would cost a short wait on every job.
    check_paper: bool = False
    # Network printers: ask the printer's real-time status (DLE EOT) before and after each
    # job, so a job sent to a printer that is offline or out of paper is not called done
    # just because its TCP stack took the bytes. A printer that does not answer within a
    # moment is treated as before (done once every byte is acknowledged).
    status_check: bool = True

    def __post_init__(self) -> None:
        _check_types(self)
        self._check_values()

    def _check_values(self) -> None:
        where = _where(self)
        if not self.name.strip():
            raise DeviceSettingsError("a printer needs a name")
        if self.backend not in PRINTER_BACKENDS:
            raise DeviceSettingsError(
                f"{where}: backend must be one of {', '.join(PRINTER_BACKENDS)}, "
                f"not {self.backend!r}"
            )
        if not 1 <= self.port <= 65535:
            raise DeviceSettingsError(f"{where}: port must be 1 to 65535, not {self.port}")
        for field_name in ("usb_vendor_id", "usb_product_id"):
            value = getattr(self, field_name)
            if not 0 <= value <= 0xFFFF:
                raise DeviceSettingsError(f"{where}: {field_name} must be 0 to 0xFFFF")
        if self.baudrate <= 0:
            raise DeviceSettingsError(f"{where}: baudrate must be positive")
        if not 40 <= self.paper_width_mm <= 120:
            raise DeviceSettingsError(f"{where}: paper_width_mm must be 40 to 120")
        if not 0 < self.timeout_s <= 300:
            raise DeviceSettingsError(f"{where}: timeout_s must be above 0 and at most 300")
        if not self.profile.strip():
            raise DeviceSettingsError(f"{where}: profile must not be empty")
        self.label_size_mm()  # validates
        self._check_backend_fields(where)

    def _check_backend_fields(self, where: str) -> None:
        needs = {"network": "host", "serial": "serial_port", "file": "path"}
        needed = needs.get(self.backend)
        if needed and not getattr(self, needed).strip():
            raise DeviceSettingsError(f"{where}: a {self.backend} printer needs {needed}")
        if self.backend == "usb" and not (self.usb_vendor_id and self.usb_product_id):
            raise DeviceSettingsError(
                f"{where}: a usb printer needs usb_vendor_id and usb_product_id"
            )

    def label_size_mm(self) -> tuple[float, float]:
        """The label size as (width, height) in millimetres, from "50x25"."""
        match = _LABEL_SIZE.match(self.label_size)
        width, height = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
        if width <= 0 or height <= 0:
            raise DeviceSettingsError(
                f"{_where(self)}: label_size must look like 50x25 (mm), not {self.label_size!r}"
            )
        return width, height

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain TOML-friendly table."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrinterSettings:
        """Parse and validate a printer table; raises DeviceSettingsError saying what is wrong."""
        result: PrinterSettings = _from_mapping(cls, data, "printer")
        return result


@dataclass(frozen=True)
class ScannerSettings:
    """A barcode scanner: a keyboard wedge (the default) or a serial/USB-CDC port.

    prefix/suffix are what the scanner is configured to add around each code; they are
    stripped. A wedge burst is keys at most max_key_interval_ms apart ending in Enter or
    Tab; codes shorter than min_length or longer than max_length are not taken as scans.
    terminator ends a code on a serial port; if it is made only of CR/LF characters, any
    CR or LF ends a code (scanners differ in sending CR, LF or CRLF).
    """

    REQUIRED: ClassVar[tuple[str, ...]] = ()

    kind: str = "wedge"
    serial_port: str = ""
    baudrate: int = 9600
    terminator: str = "\r\n"
    prefix: str = ""
    suffix: str = ""
    max_key_interval_ms: int = 50
    min_length: int = 3
    max_length: int = 256
    reconnect_interval_s: float = 2.0

    def __post_init__(self) -> None:
        _check_types(self)
        self._check_values()

    def _check_values(self) -> None:
        if self.kind not in SCANNER_KINDS:
            raise DeviceSettingsError(
                f"scanner: kind must be one of {', '.join(SCANNER_KINDS)}, not {self.kind!r}"
            )
        if self.kind == "serial" and not self.serial_port.strip():
            raise DeviceSettingsError("scanner: a serial scanner needs serial_port")
        if self.baudrate <= 0:
            raise DeviceSettingsError("scanner: baudrate must be positive")
        if not self.terminator or len(self.terminator) > 4:
            raise DeviceSettingsError("scanner: terminator must be 1 to 4 characters")
        if not 1 <= self.max_key_interval_ms <= 1000:
            raise DeviceSettingsError("scanner: max_key_interval_ms must be 1 to 1000")
        if not 1 <= self.min_length <= self.max_length <= 8192:
            raise DeviceSettingsError("scanner: need 1 <= min_length <= max_length <= 8192")
        if not 0 < self.reconnect_interval_s <= 3600:
            raise DeviceSettingsError("scanner: reconnect_interval_s must be above 0")
        if has_control_chars(self.prefix + self.suffix) and self.kind == "wedge":
            # A wedge never delivers control characters as part of a code (see wedge.py).
            raise DeviceSettingsError("scanner: a wedge prefix/suffix must be printable")

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain TOML-friendly table."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScannerSettings:
        """Parse and validate a scanner table; an empty table gives the wedge defaults."""
        result: ScannerSettings = _from_mapping(cls, data, "scanner")
        return result


def parse_printers(tables: Iterable[Mapping[str, Any]]) -> tuple[PrinterSettings, ...]:
    """Parse the [[printers]] tables of the settings file; names must be unique."""
    printers: list[PrinterSettings] = []
    seen: set[str] = set()
    for index, table in enumerate(tables, start=1):
        try:
            printer = PrinterSettings.from_dict(table)
        except DeviceSettingsError as exc:
            raise DeviceSettingsError(f"printer #{index}: {exc}") from None
        if printer.name in seen:
            raise DeviceSettingsError(f"two printers are called {printer.name!r}")
        seen.add(printer.name)
        printers.append(printer)
    return tuple(printers)
