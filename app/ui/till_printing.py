"""Receipts and refund slips to the receipt printer, through the print queue.

After the sale or refund is committed: printing never blocks the till and never undoes
anything (a printer that is off keeps the job in the queue, shown in Print jobs). A cash
tender opens the drawer: the kick goes in front of the receipt, in the same job.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.config import Settings
from app.devices.settings import PrinterSettings
from app.paperwork.receipts import day_report_rows, refund_receipt, sale_receipt
from app.pos.records import DayReport, RefundRecord, SaleRecord
from app.printing.documents import Receipt
from app.printing.escpos import drawer_kick, paper, render_receipt, render_rows
from app.ui.shop_devices import ShopDevices

CASH = "cash"


class TillPrinting(QObject):
    """Connect `print_sale` to PosView.sale_completed and `print_refund` to
    RefundView.refund_completed. `problem(str)` says when there is no printer to use."""

    problem = Signal(str)

    def __init__(
        self, devices: ShopDevices, settings: Settings, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.devices = devices
        self.settings = settings
        self._said_no_printer = False  # the preview is on screen: say it once, not per sale

    def receipt_printer(self) -> PrinterSettings | None:
        """The printer named in the settings, else the only (or first) printer there is."""
        printers = self.devices.printers
        wanted = self.settings.receipt_printer.strip().lower()
        for printer in printers:
            if wanted and printer.name.lower() == wanted:
                return printer
        return printers[0] if printers else None

    def print_sale(self, sale: SaleRecord) -> str | None:
        receipt = sale_receipt(self.settings.shop, sale)
        cash = any(t.kind == CASH for t in sale.tenders)
        return self._send(receipt, f"Receipt {sale.number}", open_drawer=cash)

    def print_refund(self, refund: RefundRecord) -> str | None:
        slip = refund_receipt(self.settings.shop, refund)
        cash = any(t.kind == CASH for t in refund.tenders)
        return self._send(slip, f"Refund slip {refund.number}", open_drawer=cash)

    def print_day_report(self, report: DayReport) -> str | None:
        printer = self._printer()
        if printer is None:
            return None
        sheet = paper(printer.paper_width_mm, printer.profile)
        rows = day_report_rows(self.settings.shop, report, sheet.columns)
        data = render_rows(rows, width_mm=printer.paper_width_mm, profile=printer.profile)
        title = f"End of day {report.till} {report.day.isoformat()}"
        return self.devices.queue.submit(printer.name, title, data, kind="report")

    def _printer(self) -> PrinterSettings | None:
        printer = self.receipt_printer()
        if printer is None and not self._said_no_printer:
            self.problem.emit("Receipts are not printed: no printer is set up (Settings)")
            self._said_no_printer = True
        return printer

    def _send(self, receipt: Receipt, title: str, *, open_drawer: bool) -> str | None:
        printer = self._printer()
        if printer is None:
            return None
        data = render_receipt(receipt, width_mm=printer.paper_width_mm, profile=printer.profile)
        if open_drawer:
            data = drawer_kick() + data
        return self.devices.queue.submit(printer.name, title, data, kind="receipt")
