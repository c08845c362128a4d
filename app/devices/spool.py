"""The print spool on disk: the files a print job is kept in, the owner's lock, and the
requests other processes leave for the owner.

Each job is two files: `<id>.job` (the bytes, written once) and `<id>.json` (its state),
each written to a temporary file, fsynced and renamed over the old one
(app/files.py write_atomically), so a crash leaves either the old or the new version.

One queue owns a spool directory at a time (an advisory lock, see JobSpool.lock). Another
process (the command line while the window runs) asks the owner to retry or cancel a job
by leaving a request file in the spool (request_retry, request_cancel); the owner takes
them with JobSpool.requests.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from app.devices.print_jobs import JobId, PrintJob, PrintSpoolError
from app.devices.printer_errors import PrinterError
from app.files import write_atomically

log = logging.getLogger(__name__)

_META = ".json"
_PAYLOAD = ".job"
_FORMAT_VERSION = 1
_RETRY_REQUEST = ".retry-request"
_CANCEL_REQUEST = ".cancel-request"
RETRY = "retry"
CANCEL = "cancel"


class JobSpool:
    """One spool directory. `usable` is False if the directory could not be made: then
    nothing is read or written, and storing a new job raises PrintSpoolError.

    fsync=False (tests) skips the syncs: fast, but a crash may lose the last changes.
    """

    def __init__(self, directory: Path, *, fsync: bool = True) -> None:
        self._dir = directory
        self._fsync = fsync
        self._lock_fd: int | None = None
        self.usable = self._prepare_dir()

    @property
    def directory(self) -> Path:
        """Where the jobs are kept."""
        return self._dir

    def _prepare_dir(self) -> bool:
        try:
            self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            log.error("print spool %s unusable, print jobs will be refused: %s", self._dir, exc)
            return False
        return True

    # --- the owner's lock -------------------------------------------------------------------

    def lock(self) -> bool:
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

    def unlock(self) -> None:
        """Give the spool up (if this queue had it)."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)  # closing releases the flock

    # --- a job's files ----------------------------------------------------------------------

    def store_payload(self, job_id: JobId, data: bytes, title: str) -> None:
        """Keep a new job's bytes; PrintSpoolError if they cannot be stored."""
        if not self.usable:
            raise _spool_error(title, self._dir, None)
        try:
            # The metadata written next syncs the directory, and with it this rename too.
            write_atomically(self._payload(job_id), data, durable=self._fsync, sync_dir=False)
        except OSError as exc:
            log.error("could not spool print job %s: %s", job_id, exc)
            raise _spool_error(title, self._dir, exc) from exc

    def store_new(self, job: PrintJob) -> None:
        """Record a new job's state after its bytes; if that fails, the bytes go too and
        PrintSpoolError says so."""
        try:
            self._write_meta(job)
        except OSError as exc:
            with contextlib.suppress(OSError):
                self._payload(job.id).unlink()
            raise _spool_error(job.title, self._dir, exc) from exc

    def save(self, job: PrintJob) -> None:
        """Write the job's new state; a failure is logged (the job goes on in memory)."""
        if not self.usable:
            return
        try:
            self._write_meta(job)
        except OSError as exc:
            log.error("could not save the state of print job %s: %s", job.id, exc)

    def _write_meta(self, job: PrintJob) -> None:
        body = json.dumps({"version": _FORMAT_VERSION, **job.to_dict()}, indent=1)
        write_atomically(self._dir / f"{job.id}{_META}", body.encode(), durable=self._fsync)

    def read_payload(self, job: PrintJob) -> bytes:
        """The job's bytes; PrinterError if they are gone or damaged."""
        try:
            data = self._payload(job.id).read_bytes()
        except OSError as exc:
            raise PrinterError("The print data of this job was lost.", detail=repr(exc)) from exc
        if len(data) != job.size:
            raise PrinterError("The print data of this job is damaged.")
        return data

    def has_payload(self, job_id: JobId) -> bool:
        """True if the job's bytes are still there."""
        return self._payload(job_id).exists()

    def delete(self, job_id: JobId) -> None:
        """Forget a job's files (nothing happens if the spool is unusable)."""
        if not self.usable:
            return
        # Metadata first: a crash in between leaves an orphan payload, swept on load.
        for suffix in (_META, _PAYLOAD):
            with contextlib.suppress(OSError):
                (self._dir / f"{job_id}{suffix}").unlink()

    def _payload(self, job_id: JobId) -> Path:
        return self._dir / f"{job_id}{_PAYLOAD}"

    # --- what a previous run left -----------------------------------------------------------

    def load(self) -> list[PrintJob]:
        """The jobs a previous run left, as their files say; leftovers of interrupted writes
        and bytes whose job was never recorded are swept away."""
        for tmp in self._dir.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()  # a write a crash interrupted; the real file is intact
        jobs: dict[str, PrintJob] = {}
        for meta in sorted(self._dir.glob(f"*{_META}")):
            job = self._read_meta(meta)
            if job is not None:
                jobs[job.id] = job
        for payload in self._dir.glob(f"*{_PAYLOAD}"):
            if payload.stem not in jobs:
                with contextlib.suppress(OSError):
                    payload.unlink()  # submit() crashed before the job was recorded
        return list(jobs.values())

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

    # --- requests from other processes ------------------------------------------------------

    def requests(self) -> Iterator[tuple[str, str]]:
        """The requests waiting, each taken away as it is given: (RETRY or CANCEL, job id);
        the id "all" with RETRY asks for every failed and unsure job."""
        for suffix, action in ((_RETRY_REQUEST, RETRY), (_CANCEL_REQUEST, CANCEL)):
            for request in self._dir.glob(f"*{suffix}"):
                with contextlib.suppress(OSError):
                    request.unlink()
                yield action, request.name[: -len(suffix)]


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
    write_atomically(spool / f"{job_id}{suffix}", b"", durable=True)
