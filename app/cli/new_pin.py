"""A new PIN for `init` and the `user` commands, never from the command line: every local
user can read a process's arguments (/proc/PID/cmdline, `ps`).

From, in order: `--pin-fd N` (a line read from that file descriptor: a pipe from a
password manager), SERIALPOS_NEW_PIN (scripts), or the terminal without echo, asked twice.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any

from app.cli.common import whole_number
from app.errors import InvalidInput

NEW_PIN_ENV = "SERIALPOS_NEW_PIN"
HOW = f"leave it out to be asked on the terminal, or set {NEW_PIN_ENV}, or use --pin-fd N"
PIN_IN_ARGV = f"--pin does not take the PIN on the command line (others can read it there): {HOW}"


class _RefusePinValue(argparse.Action):
    """`--pin` alone means "ask me" (as leaving it out does); `--pin 1234` is refused
    before anything is opened or written."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        if values:
            raise InvalidInput(PIN_IN_ARGV)


def add_new_pin_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pin", nargs="?", action=_RefusePinValue, help=f"the new PIN: {HOW}")
    p.add_argument(
        "--pin-fd", type=whole_number, metavar="N", help="read the new PIN from descriptor N"
    )


def _read_fd(fd: int) -> str:
    try:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as source:
            line = source.readline()
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"--pin-fd {fd}: {getattr(exc, 'strerror', None) or exc}") from None
    if not line.strip():
        raise InvalidInput(f"--pin-fd {fd}: no PIN was read")
    return line.strip()


def _ask_twice() -> str:
    if not sys.stdin.isatty():
        raise InvalidInput(
            f"a new PIN is needed and there is no terminal to ask on: set {NEW_PIN_ENV}"
            " or use --pin-fd N"
        )
    try:
        pin = getpass.getpass("new PIN: ").strip()
        again = getpass.getpass("new PIN again: ").strip()
    except (EOFError, KeyboardInterrupt):
        raise InvalidInput("new PIN: not given") from None
    if pin != again:
        raise InvalidInput("the two PINs typed differ; nothing was changed")
    return pin


def new_pin(args: argparse.Namespace) -> str:
    """The new PIN from --pin-fd, SERIALPOS_NEW_PIN or the terminal (see the module)."""
    fd = getattr(args, "pin_fd", None)
    if fd is not None:
        return _read_fd(fd)
    pin = os.environ.get(NEW_PIN_ENV)
    if pin is not None:
        return pin.strip()
    return _ask_twice()
