"""The command line prints like the till: the same effects on a queue opened for one command.

`printing_for_command` listens to the store while the command runs, so a sale made with
`--print` queues its receipt (and the drawer kick for cash) exactly as the window does;
on the way out it gives each printer a moment and reports where every job stands. A job
the printer did not take stays in the spool: the next queue to start prints it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.config import Settings
from app.db.uow import Store
from app.effects.handlers import Effects
from app.effects.mail import open_mail_queue
from app.effects.printers import job_report, open_queue, wait_for_jobs


@contextmanager
def printing_for_command(
    store: Store, settings: Settings, *, say: Callable[[str], None]
) -> Iterator[Effects]:
    """Effects attached to `store` for one command; `say` gets one line per job (and
    the problem, if nothing could be printed)."""
    queue = open_queue(settings)
    mail = open_mail_queue(settings)  # None until the shop sets up its SMTP server
    effects = Effects(settings, queue, problem=say, mail=mail)
    store.listen(effects)
    try:
        yield effects
        for job in wait_for_jobs(queue, settings, effects.submitted):
            say(job_report(job))
        for mail_id in effects.mailed:
            sent = mail.wait(mail_id, timeout_s=15.0) if mail is not None else None
            if sent is not None:
                say(f"E-mail to {sent.to}: {sent.state.value}")
    finally:
        store.unlisten(effects)
        queue.stop(timeout_s=2.0)
        if mail is not None:
            mail.stop(timeout_s=2.0)  # unsent mail stays in the spool for the next queue
