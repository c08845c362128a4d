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
either the old or the new version. On start, a job found "printing" was interrupted by a
crash and is queued again: a receipt printed twice beats a receipt lost.

One queue owns a spool directory at a time (an advisory lock): a second queue on the same
spool, e.g. the command line printing while the window is open, prints only its own jobs.

Another process (the command line while the window runs) asks the owner to retry or cancel
a job by leaving a request file in the spool (see request_retry, request_cancel); the owner
acts on it within `poll_s`.

Listeners (plain callables) get a `JobEvent` for every change, in order, on the queue's own
event thread; app/ui/bridge.py turns them into Qt signals.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import queue
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NewType

from app.devices.printers import (
    PrinterConnection,
    PrinterError,
    PrinterMayHavePrinted,
    open_printer,
)
from app.devices.settings import PrinterSettings
from app.errors import UserError

log = logging.getLogger(__name__)

JobId = NewType("JobId", str)

_META = ".json"
_PAYLOAD = ".job"
_FORMAT_VERSION = 1
_RETRY_REQUEST = ".retry-request"
_CANCEL_REQUEST = ".cancel-request"


class PrintSpoolError(UserError):
    """A print job could not be stored in the spool (disk full, folder not writable)."""


class JobState(StrEnum):
    """Where a print job is in its life."""

    QUEUED = "queued"  # waiting for its printer
    PRINTING = "printing"  # being sent now
    RETRYING = "retrying"  # failed, will be tried again at next_attempt_at
    DONE = "done"  # the printer took every byte
    UNSURE = "unsure"  # the printer may have printed it: a person decides (retry or cancel)
    FAILED = "failed"  # gave up (attempts used up, or the error cannot be fixed by waiting)
    CANCELLED = "cancelled"  # a person cancelled it


WAITING_STATES = frozenset({JobState.QUEUED, JobState.RETRYING})
FINISHED_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
# Nothing more happens to these by themselves (failed ones come back with their printer).
SETTLED_STATES = FINISHED_STATES | {JobState.UNSURE}
# Only these are forgotten after a while; failed and unsure jobs wait for a person.
PRUNED_STATES = frozenset({JobState.DONE, JobState.CANCELLED})
RETRYABLE_STATES = frozenset(
    {JobState.FAILED, JobState.CANCELLED, JobState.RETRYING, JobState.UNSURE}
)


@dataclass(frozen=True)
class PrintJob:
    """A snapshot of one print job; times are Unix seconds, 0.0 when unset."""

    id: JobId
    printer: str
    title: str
    kind: str
    state: JobState
    seq: int  # submission order, kept across restarts
    size: int  # payload length in bytes
    created_at: float
    updated_at: float
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str = ""  # the cashier-facing message of the last failure
    # An earlier attempt got through to the printer: a drawer kick is not sent again.
    reached_printer: bool = False
    # Failed only because the attempts ran out: queued again when the printer answers.
    retry_when_back: bool = False

    @property
    def finished(self) -> bool:
        """Done, failed, unsure or cancelled: nothing more happens unless a person acts."""
        return self.state in SETTLED_STATES

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (the spool's metadata file)."""
        data = asdict(self)
        data["state"] = self.state.value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrintJob:
        """Parse spool metadata; ValueError if anything is missing or of the wrong type."""
        if not isinstance(data, Mapping):
            raise ValueError("print job metadata must be a JSON object")
        expected: dict[str, type | tuple[type, ...]] = {
            "str": str,
            "int": int,
            "float": (int, float),
            "JobState": str,
            "JobId": str,
            "bool": bool,
        }
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                if f.name in _ADDED_IN_SPOOL_V1:
                    continue  # written by an older version: the default (or below)
                raise ValueError(f"print job metadata lacks {f.name!r}")
            value = data[f.name]
            kind = expected[str(f.type)]
            if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
                raise ValueError(f"print job metadata has a bad {f.name!r}: {value!r}")
            values[f.name] = value
        values["state"] = JobState(values["state"])
        if "retry_when_back" not in data:
            # Older versions never retried a failed job; now every one gets its chance.
            values["retry_when_back"] = values["state"] is JobState.FAILED
        values["id"] = JobId(values["id"])
        for name in ("created_at", "updated_at", "next_attempt_at"):
            values[name] = float(values[name])
        return cls(**values)


_ADDED_IN_SPOOL_V1 = frozenset({"reached_printer", "retry_when_back"})


@dataclass(frozen=True)
class JobEvent:
    """What listeners are told: the job after the change and the state it had before.

    previous is None for a newly submitted job. removed is True when a finished job is
    pruned from the list (job is then its last snapshot).
    """

    job: PrintJob
    previous: JobState | None
    removed: bool = False


JobListener = Callable[[JobEvent], None]
Connector = Callable[[PrinterSettings], PrinterConnection]


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off after a retryable failure: base_s, 2*base_s, 4*base_s ... capped at max_s.

    jitter spreads the delays (+0..jitter of each) so tills sharing a printer do not retry
    in lock-step; tests set it to 0 to get exact times.
    """

    base_s: float = 2.0
    max_s: float = 60.0
    max_attempts: int = 12
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if not (0 < self.base_s <= self.max_s) or self.max_attempts < 1:
            raise ValueError("retry policy needs 0 < base_s <= max_s and max_attempts >= 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("retry policy jitter must be between 0 and 1")

    def delay(self, attempts: int, rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait after the `attempts`-th failed attempt (1 = the first)."""
        exponent = min(max(attempts - 1, 0), 32)  # 2**32 * base_s is past any cap anyway
        wait = min(self.max_s, self.base_s * 2.0**exponent)
        return wait * (1 + self.jitter * rand()) if self.jitter else wait


# ESC p m t1 t2 (m = 0, 1, 48, 49) and DLE DC4 1 m t: the cash drawer pulses.
_KICK_LENGTH = 5
_INIT = b"\x1b@"


def _is_kick(data: bytes) -> bool:
    if len(data) < _KICK_LENGTH:
        return False
    return (data[:2] == b"\x1bp" and data[2] in (0, 1, 48, 49)) or data[:3] == b"\x10\x14\x01"


def strip_drawer_kick(data: bytes) -> bytes:
    """``data`` without the drawer kicks at its start (ESC @ resets between them are kept).

    Only the start: a kick is put in front of a receipt, and 0x1b 0x70 further on may be
    image data that must go out untouched.
    """
    kept = bytearray()
    rest = data
    while True:
        if rest.startswith(_INIT):
            kept += _INIT
            rest = rest[len(_INIT) :]
        elif _is_kick(rest):
            rest = rest[_KICK_LENGTH:]
        else:
            return bytes(kept) + rest


def _new_job_id() -> JobId:
    # Time first so that spool listings sort roughly by age; uuid for uniqueness.
    return JobId(f"{time.time_ns() // 1_000_000:013d}-{uuid.uuid4().hex[:12]}")


def _fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (POSIX); a no-op where directories can't sync."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, fsync: bool = True, sync_dir: bool = True) -> None:
    """Replace `path` with `data` so a crash leaves the old or the new file, never half.

    sync_dir=False leaves the rename to be made durable by a later directory sync.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        # 0600: a receipt names the customer and what they bought.
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(data)
            f.flush()
            if fsync:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if fsync and sync_dir:
        _fsync_dir(path.parent)


class PrintQueue:
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
        self._dir = Path(spool_dir)
        self._printers: dict[str, PrinterSettings] = {p.name: p for p in printers}
        self._retry = retry or RetryPolicy()
        self._connect = connect
        self._keep_finished = keep_finished
        self._keep_finished_s = keep_finished_s
        self._fsync = fsync
        self._probe_interval_s = probe_interval_s
        self._poll_s = poll_s
        self._revive_failed = revive_failed
        self._next_probe: dict[str, float] = {}
        self._cond = threading.Condition(threading.RLock())
        self._jobs: dict[JobId, PrintJob] = {}
        self._cancel_requested: set[JobId] = set()
        self._listeners: list[JobListener] = []
        self._events: queue.SimpleQueue[JobEvent | None] = queue.SimpleQueue()
        self._workers: dict[str, threading.Thread] = {}
        self._dispatcher: threading.Thread | None = None
        self._timer: threading.Thread | None = None
        self._started = False
        self._stopping = False
        self._next_seq = 1
        self._lock_fd: int | None = None
        self._durable = self._prepare_dir()
        self._owner = self._durable and self._lock_spool()
        if self._owner:
            with self._cond:
                self._load_spool()

    # --- public API ---------------------------------------------------------------------

    @property
    def spool_dir(self) -> Path:
        """Where the jobs are kept."""
        return self._dir

    @property
    def durable(self) -> bool:
        """False if the spool directory could not be used: submit() then raises."""
        return self._durable

    @property
    def spool_owner(self) -> bool:
        """True if this queue looks after every job in the spool (see _lock_spool)."""
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
            self._unlock_spool()
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
        job_id = _new_job_id()
        self._store_payload(job_id, data, title)  # outside the lock: it may fsync
        with self._cond:
            now = time.time()
            # Microseconds since the epoch, kept increasing: jobs from two processes sharing
            # the spool (see _lock_spool) still sort in the order they were submitted.
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
            try:
                self._persist(job, strict=True)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    (self._dir / f"{job_id}{_PAYLOAD}").unlink()
                raise _spool_error(title, self._dir, exc) from exc
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

    def _requeue(self, job: PrintJob) -> None:
        self._change(
            job, state=JobState.QUEUED, attempts=0, next_attempt_at=0.0, retry_when_back=False
        )
        self._ensure_worker(job.printer)

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

    # --- the worker -----------------------------------------------------------------------

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
            payload = self._read_payload(job)
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
        for job in self.jobs(printer):
            if job.state is JobState.FAILED and job.retry_when_back:
                self._requeue(job)

    # --- the slow timer: failed jobs' printers, requests from other processes ----------------

    def _watch(self) -> None:
        with self._cond:
            while not self._stopping:
                self._cond.wait(self._poll_s)
                if self._stopping:
                    return
                if self._owner:
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

    def _take_requests(self) -> None:
        for suffix, act in ((_RETRY_REQUEST, self.retry), (_CANCEL_REQUEST, self.cancel)):
            for request in self._dir.glob(f"*{suffix}"):
                with contextlib.suppress(OSError):
                    request.unlink()
                job_id = request.name[: -len(suffix)]
                if job_id == "all" and act == self.retry:
                    self.retry_all()
                else:
                    act(job_id)

    # --- state changes and events -----------------------------------------------------------

    def _change(self, job: PrintJob, **changes: Any) -> PrintJob:
        """Record a new snapshot of `job` (caller holds the lock), persist it, tell listeners."""
        new = replace(job, updated_at=time.time(), **changes)
        self._jobs[new.id] = new
        self._persist(new)
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
        if self._durable:
            # Metadata first: a crash in between leaves an orphan payload, swept on load.
            for suffix in (_META, _PAYLOAD):
                with contextlib.suppress(OSError):
                    (self._dir / f"{job.id}{suffix}").unlink()
        self._emit(job, job.state, removed=True)

    # --- the spool on disk ----------------------------------------------------------------

    def _prepare_dir(self) -> bool:
        try:
            self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            log.error("print spool %s unusable, print jobs will be refused: %s", self._dir, exc)
            return False
        return True

    def _lock_spool(self) -> bool:
        """Take the spool for this queue; False if another live queue already has it.

        The owner prints every job in the spool, including those a crash or an earlier
        run left behind. A second queue on the same spool (the command line printing a
        label while the window is open) only prints the jobs submitted to it, so no job
        is printed by both. Its leftovers stay in the spool for the owner's next start.
        """
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; assume one queue per spool
            return True
        try:
            fd = os.open(self._dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            log.warning("cannot lock print spool %s: %s", self._dir, exc)
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            log.info("print spool %s is in use by another queue", self._dir)
            return False
        self._lock_fd = fd
        return True

    def _unlock_spool(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # closing releases the flock

    def _store_payload(self, job_id: JobId, data: bytes, title: str) -> None:
        if not self._durable:
            raise _spool_error(title, self._dir, None)
        try:
            # The metadata written next syncs the directory, and with it this rename too.
            write_atomic(self._dir / f"{job_id}{_PAYLOAD}", data, fsync=self._fsync, sync_dir=False)
        except OSError as exc:
            log.error("could not spool print job %s: %s", job_id, exc)
            raise _spool_error(title, self._dir, exc) from exc

    def _persist(self, job: PrintJob, *, strict: bool = False) -> None:
        """Write the job's state; OSError only if strict (a new job that was not stored)."""
        if not self._durable:
            return
        body = json.dumps({"version": _FORMAT_VERSION, **job.to_dict()}, indent=1)
        try:
            write_atomic(self._dir / f"{job.id}{_META}", body.encode(), fsync=self._fsync)
        except OSError as exc:
            if strict:
                raise
            log.error("could not save the state of print job %s: %s", job.id, exc)

    def _read_payload(self, job: PrintJob) -> bytes:
        try:
            data = (self._dir / f"{job.id}{_PAYLOAD}").read_bytes()
        except OSError as exc:
            raise PrinterError("The print data of this job was lost.", detail=repr(exc)) from exc
        if len(data) != job.size:
            raise PrinterError("The print data of this job is damaged.")
        return data

    def _load_spool(self) -> None:
        """Read the jobs a previous run left; interrupted ones are queued again."""
        for tmp in self._dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()  # a write a crash interrupted; the real file is intact
        for meta in sorted(self._dir.glob(f"*{_META}")):
            job = self._read_meta(meta)
            if job is not None:
                self._jobs[job.id] = job
        for payload in self._dir.glob(f"*{_PAYLOAD}"):
            if payload.stem not in self._jobs:
                with contextlib.suppress(OSError):
                    payload.unlink()  # submit() crashed before the job was recorded
        self._next_seq = max((j.seq for j in self._jobs.values()), default=0) + 1
        for job in list(self._jobs.values()):
            has_data = (self._dir / f"{job.id}{_PAYLOAD}").exists()
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

    def _read_meta(self, path: Path) -> PrintJob | None:
        try:
            job = PrintJob.from_dict(json.loads(path.read_bytes()))
            if job.id != path.stem:
                raise ValueError(f"file holds job {job.id}")
        except (OSError, ValueError) as exc:
            log.error("ignoring unreadable print job %s: %s", path.name, exc)
            with contextlib.suppress(OSError):
                path.rename(path.with_suffix(".corrupt"))  # out of the way, kept for a look
            return None
        return job


def _spool_error(title: str, spool: Path, exc: OSError | None) -> PrintSpoolError:
    if exc is not None and exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc is not None:
        why = exc.strerror or str(exc)
    else:
        why = "the folder cannot be used"
    return PrintSpoolError(
        f"{title} was not queued for printing: it could not be saved in {spool} ({why})."
        " Free some space or fix the folder, then print it again."
    )


def read_spool(spool_dir: Path | str) -> list[PrintJob]:
    """The jobs in a spool as its files say, in submission order; changes nothing.

    For `print-jobs` on the command line while another process owns the spool.
    """
    jobs = []
    for meta in Path(spool_dir).glob(f"*{_META}"):
        try:
            job = PrintJob.from_dict(json.loads(meta.read_bytes()))
        except (OSError, ValueError):
            continue  # being replaced right now, or damaged (the owner sets it aside)
        jobs.append(job)
    return sorted(jobs, key=lambda j: j.seq)


def request_retry(spool_dir: Path | str, job_id: str) -> None:
    """Ask the queue owning the spool to retry `job_id` ("all": every failed/unsure job)."""
    _request(Path(spool_dir), job_id, _RETRY_REQUEST)


def request_cancel(spool_dir: Path | str, job_id: str) -> None:
    """Ask the queue owning the spool to cancel `job_id`."""
    _request(Path(spool_dir), job_id, _CANCEL_REQUEST)


def _request(spool: Path, job_id: str, suffix: str) -> None:
    if not job_id or "/" in job_id or job_id.startswith("."):
        raise ValueError(f"not a print job id: {job_id!r}")
    write_atomic(spool / f"{job_id}{suffix}", b"")
