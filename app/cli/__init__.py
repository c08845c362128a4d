"""The back-office command line. No subcommand (or `gui`) opens the window.

On success: exit 0. On bad input: one line on stderr, exit 2, and nothing changed (every
service call is one transaction that validates before it writes). Each area's module
registers its own subcommands (`register(sub)`); this one parses and runs them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from app import config
from app.cli import gui
from app.cli.parsing import EXIT_BAD_INPUT, ArgumentParser, Handler, Subcommands
from app.errors import InvalidInput, NotFound, UserError
from app.text import shorten

# Every command after `gui`, as (module in app.cli, its register function), in the order
# `serialpos --help` lists them. Imported only for a command line that is not the window's:
# between them they import every service and the paperwork, which the window's locked
# screen does not use.
COMMANDS = (
    ("users", "register"),
    ("auth", "register"),
    ("items", "register"),
    ("receiving", "register"),
    ("units", "register"),
    ("selling", "register"),
    ("labels", "register"),
    ("units", "register_export"),
    ("tickets", "register"),
    ("backoffice", "register"),
    ("maintenance", "register"),
)
_VALUED_OPTIONS = ("--db", "--as")  # build_parser's options that take a value


class _Version(argparse.Action):
    """--version, looked up only when asked: importlib.metadata is not for every start."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings, argparse.SUPPRESS, nargs=0, help="show the version and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        import app

        print(f"{parser.prog} {app.__version__}")
        parser.exit()


def build_parser(*, window_only: bool = False) -> ArgumentParser:
    """The command line's parser; `window_only`: with `gui` as its only command."""
    parser = ArgumentParser(prog="serialpos", description="SerialPOS back office")
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--db", help="SQLAlchemy URL (default: SERIALPOS_DB or the local store)")
    parser.add_argument(
        "--as",
        dest="as_user",
        help="acting user (default: SERIALPOS_USER); their PIN is asked, or SERIALPOS_PIN",
    )
    sub = parser.add_subparsers(dest="command", parser_class=ArgumentParser)
    gui.register(sub)
    if not window_only:
        for module, name in COMMANDS:
            register: Callable[[Subcommands[ArgumentParser]], None] = getattr(
                import_module(f"app.cli.{module}"), name
            )
            register(sub)
    return parser


def asks_for_the_window(argv: Sequence[str]) -> bool:
    """`serialpos [--db URL] [--as NAME] [gui ...]`: the window. Anything else (--help,
    another command, an option spelled otherwise) is for the whole parser."""
    words = list(argv)
    while words:
        if words[0] in _VALUED_OPTIONS:
            del words[:2]
        elif words[0].startswith(tuple(f"{option}=" for option in _VALUED_OPTIONS)):
            del words[0]
        else:
            break
    return not words or words[0] == "gui"


def _check_store_exists(url: str, command: str) -> None:
    """Only `init` makes a new SQLite store: a mistyped --db must not leave one behind."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url) if "://" in url else None
    except ArgumentError:
        raise InvalidInput(f"--db {shorten(url)} is not a database URL") from None
    if parsed is None or parsed.get_backend_name() != "sqlite" or command == "init":
        return
    database = parsed.database
    if database and database != ":memory:" and not Path(database).expanduser().exists():
        raise NotFound(f"no store at {database}; create it with 'serialpos init'")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        words = sys.argv[1:] if argv is None else argv
        args = build_parser(window_only=asks_for_the_window(words)).parse_args(words)
        url = args.db or config.default_db_url()
        if args.command in (None, "gui"):
            if args.command is None:
                args.no_demo = False
            # The window opens its store itself, once its first screen is painted: no
            # SQLAlchemy before that (app.ui.store_opening).
            return gui.cmd_gui(url, args)
    except UserError as exc:
        print(f"serialpos: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return run_command(url, args)


def run_command(url: str, args: argparse.Namespace) -> int:
    """Runs a command other than the window's on the store at `url`."""
    from sqlalchemy.exc import DBAPIError

    from app.db.engine import store_trouble
    from app.db.uow import open_store

    try:
        _check_store_exists(url, args.command)
        args.url = url
        store = open_store(url)
        try:
            handler: Handler = args.handler
            # A command that lost the write lock to another till runs again, while it has
            # committed nothing (app.db.uow.Store.retrying); then "the store is busy".
            store.retrying(lambda: handler(store, args))
        finally:
            store.dispose()
    except UserError as exc:
        print(f"serialpos: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DBAPIError as exc:  # the transaction was rolled back; say why in one line
        trouble = store_trouble(exc)
        if trouble is None:
            raise
        print(f"serialpos: {trouble}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `serialpos serials | head` is fine
        return 0
    return 0
