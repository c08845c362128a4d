"""After-commit handlers: a committed sale or refund puts its receipt in the print queue;
a new ticket its intake tag and claim slip; a ticket become ready e-mails the customer.

`Effects` is a store listener (`store.listen(effects)`); the window and the command line
attach the same one, so a sale prints the same way from both. What a document looks like
is decided in app.paperwork, which printer in app.effects.printers; here only what follows
what. A cash tender opens the drawer: the kick goes in front of the receipt, in one job.
Printing never undoes anything: a printer that is off keeps the job in the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from app.config import Settings
from app.devices.settings import DeviceSettingsError, PrinterSettings
from app.effects.printers import Purpose, choose_printer
from app.events import Event

# The paperwork and python-escpos are imported by the first document printed, not with
# the window (and its locked screen) that makes an Effects at start.
# The sale and ticket events and records too: they come with the services, after log-in.
if TYPE_CHECKING:
    from app.pos.records import DayReport, RefundRecord, SaleRecord, TenderRecord
    from app.printing.documents import Label, Receipt
    from app.tickets.records import TicketRecord

log = logging.getLogger(__name__)
CASH = "cash"
NO_PRINTER = "Receipts are not printed: no printer is set up (Settings)"
NO_LABEL_PRINTER = "Labels are not printed: no printer is set up (Settings)"


class JobSink(Protocol):
    """Where rendered jobs go: the print queue (tests may pass a recorder)."""

    def submit(self, printer_name: str, title: str, payload: bytes, *, kind: str = ...) -> str: ...


class MailSink(Protocol):
    """Where e-mails go: the mail queue (app.devices.mail_queue)."""

    def submit(self, to: str, subject: str, body: str) -> str: ...


def _pays_cash(tenders: Sequence[TenderRecord]) -> bool:
    return any(t.kind == CASH for t in tenders)


class Effects:
    """Turns committed events into print jobs. `problem(text)` hears what could not be
    printed (no printer set up: said once, not at every sale)."""

    def __init__(
        self,
        settings: Settings,
        queue: JobSink,
        *,
        problem: Callable[[str], None] | None = None,
        print_receipts: bool = True,
        mail: MailSink | None = None,
    ) -> None:
        self.settings = settings
        self.queue = queue
        self.mail = mail
        self.print_receipts = print_receipts
        self._problem = problem or (lambda _text: None)
        self._said: set[str] = set()
        self._lock = threading.Lock()
        self.submitted: list[str] = []  # job ids, in order (the CLI waits for them)
        self.mailed: list[str] = []  # mail job ids, in order

    def apply(self, settings: Settings) -> None:
        """Use newly saved settings (another receipt printer, say) from the next job on."""
        with self._lock:
            self.settings = settings
            self._said.clear()

    def __call__(self, events: Sequence[Event]) -> None:
        for event in events:
            self.handle(event)

    def handle(self, event: Event) -> str | None:
        """The one place that decides what follows a committed event."""
        from app.pos.events import RefundCompleted, SaleCompleted
        from app.tickets.events import TicketOpened, TicketStatusChanged

        match event:
            case SaleCompleted(sale=sale) if self.print_receipts:
                return self.print_sale(sale)
            case RefundCompleted(refund=refund) if self.print_receipts:
                return self.print_refund(refund)
            case TicketOpened(ticket=ticket) if self.print_receipts:
                return self.print_ticket_papers(ticket)
            case TicketStatusChanged(ticket=ticket, new=new):
                return self.notify_customer(ticket, new)
        return None

    # ------------------------------------------------------------ documents

    def print_sale(self, sale: SaleRecord, *, reprint: bool = False) -> str | None:
        """The sale's receipt; the drawer opens for cash, but never for a reprint."""
        from app.paperwork.receipts import sale_receipt

        receipt = sale_receipt(self.settings.shop, sale, reprint=reprint)
        title = f"Receipt {sale.number}" + (" (reprint)" if reprint else "")
        return self._receipt(receipt, title, open_drawer=not reprint and _pays_cash(sale.tenders))

    def print_refund(self, refund: RefundRecord) -> str | None:
        from app.paperwork.receipts import refund_receipt

        slip = refund_receipt(self.settings.shop, refund)
        return self._receipt(
            slip, f"Refund slip {refund.number}", open_drawer=_pays_cash(refund.tenders)
        )

    def print_day_report(self, report: DayReport) -> str | None:
        printer = self._printer(Purpose.RECEIPT)
        if printer is None:
            return None
        from app.paperwork.receipts import day_report_rows
        from app.printing.escpos import paper, render_rows

        sheet = paper(printer.paper_width_mm, printer.profile)
        rows = day_report_rows(self.settings.shop, report, sheet.columns)
        data = render_rows(rows, width_mm=printer.paper_width_mm, profile=printer.profile)
        title = f"End of day {report.till} {report.day.isoformat()}"
        return self._submit(printer, title, data, kind="report")

    def print_labels(
        self, labels: Sequence[Label], *, printer: str | None = None, title: str = ""
    ) -> str | None:
        """Serial labels as ESC/POS on the label printer (or the one named)."""
        target = choose_printer(self.settings, Purpose.LABELS, name=printer)
        if target is None:
            self._say_once(NO_LABEL_PRINTER)
            return None
        from app.printing.escpos import render_labels

        data = render_labels(labels, width_mm=target.paper_width_mm, profile=target.profile)
        return self._submit(target, title or f"{len(labels)} labels", data, kind="labels")

    def print_ticket_papers(
        self,
        ticket: TicketRecord,
        *,
        tag: bool = True,
        slip: bool = True,
        printer_name: str | None = None,
    ) -> str | None:
        """The intake tag for the device and the claim slip for the customer, each a job
        on the receipt printer or the one named (reprints: one or the other)."""
        printer = (
            choose_printer(self.settings, Purpose.RECEIPT, name=printer_name)
            if printer_name
            else self._printer(Purpose.RECEIPT)
        )
        if printer is None:
            return None
        from app.paperwork.tickets import claim_slip_rows, intake_tag
        from app.printing.escpos import paper, render_rows, render_tag

        job: str | None = None
        width, profile = printer.paper_width_mm, printer.profile
        if tag:
            data = render_tag(intake_tag(ticket), width_mm=width, profile=profile)
            job = self._submit(printer, f"Intake tag {ticket.number}", data, kind="tag")
        if slip:
            rows = claim_slip_rows(self.settings.shop, ticket, paper(width, profile).columns)
            data = render_rows(rows, width_mm=width, profile=profile)
            job = self._submit(printer, f"Claim slip {ticket.number}", data, kind="slip")
        return job

    def notify_customer(self, ticket: TicketRecord, status: str) -> str | None:
        """E-mails the customer when the ticket reaches a status the shop ticked (ready by
        default) and they gave an address; the mail queue sends and retries it."""
        if self.mail is None or not self.settings.mail.enabled or not ticket.customer_email:
            return None
        if status not in self.settings.shop.ticket_notify_statuses:
            return None
        from app.paperwork.tickets import notification

        subject, body = notification(self.settings.shop, self.settings.mail, ticket, status)
        mail_id = self.mail.submit(ticket.customer_email, subject, body)
        with self._lock:
            self.mailed.append(mail_id)
        return mail_id

    # ------------------------------------------------------------ plumbing

    def _receipt(self, receipt: Receipt, title: str, *, open_drawer: bool) -> str | None:
        printer = self._printer(Purpose.RECEIPT)
        if printer is None:
            return None
        from app.printing.escpos import drawer_kick, render_receipt

        data = render_receipt(receipt, width_mm=printer.paper_width_mm, profile=printer.profile)
        if open_drawer:
            data = drawer_kick() + data
        return self._submit(printer, title, data, kind="receipt")

    def _printer(self, purpose: Purpose) -> PrinterSettings | None:
        try:
            printer = choose_printer(self.settings, purpose)
        except DeviceSettingsError as exc:
            self._say_once(f"Printers not used: {exc.message}. Fix them in Settings.")
            return None
        if printer is None:
            self._say_once(NO_PRINTER)
        return printer

    def _submit(self, printer: PrinterSettings, title: str, data: bytes, *, kind: str) -> str:
        job_id = self.queue.submit(printer.name, title, data, kind=kind)
        with self._lock:
            self.submitted.append(job_id)
        return job_id

    def _say_once(self, text: str) -> None:
        with self._lock:
            if text in self._said:
                return
            self._said.add(text)
        self._problem(text)
