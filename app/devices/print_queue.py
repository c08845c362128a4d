"""A durable print queue: rendered jobs wait on disk until their printer has taken them.

`submit()` stores the bytes in the spool directory and returns at once; a worker thread per
printer sends that printer's jobs in the order they were submitted. A printer that is
offline, out of paper or drops the connection before it has the whole job gets the job
again later, with exponential back-off, until `RetryPolicy.max_attempts`; then the job is
"failed", and the queue knocks on that printer (a bare connect) every `probe_interval_s`
and queues its failed jobs again when it answers. A job the printer may already have
printed (the connection broke after it was handed the whole job, or it said it went
offline holding it) is never sent again by itself: it is "unsure" until a person retries
(reprints) or cancels it. A drawer kick at the start of a job goes out on the first
attempt only: a retry never opens the drawer again. A print failure never raises into
the caller: the sale that asked for a receipt is already committed and must stay so. A
job that cannot be stored does raise (PrintSpoolError): a job kept only in memory would
be lost with the process while the cashier was told it would print.

Each job is two files: `<id>.job` (the bytes, written once) and `<id>.json` (its state),
each written to a temporary file, fsynced and renamed over the old one, so a crash leaves
either the old or the new version (app/devices/spool.py). The job and its states are in
app/devices/print_jobs.py, the per-printer workers in app/devices/print_worker.py. On
start, a job found "printing" was interrupted by a crash and is queued again: a receipt
printed twice beats a receipt lost.

One queue owns a spool directory at a time (an advisory lock): a second queue on the same
spool, e.g. the command line printing while the window is open, prints only its own jobs.

Another process (the command line while the window runs) asks the owner to retry or cancel
a job by leaving a request file in the spool (see request_retry, request_cancel); the owner
acts on it within `poll_s`.

Listeners (plain callables) get a `JobEvent` for every change, in order, on the queue's own
event thread; app/ui/bridge.py turns them into Qt signals.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from app.devices.print_jobs import (
    PRUNED_STATES,
    RETRYABLE_STATES,
    JobEvent,
    JobId,
    JobListener,
    JobState,
    PrintJob,
    RetryPolicy,
    new_job_id,
)
from app.devices.print_worker import Connector, PrinterWorkers
from app.devices.printers import open_printer
from app.devices.settings import PrinterSettings
from app.devices.spool import CANCEL, RETRY, JobSpool

log = logging.getLogger(__name__)


class PrintQueue(PrinterWorkers):
    """Durable, retrying print queue over a spool directory. See the module docstring.

    Usage: `queue = PrintQueue(spool, printers); queue.start(); queue.submit(...)`, and
    `queue.stop()` on exit. Jobs submitted before start() or after stop() are kept on disk
    and printed by the next started queue over the same spool directory.
    """

    def __init__(
        self,
        spool_dir: Path | str,
        printers: Iterable[PrinterSettings] = (),
        *,
        retry: RetryPolicy | None = None,
        connect: Connector = open_printer,
        keep_finished: int = 200,
        keep_finished_s: float = 24 * 3600.0,
        fsync: bool = True,
        probe_interval_s: float = 30.0,
        poll_s: float = 1.0,
        revive_failed: bool = True,
    ) -> None:
        super().__init__(
            JobSpool(Path(spool_dir), fsync=fsync),
            printers,
            retry=retry or RetryPolicy(),
            connect=connect,
            probe_interval_s=probe_interval_s,
            poll_s=poll_s,
            revive_failed=revive_failed,
        )
        self._keep_finished = keep_finished
        self._keep_finished_s = keep_finished_s
        self._listeners: list[JobListener] = []
        self._events: queue.SimpleQueue[JobEvent | None] = queue.SimpleQueue()
        self._dispatcher: threading.Thread | None = None
        self._timer: threading.Thread | None = None
        self._next_seq = 1
        self._owner = self._spool.usable and self._spool.lock()
        if self._owner:
            with self._cond:
                self._load_spool()

    # --- public API ---------------------------------------------------------------------

    @property
    def spool_dir(self) -> Path:
        """Where the jobs are kept."""
        return self._spool.directory

    @property
    def durable(self) -> bool:
        """False if the spool directory could not be used: submit() then raises."""
        return self._spool.usable

    @property
    def spool_owner(self) -> bool:
        """True if this queue looks after every job in the spool (see JobSpool.lock)."""
        return self._owner

    def start(self) -> None:
        """Start the event thread, the timer and the printer workers; failed jobs waiting
        for their printer are queued again. Call once.

        revive_failed=False (for one-off commands) leaves failed jobs alone, here and when
        their printer answers again.
        """
        with self._cond:
            if self._started:
                raise RuntimeError("the print queue was already started")
            self._started = True
            self._dispatcher = threading.Thread(
                target=self._dispatch_events, name="print-queue-events", daemon=True
            )
            self._dispatcher.start()
            self._timer = threading.Thread(
                target=self._watch, name="print-queue-timer", daemon=True
            )
            self._timer.start()
            self._prune_locked()
            if self._revive_failed and self._owner:
                # A new run is a new chance: the printer may have been fixed meanwhile.
                for job in self.jobs():
                    if job.state is JobState.FAILED and job.retry_when_back:
                        self._requeue(job)
            for printer in {job.printer for job in self._jobs.values() if not job.finished}:
                self._ensure_worker(printer)

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop the threads and wait for them; False if one is still busy after timeout_s.

        A job being sent keeps going until its printer answers or times out; if the
        process exits first, the job is printed again on the next start.
        """
        deadline = time.monotonic() + timeout_s
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            threads = list(self._workers.values())
            if self._timer is not None:
                threads.append(self._timer)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._dispatcher is not None:
            self._events.put(None)  # after the workers: their last events are delivered
            self._dispatcher.join(max(0.0, deadline - time.monotonic()))
            threads.append(self._dispatcher)
        ended = not any(thread.is_alive() for thread in threads)
        if ended:
            # A worker still sending would record its job's outcome later: keep the spool
            # until then (the process's exit releases it in any case).
            self._spool.unlock()
        return ended

    def __enter__(self) -> PrintQueue:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def submit(
        self, printer_name: str, title: str, payload: bytes, *, kind: str = "receipt"
    ) -> JobId:
        """Queue rendered bytes for a printer and return at once.

        Never raises for printer problems: those end up in the job's state. Raises
        PrintSpoolError if the job cannot be stored (it would not survive the process).
        """
        if not isinstance(payload, bytes | bytearray | memoryview):
            raise TypeError(f"a print job takes bytes, not {type(payload).__name__}")
        data = bytes(payload)
        job_id = new_job_id()
        self._spool.store_payload(job_id, data, title)  # outside the lock: it may fsync
        with self._cond:
            now = time.time()
            # Microseconds since the epoch, kept increasing: jobs from two processes sharing
            # the spool (see JobSpool.lock) still sort in the order they were submitted.
            seq = max(self._next_seq, time.time_ns() // 1000)
            job = PrintJob(
                id=job_id,
                printer=printer_name,
                title=title,
                kind=kind,
                state=JobState.QUEUED,
                seq=seq,
                size=len(data),
                created_at=now,
                updated_at=now,
            )
            self._next_seq = seq + 1
            self._spool.store_new(job)
            self._jobs[job_id] = job
            self._emit(job, None)
            self._prune_locked()
            self._ensure_worker(printer_name)
            self._cond.notify_all()
        return job_id

    def cancel(self, job_id: str) -> bool:
        """Cancel a waiting, failed or unsure job; one being sent is cancelled unless it
        gets through.

        False if there is nothing to cancel (unknown or already finished).
        """
        with self._cond:
            job = self._jobs.get(JobId(job_id))
            # A failed job would come back with its printer, an unsure one waits for a
            # decision: both can still be called off.
            if job is None or job.state in (JobState.DONE, JobState.CANCELLED):
                return False
            if job.state is JobState.PRINTING:
                # Bytes already on the wire cannot be called back; decided when it ends.
                self._cancel_requested.add(job.id)
            else:
                self._change(job, state=JobState.CANCELLED, next_attempt_at=0.0)
            return True

    def retry(self, job_id: str) -> bool:
        """Queue a failed, unsure, cancelled or retrying job again now, with a fresh set of
        attempts (an unsure one is then printed again: the person decided it had not).

        False if the job is unknown, done, or already waiting/printing.
        """
        with self._cond:
            job = self._jobs.get(JobId(job_id))
            if job is None or job.state not in RETRYABLE_STATES:
                return False
            self._requeue(job)
            return True

    def retry_all(self, printer: str | None = None) -> list[JobId]:
        """Queue every failed and unsure job (of one printer, or all) again; their ids."""
        with self._cond:
            stuck = [
                job for job in self.jobs(printer) if job.state in (JobState.FAILED, JobState.UNSURE)
            ]
            for job in stuck:
                self._requeue(job)
        return [job.id for job in stuck]

    def jobs(self, printer: str | None = None) -> list[PrintJob]:
        """All jobs still listed (optionally one printer's), in submission order."""
        with self._cond:
            selected = [j for j in self._jobs.values() if printer is None or j.printer == printer]
        return sorted(selected, key=lambda j: j.seq)

    def job(self, job_id: str) -> PrintJob | None:
        """The job's current snapshot, or None if unknown or pruned."""
        with self._cond:
            return self._jobs.get(JobId(job_id))

    def wait(self, job_id: str, timeout_s: float) -> PrintJob | None:
        """Block until the job is finished or timeout_s passes; returns its snapshot."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                job = self._jobs.get(JobId(job_id))
                remaining = deadline - time.monotonic()
                if job is None or job.finished or remaining <= 0:
                    return job
                self._cond.wait(remaining)

    def set_printers(self, printers: Iterable[PrinterSettings]) -> None:
        """Use new printer settings; jobs waiting to retry on a changed printer go now."""
        new = {p.name: p for p in printers}
        with self._cond:
            old, self._printers = self._printers, new
            for job in list(self._jobs.values()):
                if job.state is JobState.RETRYING and old.get(job.printer) != new.get(job.printer):
                    self._change(job, next_attempt_at=0.0)
            self._cond.notify_all()

    def add_listener(self, listener: JobListener) -> Callable[[], None]:
        """Call `listener(event)` on every change; returns a function that unsubscribes."""
        with self._cond:
            self._listeners = [*self._listeners, listener]
        return lambda: self.remove_listener(listener)

    def remove_listener(self, listener: JobListener) -> None:
        """Stop telling `listener`; unknown listeners are ignored."""
        with self._cond:
            self._listeners = [x for x in self._listeners if x is not listener]

    def prune(self) -> None:
        """Drop finished jobs beyond keep_finished or older than keep_finished_s."""
        with self._cond:
            self._prune_locked()

    # --- requests from other processes ----------------------------------------------------

    def _take_requests(self) -> None:
        if not self._owner:
            return  # they are for the queue that owns the spool
        for action, job_id in self._spool.requests():
            if action == RETRY and job_id == "all":
                self.retry_all()
            elif action == RETRY:
                self.retry(job_id)
            elif action == CANCEL:
                self.cancel(job_id)

    # --- state changes and events -----------------------------------------------------------

    def _change(self, job: PrintJob, **changes: Any) -> PrintJob:
        """Record a new snapshot of `job` (caller holds the lock), persist it, tell listeners."""
        new = replace(job, updated_at=time.time(), **changes)
        self._jobs[new.id] = new
        self._spool.save(new)
        self._emit(new, job.state)
        self._cond.notify_all()
        return new

    def _emit(self, job: PrintJob, previous: JobState | None, removed: bool = False) -> None:
        # Queued under the lock, so listeners see changes in the order they happened.
        self._events.put(JobEvent(job, previous, removed))

    def _dispatch_events(self) -> None:
        while (event := self._events.get()) is not None:
            for listener in self._listeners:
                try:
                    listener(event)
                except Exception:  # one broken listener must not silence the others
                    log.exception("print queue listener %r failed", listener)

    def _prune_locked(self) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.state in PRUNED_STATES),
            key=lambda j: j.updated_at,
            reverse=True,
        )
        cutoff = time.time() - self._keep_finished_s
        for index, job in enumerate(finished):
            if index >= self._keep_finished or job.updated_at < cutoff:
                self._remove(job)

    def _remove(self, job: PrintJob) -> None:
        del self._jobs[job.id]
        self._spool.delete(job.id)
        self._emit(job, job.state, removed=True)

    # --- what a previous run left ----------------------------------------------------------

    def _load_spool(self) -> None:
        """Read the jobs a previous run left; interrupted ones are queued again."""
        for job in self._spool.load():
            self._jobs[job.id] = job
        self._next_seq = max((j.seq for j in self._jobs.values()), default=0) + 1
        for job in list(self._jobs.values()):
            has_data = self._spool.has_payload(job.id)
            if job.state is JobState.PRINTING:
                # Interrupted by a crash mid-send: a receipt printed twice beats one lost.
                # (The drawer kick goes again only if the send never got through before.)
                self._change(job, state=JobState.QUEUED)
            if not job.finished and not has_data:
                self._change(
                    job,
                    state=JobState.FAILED,
                    last_error="The print data was lost.",
                    retry_when_back=False,
                )
