"""What `serialpos print-jobs` does: list, retry and cancel the jobs in the print spool.

The command line may run while the window's queue owns the spool (the spool's advisory
lock). Then it only reads the spool and leaves requests the owner acts on within a second
(request_retry / request_cancel); otherwise it takes the spool itself, changes the job and,
for a retry, prints it before returning. Either way no job is sent by two processes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.devices.print_jobs import RETRYABLE_STATES, JobState, PrintJob
from app.devices.print_queue import PrintQueue
from app.devices.settings import PrinterSettings
from app.devices.spool import read_spool, request_cancel, request_retry
from app.errors import Conflict, NotFound

ALL = "all"


@dataclass(frozen=True)
class SpoolChange:
    """The jobs a command touched, as they are now, and who carries the change out."""

    jobs: tuple[PrintJob, ...]
    # True: another process owns the spool and was asked; it acts within a second or so.
    handed_to_owner: bool


def list_print_jobs(spool_dir: Path | str) -> list[PrintJob]:
    """Every job in the spool, oldest first (`print-jobs`, `print-jobs --json` via to_dict)."""
    return read_spool(spool_dir)


def retry_print_jobs(
    spool_dir: Path | str,
    printers: Iterable[PrinterSettings],
    job_id: str = ALL,
    *,
    wait_s: float = 10.0,
) -> SpoolChange:
    """`print-jobs retry ID|--all`: queue failed/unsure (or a named cancelled) job again.

    Raises NotFound for an unknown id and Conflict for a job that cannot be retried (done,
    or still waiting). If this process gets the spool, it prints them, waiting up to wait_s.
    """
    wanted = _select(spool_dir, job_id, retry=True)
    # revive_failed=False: `retry ID` prints that job, not every failed one.
    queue = PrintQueue(spool_dir, printers, revive_failed=False)
    try:
        if not queue.spool_owner:
            request_retry(spool_dir, job_id)
            return SpoolChange(tuple(wanted), handed_to_owner=True)
        ids = queue.retry_all() if job_id == ALL else [j.id for j in wanted if queue.retry(j.id)]
        queue.start()
        return SpoolChange(tuple(_wait_all(queue, ids, wait_s)), handed_to_owner=False)
    finally:
        queue.stop()


def cancel_print_job(
    spool_dir: Path | str, printers: Iterable[PrinterSettings], job_id: str
) -> SpoolChange:
    """`print-jobs cancel ID`: the job is not printed (again). NotFound / Conflict if not."""
    (wanted,) = _select(spool_dir, job_id, retry=False)
    queue = PrintQueue(spool_dir, printers, revive_failed=False)
    try:
        if not queue.spool_owner:
            request_cancel(spool_dir, job_id)
            return SpoolChange((wanted,), handed_to_owner=True)
        queue.cancel(job_id)
        job = queue.job(job_id)
        return SpoolChange((job or wanted,), handed_to_owner=False)
    finally:
        queue.stop()


def _select(spool_dir: Path | str, job_id: str, *, retry: bool) -> list[PrintJob]:
    jobs = read_spool(spool_dir)
    if retry and job_id == ALL:
        return [j for j in jobs if j.state in (JobState.FAILED, JobState.UNSURE)]
    job = next((j for j in jobs if j.id == job_id), None)
    if job is None:
        raise NotFound(f"no print job {job_id!r} in the spool")
    allowed = (
        RETRYABLE_STATES if retry else frozenset(JobState) - {JobState.DONE, JobState.CANCELLED}
    )
    if job.state not in allowed:
        action = "retried" if retry else "cancelled"
        raise Conflict(f"print job {job_id} is {job.state.value} and cannot be {action}")
    return [job]


def _wait_all(queue: PrintQueue, ids: Iterable[str], wait_s: float) -> list[PrintJob]:
    out = []
    for job_id in ids:
        job = queue.wait(job_id, wait_s)
        if job is not None:
            out.append(job)
    return out
