"""The sending half of the print queue: a worker thread per printer and the slow timer.

Each printer's worker sends that printer's jobs one at a time, oldest first, and records
how each attempt ended (done, again later, unsure, failed). The timer knocks on the
printers whose failed jobs wait for them, and passes on what other processes asked for.

PrinterWorkers is the base of PrintQueue (app/devices/print_queue.py): both work on the
same job table under the same lock, and the queue provides the hooks below.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from app.devices.print_jobs import (
    WAITING_STATES,
    JobId,
    JobState,
    PrintJob,
    RetryPolicy,
    strip_drawer_kick,
)
from app.devices.printer_errors import PrinterError, PrinterMayHavePrinted
from app.devices.printers import PrinterConnection
from app.devices.settings import PrinterSettings
from app.devices.spool import JobSpool

log = logging.getLogger(__name__)

Connector = Callable[[PrinterSettings], PrinterConnection]


class PrinterWorkers:
    """Workers and timer over a job table; see the module docstring."""

    def __init__(
        self,
        spool: JobSpool,
        printers: Iterable[PrinterSettings],
        *,
        retry: RetryPolicy,
        connect: Connector,
        probe_interval_s: float,
        poll_s: float,
        revive_failed: bool,
    ) -> None:
        self._spool = spool
        self._printers: dict[str, PrinterSettings] = {p.name: p for p in printers}
        self._retry = retry
        self._connect = connect
        self._probe_interval_s = probe_interval_s
        self._poll_s = poll_s
        self._revive_failed = revive_failed
        self._next_probe: dict[str, float] = {}
        self._cond = threading.Condition(threading.RLock())
        self._jobs: dict[JobId, PrintJob] = {}
        self._cancel_requested: set[JobId] = set()
        self._workers: dict[str, threading.Thread] = {}
        self._started = False
        self._stopping = False

    # --- provided by the queue ----------------------------------------------------------------

    def _change(self, job: PrintJob, **changes: Any) -> PrintJob:
        """Record a new snapshot of `job` (caller holds the lock), persist it, tell listeners."""
        raise NotImplementedError

    def _prune_locked(self) -> None:
        """Forget finished jobs beyond what is kept (caller holds the lock)."""
        raise NotImplementedError

    def _take_requests(self) -> None:
        """Act on what other processes asked for (caller holds the lock)."""
        raise NotImplementedError

    # --- the workers ------------------------------------------------------------------------

    def _requeue(self, job: PrintJob) -> None:
        self._change(
            job, state=JobState.QUEUED, attempts=0, next_attempt_at=0.0, retry_when_back=False
        )
        self._ensure_worker(job.printer)

    def _ensure_worker(self, printer: str) -> None:
        if not self._started or self._stopping:
            return
        worker = self._workers.get(printer)
        if worker is None or not worker.is_alive():
            worker = threading.Thread(
                target=self._work, args=(printer,), name=f"print-queue[{printer}]", daemon=True
            )
            self._workers[printer] = worker
            worker.start()

    def _work(self, printer: str) -> None:
        while (job := self._claim_next(printer)) is not None:
            self._finish(job, *self._print(job))

    def _claim_next(self, printer: str) -> PrintJob | None:
        """Wait for this printer's oldest waiting job to be due; mark it printing."""
        with self._cond:
            while not self._stopping:
                head = self._head(printer)
                if head is None:
                    self._cond.wait()  # woken by submit/retry/stop: no polling
                    continue
                due_in = head.next_attempt_at - time.time()
                longest = self._retry.max_s * (1 + self._retry.jitter)
                if due_in > longest:
                    # The wall clock (kept so retries survive a restart) was set back:
                    # no retry may wait longer than the policy allows.
                    head = self._change(head, next_attempt_at=time.time() + longest)
                    due_in = longest
                if head.state is JobState.RETRYING and due_in > 0:
                    self._cond.wait(due_in)
                    continue
                return self._change(head, state=JobState.PRINTING)
            return None

    def _head(self, printer: str) -> PrintJob | None:
        # Strict order per printer: a job waiting to retry holds back the ones behind it.
        waiting = [
            j for j in self._jobs.values() if j.printer == printer and j.state in WAITING_STATES
        ]
        return min(waiting, key=lambda j: j.seq, default=None)

    def _print(self, job: PrintJob) -> tuple[PrinterError | None, bool]:
        """Send one job: the error that stopped it (None if the printer took it all), and
        whether any of it may have reached the printer."""
        settings = self._printers.get(job.printer)
        if settings is None:
            return PrinterError(f"No printer called {job.printer} is set up."), False
        connected = False
        try:
            payload = self._spool.read_payload(job)
            if job.reached_printer:
                payload = strip_drawer_kick(payload)  # the drawer opened the first time
            connection = self._connect(settings)
            connected = True
            try:
                connection.send(payload)
            finally:
                connection.close()
        except PrinterError as exc:
            log.info("print job %s on %s: %s (%s)", job.id, job.printer, exc, exc.detail)
            return exc, connected and not exc.before_sending
        except Exception as exc:  # a bug in a backend must not kill the worker
            log.exception("print job %s on %s failed unexpectedly", job.id, job.printer)
            return PrinterError(f"Printing on {job.printer} failed: {exc}"), connected
        return None, True

    def _finish(self, job: PrintJob, error: PrinterError | None, reached: bool) -> None:
        with self._cond:
            current = self._jobs.get(job.id, job)
            cancel = job.id in self._cancel_requested
            self._cancel_requested.discard(job.id)
            attempts = current.attempts + 1
            common: dict[str, Any] = {
                "attempts": attempts,
                "reached_printer": current.reached_printer or reached,
            }
            if error is None:
                self._change(current, state=JobState.DONE, last_error="", **common)
                self._printer_answers(current.printer)
            elif cancel:
                self._change(current, state=JobState.CANCELLED, **common)
            elif isinstance(error, PrinterMayHavePrinted):
                self._change(current, state=JobState.UNSURE, last_error=error.message, **common)
            elif error.retryable and attempts < self._retry.max_attempts:
                self._change(
                    current,
                    state=JobState.RETRYING,
                    next_attempt_at=time.time() + self._retry.delay(attempts),
                    last_error=error.message,
                    **common,
                )
            else:
                self._change(
                    current,
                    state=JobState.FAILED,
                    last_error=error.message,
                    retry_when_back=error.retryable,
                    **common,
                )
            self._prune_locked()

    def _printer_answers(self, printer: str) -> None:
        """The printer is back: its jobs that failed for want of it are queued again."""
        if not self._revive_failed:
            return
        mine = sorted((j for j in self._jobs.values() if j.printer == printer), key=lambda j: j.seq)
        for job in mine:
            if job.state is JobState.FAILED and job.retry_when_back:
                self._requeue(job)

    # --- the slow timer: failed jobs' printers, requests from other processes ----------------

    def _watch(self) -> None:
        with self._cond:
            while not self._stopping:
                self._cond.wait(self._poll_s)
                if self._stopping:
                    return
                self._take_requests()
                due = self._printers_to_probe()
                if due:
                    self._cond.release()
                    try:
                        answering = [p for p in due if self._probe(p)]
                    finally:
                        self._cond.acquire()
                    for printer in answering:
                        self._printer_answers(printer.name)

    def _printers_to_probe(self) -> list[PrinterSettings]:
        """Printers whose only jobs are failed ones waiting for them, due for a knock."""
        now = time.monotonic()
        busy = {j.printer for j in self._jobs.values() if not j.finished}
        waiting = {
            j.printer
            for j in self._jobs.values()
            if j.state is JobState.FAILED and j.retry_when_back and j.printer not in busy
        }
        due = []
        for name in sorted(waiting):
            settings = self._printers.get(name)
            if settings is None:
                continue
            if now >= self._next_probe.setdefault(name, now + self._probe_interval_s):
                self._next_probe[name] = now + self._probe_interval_s
                due.append(settings)
        return due

    def _probe(self, settings: PrinterSettings) -> bool:
        """True if the printer accepts a connection (nothing is printed)."""
        try:
            self._connect(settings).close()
        except Exception as exc:  # any failure means "not yet"
            log.debug("printer %s still not answering: %r", settings.name, exc)
            return False
        return True
