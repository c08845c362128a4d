"""Errors a user can cause. Each message is one line, fit to show a cashier.

Raising one of these inside a service aborts its transaction: nothing is written.
"""

from __future__ import annotations


class UserError(Exception):
    """Base of every error caused by what a user asked for (not a bug)."""

    def __init__(self, message: str) -> None:
        # One line, whatever the caller quoted: a stray newline would break the CLI contract.
        super().__init__(" ".join(message.split()))

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

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)
