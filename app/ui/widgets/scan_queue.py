"""Scans checked one at a time, in the order scanned.

A scanner fires codes back to back, faster than a check on a worker answers: the codes wait
here and each goes out only after the answer to the one before (counts and deliveries keep
running totals, so the order matters).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class ScanQueue:
    """`check(code)` starts a worker call; its answer (or refusal) calls `answered()`."""

    def __init__(self, check: Callable[[str], None]) -> None:
        self._check = check
        self._codes: deque[str] = deque()
        self._in_flight = False
        self._sending = False  # in _next: an answer given at once continues its loop

    @property
    def busy(self) -> bool:
        """A scan is being checked or waits its turn (finishing must wait for them)."""
        return self._in_flight or bool(self._codes)

    def add(self, code: str) -> None:
        self._codes.append(code)
        self._next()

    def answered(self) -> None:
        """The last code's answer has been acted on (or it needed no check): the next."""
        self._in_flight = False
        if not self._sending:
            self._next()

    def clear(self) -> None:
        """Forgets the codes still waiting (the till locked); one being checked answers."""
        self._codes.clear()

    def _next(self) -> None:
        # A loop, not a recursion: a long burst answered at once (each code taken by an
        # open dialog, say) goes through one code after another at the same depth.
        self._sending = True
        try:
            while not self._in_flight and self._codes:
                self._in_flight = True
                self._check(self._codes.popleft())
        finally:
            self._sending = False
