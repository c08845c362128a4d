"""Printer backends: send already-rendered ESC/POS bytes to a printer named by its settings.

One small class per transport, on top of python-escpos (Network, Usb, Serial, File,
CupsPrinter, Dummy): the network one in app/devices/network_printer.py, the others in
app/devices/escpos_printers.py. `open_printer(settings)` gives a `PrinterConnection` with
`send(data)` and `close()`. Every failure is a `PrinterError`
(app/devices/printer_errors.py) whose message can be shown to a cashier.
"""

from __future__ import annotations

from typing import Protocol

from app.devices.escpos_printers import (
    CupsConnection,
    DummyConnection,
    EscposConnection,
    SerialConnection,
    escpos_module,
    quiet,
    unreachable,
)
from app.devices.network_printer import NetworkConnection
from app.devices.printer_errors import PrinterError, PrinterUnavailable
from app.devices.settings import PrinterSettings


class PrinterConnection(Protocol):
    """An open printer. `send` raises PrinterError; `close` never raises."""

    def send(self, data: bytes) -> None:
        """Send raw (already rendered) bytes to the printer."""

    def close(self) -> None:
        """Release the printer; safe to call twice."""


# --- opening --------------------------------------------------------------------------------


def _build(settings: PrinterSettings) -> EscposConnection:
    printers = escpos_module()
    backend = settings.backend
    with quiet():
        if backend == "network":
            return NetworkConnection(
                settings,
                printers.Network(settings.host, port=settings.port, timeout=settings.timeout_s),
            )
        if backend == "usb":
            return EscposConnection(
                settings,
                printers.Usb(
                    settings.usb_vendor_id,
                    settings.usb_product_id,
                    timeout=int(settings.timeout_s * 1000),  # pyusb counts milliseconds
                ),
            )
        if backend == "serial":
            return SerialConnection(
                settings,
                printers.Serial(
                    settings.serial_port, baudrate=settings.baudrate, timeout=settings.timeout_s
                ),
            )
        if backend == "file":
            return EscposConnection(settings, printers.File(settings.path))
        if backend == "cups":
            if not printers.CupsPrinter.is_usable():
                raise PrinterUnavailable("CUPS is not available on this machine.")
            return CupsConnection(settings, printers.CupsPrinter(settings.cups_queue))
        return DummyConnection(settings, printers.Dummy())


def open_printer(settings: PrinterSettings) -> PrinterConnection:
    """Open the printer `settings` describe; raises a PrinterError if it cannot be reached."""
    try:
        connection = _build(settings)
    except PrinterError:
        raise
    except Exception as exc:
        raise unreachable(settings, exc) from exc
    connection.open()
    return connection


def check_printer(settings: PrinterSettings) -> None:
    """Connect to the printer and read its paper sensor if it can; raises PrinterError.

    For the settings dialog's "Test connection": prints nothing.
    """
    connection = open_printer(settings)
    try:
        if isinstance(connection, EscposConnection):
            connection.check_paper()
    finally:
        connection.close()
