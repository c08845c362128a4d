"""Which printer, and the durable print queue: chosen here once for the window and the CLI.

The queue's spool lives in the data directory, so a job that could not be printed (printer
off, out of paper) is kept and printed by the next queue that starts: the app's, or the
next command. Printing never undoes the sale or receiving that asked for it.
"""

from __future__ import annotations

import enum
from pathlib import Path

from app.config import Settings, data_dir
from app.devices.print_jobs import PrintJob
from app.devices.print_queue import PrintQueue
from app.devices.settings import DeviceSettingsError, PrinterSettings, parse_printers
from app.errors import NotFound


class Purpose(enum.StrEnum):
    """What a printer is wanted for; each has its own setting naming the printer."""

    RECEIPT = "receipt"  # receipts, refund slips, reports, intake tags and claim slips
    LABELS = "labels"


def spool_dir() -> Path:
    return data_dir() / "print-spool"


def shop_printers(settings: Settings) -> tuple[PrinterSettings, ...]:
    """The printers of the settings file (DeviceSettingsError if its tables are bad)."""
    return parse_printers(settings.printers)


def usable_printers(settings: Settings) -> tuple[tuple[PrinterSettings, ...], str]:
    """The printers of `settings`, and a problem to show if the file's tables are bad."""
    try:
        return shop_printers(settings), ""
    except DeviceSettingsError as exc:
        return (), f"Printers not used: {exc.message}. Fix them in Settings."


def printer_named(printers: tuple[PrinterSettings, ...], name: str) -> PrinterSettings:
    for printer in printers:
        if printer.name.lower() == name.strip().lower():
            return printer
    known = ", ".join(p.name for p in printers) or "none yet: add one in Settings"
    raise NotFound(f"no printer named {name.strip()!r} (printers: {known})")


def choose_printer(
    settings: Settings, purpose: Purpose, *, name: str | None = None
) -> PrinterSettings | None:
    """The one rule for which printer prints what: the printer asked for by name (NotFound
    if there is none of that name), else the one the settings name for the purpose, else
    the first printer there is; None when no printer is set up."""
    printers = shop_printers(settings)
    if name:
        return printer_named(printers, name)
    wanted = settings.receipt_printer if purpose is Purpose.RECEIPT else settings.label_printer
    if wanted.strip():
        found = [p for p in printers if p.name.lower() == wanted.strip().lower()]
        if found:
            return found[0]
    return printers[0] if printers else None


def open_queue(settings: Settings, spool: Path | None = None) -> PrintQueue:
    """A started queue over the shop's spool, knowing the printers in the settings."""
    queue = PrintQueue(spool or spool_dir(), shop_printers(settings))
    queue.start()
    return queue


def wait_for_jobs(
    queue: PrintQueue, settings: Settings, job_ids: list[str]
) -> list[PrintJob | None]:
    """For the command line: give each printer a moment to take its job, then report the
    state. A job still waiting stays in the spool and is printed by the next queue."""
    printers = {p.name: p for p in shop_printers(settings)}
    states = []
    for job_id in job_ids:
        job = queue.job(job_id)
        timeout = printers[job.printer].timeout_s if job and job.printer in printers else 5.0
        states.append(queue.wait(job_id, timeout_s=timeout + 2.0))
    return states


def job_report(job: PrintJob | None, fallback_printer: str = "") -> str:
    """One line for the command line: where the job went and how far it got."""
    if job is None:
        return f"{fallback_printer}: queued"
    problem = f" ({job.last_error})" if job.last_error else ""
    return f"{job.title} to {job.printer}: {job.state.value}{problem}"
