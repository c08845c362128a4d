"""A print job as the queue and its spool know it: its states, its snapshot, what
listeners are told, the back-off between attempts, and the drawer kick a retry leaves out.

The queue itself is app/devices/print_queue.py; the files a job is kept in,
app/devices/spool.py.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, NewType

from app.errors import UserError

JobId = NewType("JobId", str)


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


def new_job_id() -> JobId:
    """A new job id, unique, that sorts by the time it was made."""
    # Time first so that spool listings sort roughly by age; uuid for uniqueness.
    return JobId(f"{time.time_ns() // 1_000_000:013d}-{uuid.uuid4().hex[:12]}")
