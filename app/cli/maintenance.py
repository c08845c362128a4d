"""`backup FILE`, `restore FILE [--yes]` (a manager's) and `print-jobs` (the print spool:
list, retry, cancel)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from app import config
from app.cli.common import ArgumentParser, Subcommands, acting_user, emit
from app.db.uow import Store, open_store
from app.devices import print_jobs_admin as jobs
from app.devices.print_jobs import PrintJob
from app.effects.printers import shop_printers, spool_dir
from app.errors import InvalidInput


def cmd_backup(store: Store, args: argparse.Namespace) -> None:
    from app.users.maintenance import back_up

    made = back_up(store, acting_user(store, args), Path(args.file))
    print(f"backed up the store to {made.path} ({made.size:,} bytes)")


def _confirmed(source: Path) -> bool:
    if not sys.stdin.isatty():
        raise InvalidInput("restore replaces the store: confirm on a terminal, or pass --yes")
    try:
        answer = input(f"Replace the store with the backup {source}? Type yes: ")
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


def cmd_restore(store: Store, args: argparse.Namespace) -> None:
    from app.users.maintenance import restore

    actor = acting_user(store, args)  # a manager, checked in restore before anything else
    source = Path(args.file)
    if not args.yes and not _confirmed(source):
        raise InvalidInput("restore not confirmed; the store is unchanged")
    done = restore(store, actor, source, now=datetime.now())
    open_store(args.url).dispose()  # migrates a backup made by an older version
    kept = f"; the old store is kept at {done.old_store_kept_at}" if done.old_store_kept_at else ""
    print(f"restored the store from {done.restored_from}{kept}")


def _job_row(job: PrintJob) -> dict[str, Any]:
    row = job.to_dict()
    row["created"] = datetime.fromtimestamp(job.created_at).isoformat(sep=" ", timespec="seconds")
    return row


def _printers() -> Any:
    return shop_printers(config.load_settings())


def cmd_print_jobs(store: Store, args: argparse.Namespace) -> None:
    acting_user(store, args)
    match args.jobs_command:
        case "retry":
            if (args.id is None) == (not args.all):
                raise InvalidInput("print-jobs retry: give a job ID or --all")
            change = jobs.retry_print_jobs(spool_dir(), _printers(), args.id or jobs.ALL)
            _say(change, "retry")
        case "cancel":
            _say(jobs.cancel_print_job(spool_dir(), _printers(), args.id), "cancel")
        case _:
            rows = [_job_row(j) for j in jobs.list_print_jobs(spool_dir())]
            emit(args, rows, ("id", "state", "printer", "title", "attempts", "last_error"))


def _say(change: jobs.SpoolChange, action: str) -> None:
    if not change.jobs:
        print(f"no print job to {action}")
    for job in change.jobs:
        how = " (asked the window that runs the spool)" if change.handed_to_owner else ""
        print(f"{job.id}  {job.state.value}  {job.title}{how}")


def register(sub: Subcommands[ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="a consistent copy of the store (manager)")
    p.add_argument("file")
    p.set_defaults(handler=cmd_backup)
    p = sub.add_parser("restore", help="replace the store with a backup (manager)")
    p.add_argument("file")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("print-jobs", help="the print spool: list, retry, cancel")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_print_jobs, jobs_command=None)
    actions = p.add_subparsers(dest="jobs_command", parser_class=ArgumentParser)
    q = actions.add_parser("retry", help="print a failed job (or --all) again")
    q.add_argument("id", nargs="?")
    q.add_argument("--all", action="store_true")
    q = actions.add_parser("cancel", help="do not print a job")
    q.add_argument("id")
