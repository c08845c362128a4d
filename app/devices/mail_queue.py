"""A durable, retrying mail queue: customer notifications wait on disk until sent.

Like the print queue (app/devices/print_queue.py): `submit()` writes the message to the
spool folder (one JSON file a message, written atomically) and returns at once; one
worker thread sends with the standard library (smtplib + email), and a server that is
down or refuses gets the message again later with exponential back-off, until the
policy's attempts are used up ("failed", kept in the spool for a person). Sending never
raises into the caller: the ticket that asked for the e-mail is committed and stays so.
A message found "sending" after a crash is sent again: twice beats never.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from email.message import EmailMessage
from enum import StrEnum
from pathlib import Path

from app.devices.print_jobs import RetryPolicy
from app.files import write_atomically

log = logging.getLogger(__name__)


class MailState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class MailServer:
    """Where mail goes: the shop's SMTP server, with the password already unsealed."""

    host: str
    port: int
    sender: str
    starttls: bool = True
    user: str = ""
    password: str = ""
    timeout_s: float = 10.0


@dataclass(frozen=True)
class MailJob:
    id: str
    to: str
    subject: str
    body: str
    state: MailState
    created_at: float
    attempts: int = 0
    next_attempt_at: float = 0.0
    last_error: str = ""


Send = Callable[[MailServer, EmailMessage], None]


def smtp_send(server: MailServer, message: EmailMessage) -> None:
    """One message through the server (STARTTLS and login when set up)."""
    with smtplib.SMTP(server.host, server.port, timeout=server.timeout_s) as smtp:
        if server.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if server.user:
            smtp.login(server.user, server.password)
        smtp.send_message(message)


def _message(server: MailServer, job: MailJob) -> EmailMessage:
    message = EmailMessage()
    message["From"] = server.sender
    message["To"] = job.to
    message["Subject"] = job.subject
    message["Message-ID"] = f"<{job.id}@serialpos>"
    message.set_content(job.body)
    return message


class MailQueue:
    """Durable, retrying mail queue over a spool folder. See the module docstring."""

    def __init__(
        self,
        spool: Path,
        server: MailServer,
        *,
        policy: RetryPolicy | None = None,
        send: Send = smtp_send,
    ) -> None:
        self.spool = spool
        self.server = server
        self.policy = policy or RetryPolicy(base_s=5.0, max_s=600.0, max_attempts=10)
        self._send = send
        self._jobs: dict[str, MailJob] = {}
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    # ------------------------------------------------------------ life

    def start(self) -> None:
        self.spool.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._lock:
            for path in sorted(self.spool.glob("*.json")):
                job = self._read(path)
                if job is not None:
                    if job.state is MailState.SENDING:  # interrupted by a crash: send again
                        job = replace(job, state=MailState.QUEUED)
                    self._jobs[job.id] = job
            self._stopping = False
            self._thread = threading.Thread(target=self._work, name="mail-queue", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(timeout_s)

    # ------------------------------------------------------------ use

    def submit(self, to: str, subject: str, body: str) -> str:
        """Keeps the message on disk and returns its id; it is sent in the background."""
        job_id = f"{time.time_ns() // 1_000_000:013d}-{uuid.uuid4().hex[:12]}"
        job = MailJob(job_id, to, subject, body, MailState.QUEUED, time.time())
        with self._lock:
            self._persist(job)
            self._lock.notify_all()
        return job_id

    def job(self, job_id: str) -> MailJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[MailJob]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.id)

    def wait(self, job_id: str, timeout_s: float) -> MailJob | None:
        """Until the message is sent or failed (or the time is up); its state then."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while True:
                job = self._jobs.get(job_id)
                left = deadline - time.monotonic()
                if job is None or job.state in (MailState.SENT, MailState.FAILED) or left <= 0:
                    return job
                self._lock.wait(left)

    # ------------------------------------------------------------ worker

    def _next(self) -> MailJob | None:
        now = time.time()
        waiting = [
            j for j in self._jobs.values()
            if j.state in (MailState.QUEUED, MailState.RETRYING) and j.next_attempt_at <= now
        ]  # fmt: skip
        return min(waiting, key=lambda j: j.id) if waiting else None

    def _sleep_for(self) -> float | None:
        pending = [j.next_attempt_at for j in self._jobs.values() if j.state is MailState.RETRYING]
        return max(0.05, min(pending) - time.time()) if pending else None

    def _work(self) -> None:
        while True:
            with self._lock:
                job = self._next()
                while job is None and not self._stopping:
                    self._lock.wait(self._sleep_for())
                    job = self._next()
                if self._stopping:
                    return
                assert job is not None
                job = self._persist(replace(job, state=MailState.SENDING))
            error = self._try(job)
            with self._lock:
                self._persist(self._after(job, error))
                self._lock.notify_all()

    def _try(self, job: MailJob) -> str:
        try:
            self._send(self.server, _message(self.server, job))
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            log.warning("mail %s to %s not sent: %s", job.id, job.to, exc)
            return f"{type(exc).__name__}: {exc}"[:300]
        return ""

    def _after(self, job: MailJob, error: str) -> MailJob:
        attempts = job.attempts + 1
        if not error:
            return replace(job, state=MailState.SENT, attempts=attempts, last_error="")
        if attempts >= self.policy.max_attempts:
            return replace(job, state=MailState.FAILED, attempts=attempts, last_error=error)
        wait = self.policy.delay(attempts)
        return replace(
            job, state=MailState.RETRYING, attempts=attempts,
            next_attempt_at=time.time() + wait, last_error=error,
        )  # fmt: skip

    # ------------------------------------------------------------ spool

    def _persist(self, job: MailJob) -> MailJob:
        data = asdict(job)
        data["state"] = job.state.value
        write_atomically(
            self.spool / f"{job.id}.json", json.dumps(data).encode("utf-8"), durable=True
        )
        self._jobs[job.id] = job
        return job

    def _read(self, path: Path) -> MailJob | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["state"] = MailState(data["state"])
            return MailJob(**data)
        except (OSError, ValueError, TypeError, KeyError):
            log.warning("unreadable mail spool file %s left alone", path)
            return None
