"""What can go wrong with a printer, in words a cashier can act on.

Every backend (app/devices/escpos_printers.py, app/devices/network_printer.py) raises one of
these; `retryable` says whether trying again later can help (offline, timeout, out of
paper, connection lost) or not (this machine cannot drive that kind of printer at all, or
the printer may already have printed the job).
"""

from __future__ import annotations

from typing import ClassVar


class PrinterError(Exception):
    """A printer could not print. `message` is fit to show a cashier; `detail` is for logs."""

    retryable: ClassVar[bool] = False
    # Raised before any byte of the job was sent (a status answer): nothing can have printed.
    before_sending: ClassVar[bool] = False

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail

    @property
    def message(self) -> str:
        """The one-line text to show the cashier."""
        return str(self)


class PrinterOffline(PrinterError):
    """The printer cannot be reached: switched off, unplugged, wrong address."""

    retryable = True


class PrinterConnectionLost(PrinterOffline):
    """The connection dropped while the job was being sent; part of it may have printed."""


class PrinterTimeout(PrinterError):
    """The printer stopped answering or stopped taking data."""

    retryable = True


class PrinterOutOfPaper(PrinterError):
    """The printer reports that its paper roll is empty (asked before the job is sent)."""

    retryable = True
    before_sending = True


class PrinterNotReady(PrinterError):
    """The printer answered its status before the job: offline (cover open, an error).

    Nothing of the job was sent, so trying again later cannot print it twice.
    """

    retryable = True
    before_sending = True


class PrinterMayHavePrinted(PrinterConnectionLost):
    """The printer had been handed the whole job, then the connection broke or it reported
    that it cannot print. Whether it printed cannot be known: a person has to look.

    Not retryable: sending it again could print a second copy (and, with a drawer kick
    in the job, open the drawer again).
    """

    retryable = False


class PrinterUnavailable(PrinterError):
    """This machine cannot drive this kind of printer (a library is missing)."""
