"""Device settings: round-trip through plain dicts and TOML; clear errors on bad input."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from app.devices.settings import (
    DeviceSettingsError,
    PrinterSettings,
    ScannerSettings,
    parse_printers,
)
from app.errors import InvalidInput


def network_table(**extra: Any) -> dict[str, Any]:
    return {"name": "Front till", "backend": "network", "host": "192.0.2.10", **extra}


def test_printer_settings_round_trip_through_toml() -> None:
    printer = PrinterSettings.from_dict(network_table(port=9101, check_paper=True))
    text = tomli_w.dumps({"printers": [printer.to_dict()]})
    again = PrinterSettings.from_dict(tomllib.loads(text)["printers"][0])
    assert again == printer
    assert again.port == 9101 and again.timeout_s == 5.0 and again.profile == "TM-T88V"


def test_printer_defaults_match_a_common_receipt_printer() -> None:
    printer = PrinterSettings(name="P", backend="dummy")
    assert (printer.port, printer.paper_width_mm, printer.label_size) == (9100, 80, "50x25")
    assert printer.label_size_mm() == (50.0, 25.0)
    assert all(value is not None for value in printer.to_dict().values())


def test_scanner_settings_round_trip_through_toml() -> None:
    scanner = ScannerSettings(kind="serial", serial_port="/dev/ttyACM0", terminator="\r")
    text = tomli_w.dumps({"scanner": scanner.to_dict()})
    assert ScannerSettings.from_dict(tomllib.loads(text)["scanner"]) == scanner


def test_empty_scanner_table_is_a_wedge_with_defaults() -> None:
    scanner = ScannerSettings.from_dict({})
    assert scanner.kind == "wedge"
    assert (scanner.baudrate, scanner.terminator, scanner.max_key_interval_ms) == (
        9600,
        "\r\n",
        50,
    )


def test_usb_ids_may_be_written_in_hex_in_toml() -> None:
    table = tomllib.loads(
        'name = "Labels"\nbackend = "usb"\nusb_vendor_id = 0x04b8\nusb_product_id = 0x0e15\n'
    )
    printer = PrinterSettings.from_dict(table)
    assert (printer.usb_vendor_id, printer.usb_product_id) == (0x04B8, 0x0E15)


def test_whole_number_timeout_is_accepted_as_a_float() -> None:
    printer = PrinterSettings.from_dict(network_table(timeout_s=3))
    assert printer.timeout_s == 3.0 and isinstance(printer.timeout_s, float)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"backend": "network"}, "need 'name'"),
        (network_table(hots="x"), "unknown printer setting 'hots'"),
        (network_table(backend="bluetooth"), "backend must be one of"),
        (network_table(port="9100"), "port must be a whole number"),
        (network_table(port=True), "port must be a whole number"),
        (network_table(port=70000), "port must be 1 to 65535"),
        (network_table(host=""), "a network printer needs host"),
        (network_table(timeout_s=0), "timeout_s must be above 0"),
        (network_table(label_size="50 x 25"), "label_size must look like 50x25"),
        (network_table(paper_width_mm=8), "paper_width_mm must be 40 to 120"),
        ({"name": "P", "backend": "usb", "usb_vendor_id": 0x04B8}, "needs usb_vendor_id"),
        ({"name": "P", "backend": "serial"}, "needs serial_port"),
        ({"name": "P", "backend": "file"}, "needs path"),
        ({"name": " ", "backend": "dummy"}, "a printer needs a name"),
    ],
)
def test_bad_printer_settings_say_what_is_wrong(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        PrinterSettings.from_dict(table)
    assert isinstance(caught.value, InvalidInput)  # shown in one line by CLI and GUI


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "bluetooth"}, "kind must be one of"),
        ({"kind": "serial"}, "needs serial_port"),
        ({"terminator": ""}, "terminator"),
        ({"max_key_interval_ms": 0}, "max_key_interval_ms"),
        ({"min_length": 10, "max_length": 5}, "min_length <= max_length"),
        ({"prefix": "\x02"}, "must be printable"),
        ({"baudrate": 9600.0}, "baudrate must be a whole number"),
        ({"colour": "red"}, "unknown scanner setting 'colour'"),
    ],
)
def test_bad_scanner_settings_say_what_is_wrong(table: dict[str, Any], message: str) -> None:
    with pytest.raises(DeviceSettingsError, match=message):
        ScannerSettings.from_dict(table)


def test_settings_are_frozen() -> None:
    printer = PrinterSettings(name="P", backend="dummy")
    with pytest.raises(AttributeError):
        printer.port = 1  # type: ignore[misc]


def test_parse_printers_numbers_the_bad_table_and_rejects_twins() -> None:
    with pytest.raises(DeviceSettingsError, match=r"printer #2: .*needs host"):
        parse_printers([network_table(), {"name": "B", "backend": "network"}])
    with pytest.raises(DeviceSettingsError, match="two printers are called 'Front till'"):
        parse_printers([network_table(), network_table()])
    assert [
        p.name for p in parse_printers([network_table(), {"name": "B", "backend": "dummy"}])
    ] == [
        "Front till",
        "B",
    ]


@given(
    port=st.integers(1, 65535),
    timeout=st.floats(0.01, 300, allow_nan=False),
    width=st.integers(40, 120),
    name=st.text(min_size=1, max_size=20).filter(str.strip),
)
def test_any_valid_printer_round_trips(port: int, timeout: float, width: int, name: str) -> None:
    printer = PrinterSettings(
        name=name, backend="network", host="h", port=port, timeout_s=timeout, paper_width_mm=width
    )
    assert PrinterSettings.from_dict(printer.to_dict()) == printer
