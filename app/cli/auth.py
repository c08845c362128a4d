"""Who is acting on the command line, proved: `--as USER` with USER's PIN (asked on the
terminal without echo, or SERIALPOS_PIN for scripts), or the session `serialpos login` left
in a 0600 file. A manager's approval PIN is read the same ways, never from argv (where any
local user can read it in /proc/PID/cmdline).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

from app.config import config_path
from app.db.uow import Store
from app.errors import InvalidInput, PermissionDenied
from app.files import write_atomically
from app.users import services as users
from app.users import sessions
from app.users.roles import Actor

PIN_ENV = "SERIALPOS_PIN"
USER_ENV = "SERIALPOS_USER"
SESSION_ENV = "SERIALPOS_SESSION_FILE"


def session_path() -> Path:
    override = os.environ.get(SESSION_ENV)
    return Path(override) if override else config_path().parent / "session.json"


def _saved_session(url: str) -> dict[str, str] | None:
    try:
        saved = json.loads(session_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("store") != url:
        return None
    return {k: str(v) for k, v in saved.items()}


def _ask(prompt: str) -> str:
    if not sys.stdin.isatty():
        raise InvalidInput(f"{prompt.rstrip(': ')}: no terminal to ask on")
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise InvalidInput(f"{prompt.rstrip(': ')}: not given") from None


def _pin_for(name: str) -> str:
    pin = os.environ.get(PIN_ENV)
    if pin is not None:
        return pin.strip()
    if not sys.stdin.isatty():
        raise PermissionDenied(
            f"--as {name} needs {name}'s PIN: set {PIN_ENV}, or run 'serialpos login' first"
        )
    return _ask(f"PIN for {name}: ").strip()


def _named(args: argparse.Namespace) -> str | None:
    name: str | None = args.as_user or os.environ.get(USER_ENV)
    return name.strip() if name else None


def acting_user(store: Store, args: argparse.Namespace) -> Actor:
    """The authenticated user (once per command: later calls reuse it)."""
    known: Actor | None = getattr(args, "authenticated", None)
    if known is not None:
        return known
    name = _named(args)
    saved = _saved_session(args.url)
    actor = sessions.actor_by_session(store, saved["token"]) if saved else None
    if actor is not None and name and actor.name.lower() != name.lower():
        actor = None
    if actor is None:
        if not name:
            raise InvalidInput(
                f"say who is acting: --as USER (before the subcommand), {USER_ENV}, "
                "or 'serialpos login'"
            )
        users.actor_by_name(store, name)  # "no user named ..." before asking a PIN
        actor = users.actor_by_name_and_pin(store, name, _pin_for(name))
    args.authenticated = actor
    return actor


def whole_number(text: str) -> int:
    from app.cli.common import whole_number as parse

    return parse(text)


def _read_fd(fd: int) -> str:
    try:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as source:
            return source.readline().strip()
    except OSError as exc:
        raise InvalidInput(f"--approve-pin-fd {fd}: {exc.strerror}") from None


def approval_pin(args: argparse.Namespace) -> str | None:
    """The approving manager's PIN: --approve-pin (asked on the terminal), --approve-pin-fd N
    (a line read from that file descriptor) or --approve-pin-env VAR; None if not asked for."""
    if getattr(args, "approve_pin_fd", None) is not None:
        return _read_fd(args.approve_pin_fd)
    var = getattr(args, "approve_pin_env", None)
    if var:
        pin = os.environ.get(var)
        if not pin:
            raise InvalidInput(f"--approve-pin-env: {var} is not set")
        return pin.strip()
    if getattr(args, "approve_pin", False):
        return _ask("manager's PIN: ").strip()
    return None


def approver(store: Store, args: argparse.Namespace, till: str) -> Actor | None:
    """The manager approving this command, by their PIN (counted by the brake per till)."""
    pin = approval_pin(args)
    return None if pin is None else users.actor_by_pin(store, pin, till=till)


def add_approval(p: argparse.ArgumentParser) -> None:
    """The approval options: a manager's PIN for what the acting user may not do alone."""
    p.add_argument("--approve-pin", action="store_true", help="ask a manager's PIN on the terminal")
    p.add_argument(
        "--approve-pin-fd", type=whole_number, metavar="N", help="read it from descriptor N"
    )
    p.add_argument("--approve-pin-env", metavar="VAR", help="read it from environment var VAR")


def cmd_login(store: Store, args: argparse.Namespace) -> None:
    name = _named(args)
    if not name:
        raise InvalidInput(f"log in as whom? --as USER (before 'login') or {USER_ENV}")
    if not 0 < args.hours <= 24:
        raise InvalidInput("--hours: give a number of hours from 1 to 24")
    actor = users.actor_by_name_and_pin(store, name, _pin_for(name))
    token, expires = sessions.open_session(store, actor, timedelta(hours=args.hours))
    path = session_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    saved = {"store": args.url, "user": actor.name, "token": token, "expires": expires.isoformat()}
    write_atomically(path, json.dumps(saved), durable=True)
    print(f"logged in as {actor.name} until {expires.astimezone():%Y-%m-%d %H:%M}")


def cmd_logout(store: Store, args: argparse.Namespace) -> None:
    path = session_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    print("logged out" if existed else "not logged in")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("login", help="prove your PIN once; later commands act as you")
    p.add_argument("--hours", type=whole_number, default=8, help="how long (1 to 24)")
    p.set_defaults(handler=cmd_login)
    p = sub.add_parser("logout", help="forget the login session")
    p.set_defaults(handler=cmd_logout)
