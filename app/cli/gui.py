"""`gui` (and no command at all): the window."""

from __future__ import annotations

import argparse
import os
import sys

from app.cli.parsing import ArgumentParser, Subcommands
from app.errors import InvalidInput


def _no_display() -> bool:
    """On Linux, Qt aborts the process when there is no screen to open a window on."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_gui(store_url: str, args: argparse.Namespace) -> int:
    if _no_display():
        raise InvalidInput(
            "no screen to open the window on (DISPLAY is not set): run it on the desktop,"
            " or use the subcommands (serialpos --help)"
        )
    from app.ui.app import run_gui, smoke_test

    if getattr(args, "smoke", False):  # `serialpos` alone has no gui options
        return smoke_test(store_url)
    return run_gui(store_url, demo=not args.no_demo)


def register(sub: Subcommands[ArgumentParser]) -> None:
    gui = sub.add_parser("gui", help="open the window")
    gui.add_argument(
        "--no-demo", action="store_true", help="do not fill a new store with demo data"
    )
    gui.add_argument(
        "--smoke", action="store_true", help="open the store and the window, then exit (checks)"
    )
