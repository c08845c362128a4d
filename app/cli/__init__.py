"""The back-office command line. No subcommand (or `gui`) opens the window.

On success: exit 0. On bad input: one line on stderr, exit 2, and nothing changed (every
service call is one transaction that validates before it writes). Each area's module
registers its own subcommands (`register(sub)`); this one parses and runs them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from app import __version__, config
from app.cli import (
    auth,
    backoffice,
    gui,
    items,
    labels,
    maintenance,
    receiving,
    selling,
    tickets,
    units,
    users,
)
from app.cli.common import EXIT_BAD_INPUT, ArgumentParser, Handler
from app.db.engine import store_trouble
from app.db.uow import open_store
from app.errors import InvalidInput, NotFound, UserError
from app.text import shorten


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="serialpos", description="SerialPOS back office")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", help="SQLAlchemy URL (default: SERIALPOS_DB or the local store)")
    parser.add_argument(
        "--as",
        dest="as_user",
        help="acting user (default: SERIALPOS_USER); their PIN is asked, or SERIALPOS_PIN",
    )
    sub = parser.add_subparsers(dest="command", parser_class=ArgumentParser)
    # In the order `serialpos --help` lists them.
    for register in (
        gui.register,
        users.register,
        auth.register,
        items.register,
        receiving.register,
        units.register,
        selling.register,
        labels.register,
        units.register_export,
        tickets.register,
        backoffice.register,
        maintenance.register,
    ):
        register(sub)
    return parser


def _check_store_exists(url: str, command: str) -> None:
    """Only `init` makes a new SQLite store: a mistyped --db must not leave one behind."""
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
        args = build_parser().parse_args(argv)
        url = args.db or config.default_db_url()
        if args.command in (None, "gui"):
            if args.command is None:
                args.no_demo = False
            return gui.cmd_gui(url, args)
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
