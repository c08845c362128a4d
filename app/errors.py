"""Errors a user can cause. Each message is one line, fit to show a cashier.

Raising one of these inside a service aborts its transaction: nothing is written.
"""

from __future__ import annotations

import re

# What may be trimmed from the ends of a typed or scanned text. Not str.strip()'s idea of
# whitespace, which includes the GS1 group separator and the other C0 separators: a
# trailing \x1d is scanner noise to refuse, not blank space to drop.
TRIM = " \t\r\n"
_BLANKS = re.compile("[ \t\r\n\v\f]+")


def escaped(text: str) -> str:
    """`text` safe to print on a terminal or in a listing: every character that is not
    printable (ESC, other controls, surrogates from undecodable bytes) as a \\x.. escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class UserError(Exception):
    """Base of every error caused by what a user asked for (not a bug)."""

    def __init__(self, message: str) -> None:
        # One line, whatever the caller quoted: a stray newline would break the CLI contract,
        # and a raw ESC from the input would drive the user's terminal.
        super().__init__(escaped(" ".join(_BLANKS.split(message.strip(TRIM)))))

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(UserError):
    """The input is malformed: a bad range, a wrong count, a control character."""


class NotFound(UserError):
    """The thing named does not exist (unknown SKU, serial, location, user)."""


class PermissionDenied(UserError):
    """The acting user's role does not allow this, or an approval is missing."""


class Conflict(UserError):
    """The store's current state forbids it: a duplicate serial, a unit already sold."""


class StoreUnavailable(UserError):
    """The store cannot be opened: the server is down, the folder is not writable."""

    @classmethod
    def at(cls, where: str, error: BaseException) -> StoreUnavailable:
        """The one-line message for a store that failed to open: where, and the driver's first
        line of why (a database error carries the driver's own in `.orig`)."""
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return cls(f"cannot open the store {where}: {reason}")


class StoreBusy(StoreUnavailable):
    """Another till held the store's write lock past the busy timeout: nothing was written,
    and the same call may simply be made again."""

    MESSAGE = "the store is busy; try again"

    def __init__(self, message: str = MESSAGE, *, retry: bool = True) -> None:
        super().__init__(message)
        # False when the call already waited its whole timeout (PostgreSQL's lock_timeout,
        # statement_timeout): trying again at once would only make the till wait again.
        self.retry = retry
