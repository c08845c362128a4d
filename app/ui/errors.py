"""Showing problems to the person at the counter: a user's mistake is a message, never a
traceback; a bug is a short apology on screen and the details in the log (stderr)."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import UserError


def show_problem(parent: QWidget | None, message: str, *, title: str = "SerialPOS") -> None:
    """A modal warning with one line the user can act on."""
    QMessageBox.warning(parent, title, message)


def _on_uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if isinstance(error, UserError):
        show_problem(None, error.message)
        return
    # A bug: keep the details for whoever fixes it, tell the user what happened in a line.
    traceback.print_exception(kind, error, tb, file=sys.stderr)
    show_problem(
        None,
        f"Something went wrong ({kind.__name__}: {error}). The details were written to the log.",
        title="SerialPOS — unexpected error",
    )


def install_exception_hook() -> None:
    """Exceptions escaping a Qt slot end here instead of in a console nobody reads."""
    sys.excepthook = _on_uncaught
