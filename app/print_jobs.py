"""Sending documents to the shop's printers through the durable print queue.

The queue's spool lives in the data directory, so a job that could not be printed (printer
off, out of paper) is kept and printed by the next queue that starts: the app's, or the
next command. Printing never undoes the sale or receiving that asked for it.
"""

from __future__ import annotations

from pathlib import Path

from app.config import Settings, data_dir
from app.devices.print_queue import PrintJob, PrintQueue
from app.devices.settings import PrinterSettings, parse_printers
from app.errors import NotFound


def spool_dir() -> Path:
    return data_dir() / "print-spool"


def printers(settings: Settings) -> tuple[PrinterSettings, ...]:
    return parse_printers(settings.printers)


def printer_named(settings: Settings, name: str) -> PrinterSettings:
    for printer in printers(settings):
        if printer.name.lower() == name.strip().lower():
            return printer
    known = ", ".join(p.name for p in printers(settings)) or "none yet: add one in Settings"
    raise NotFound(f"no printer named {name.strip()!r} (printers: {known})")


def open_queue(settings: Settings, spool: Path | None = None) -> PrintQueue:
    """A started queue over the shop's spool, knowing the printers in the settings."""
    queue = PrintQueue(spool or spool_dir(), printers(settings))
    queue.start()
    return queue


def send_and_wait(settings: Settings, printer: str, title: str, payload: bytes, *, kind: str,
                  spool: Path | None = None) -> PrintJob | None:  # fmt: skip
    """For the command line: queue the job, give the printer a moment, report the state.
    A job still waiting stays in the spool and is printed by the next queue."""
    target = printer_named(settings, printer)
    queue = open_queue(settings, spool)
    try:
        job_id = queue.submit(target.name, title, payload, kind=kind)
        return queue.wait(job_id, timeout_s=target.timeout_s + 2.0)
    finally:
        queue.stop(timeout_s=target.timeout_s + 1.0)
