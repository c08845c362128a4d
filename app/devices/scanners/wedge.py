"""Keyboard-wedge scanner decoder: tells a scanner's burst of keys from a person typing.

A USB/Bluetooth scanner in keyboard mode "types" its code very fast (a few ms per key) and
presses Enter (or Tab). A person types 100+ ms per key. The decoder sees every key press
before the focused widget does and answers, per key, what to do with it:

- `Hold(replay)`: swallow this key for now, it may be part of a scan. First type `replay`
  (keys held earlier that turned out to be typing) into the focused widget.
- `Pass(replay)`: type `replay`, then let this key through as usual.
- `Code(code)`: a scan is complete; swallow this key (the Enter/Tab) and handle `code`.
- `Reject(reason)`: a scanner burst that is no usable code (control characters, too
  long) has ended; swallow this key, the burst is dropped. Worth a beep.

The first key of every sequence is held, because nothing tells yet whether a scanner sent
it. So the caller must arm a timer for `next_deadline()` and call `on_timeout()` then; it
returns `Pass(replay)` with held keys to type (no current key), `Reject`, or `Hold()` if
nothing is due yet. A person's key thus appears after at most max_key_interval_ms.

Keys are given as the text they produce: one character, "\\r" or "\\n" for Enter, "\\t" for
Tab, and "" for a key that produces no text (arrows, F-keys). Do not feed presses of a
bare modifier (Shift, Ctrl, Alt): scanners press Shift for capitals, which must not
break a burst. Times are milliseconds from any monotonic clock.

Pure Python and Qt-free: the GUI's key event filter drives it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum, auto

from app.devices.settings import ScannerSettings

GS1_SEPARATOR = "\x1d"  # GS (Ctrl+]): the FNC1 separator inside GS1 codes, kept in codes
ENTER_KEYS = frozenset({"\r", "\n"})
TAB = "\t"


@dataclass(frozen=True)
class Hold:
    """Swallow the current key (maybe part of a scan); type `replay` first."""

    replay: str = ""


@dataclass(frozen=True)
class Pass:
    """Type `replay`, then let the current key through to the focused widget."""

    replay: str = ""


@dataclass(frozen=True)
class Code:
    """A complete scan (prefix/suffix stripped); swallow the current key."""

    code: str


@dataclass(frozen=True)
class Reject:
    """A scanner burst ended that is not a usable code; swallow the current key."""

    reason: str


Decision = Hold | Pass | Code | Reject


class _Key(Enum):
    CODE_CHAR = auto()  # may be part of a code
    TERMINATOR = auto()  # Enter or Tab
    CONTROL = auto()  # a control character (Ctrl+letter, Escape, Backspace...)
    OTHER = auto()  # no text (arrows, F-keys) or several characters at once (input method)


def _classify(text: str) -> _Key:
    if text in ENTER_KEYS or text == TAB:
        return _Key.TERMINATOR
    if len(text) != 1:
        return _Key.OTHER
    if text != GS1_SEPARATOR and unicodedata.category(text) in ("Cc", "Cs"):
        return _Key.CONTROL
    return _Key.CODE_CHAR


class WedgeDecoder:
    """Per-key decisions for one keyboard stream (one per window). Not thread-safe."""

    def __init__(self, settings: ScannerSettings | None = None) -> None:
        settings = settings or ScannerSettings()
        self._interval = float(settings.max_key_interval_ms)
        self._prefix = settings.prefix
        self._suffix = settings.suffix
        self._min_length = settings.min_length
        self._max_held = len(settings.prefix) + settings.max_length + len(settings.suffix)
        self._held: list[str] = []
        self._rejecting = ""  # why the current burst is being dropped, while it lasts
        self._last_t: float | None = None

    @property
    def min_length(self) -> int:
        """The shortest code taken as a scan."""
        return self._min_length

    @property
    def holding(self) -> bool:
        """True while keys are being held back (a possible scan is in progress)."""
        return bool(self._held or self._rejecting)

    def next_deadline(self) -> float | None:
        """When to call on_timeout() (ms), or None if nothing is held."""
        if not self.holding or self._last_t is None:
            return None
        return self._last_t + self._interval

    def reset(self) -> str:
        """Abandon any burst (e.g. the window lost focus); returns held text to replay."""
        held = "".join(self._held)
        self._held.clear()
        self._rejecting = ""
        return held

    def on_key(self, text: str, t_ms: float) -> Decision:
        """Decide what happens to a key press producing `text` at time `t_ms`."""
        replay = ""
        if self.holding and not self._continues(t_ms):
            # The burst ended before this key came (the timer did not fire in time): held
            # keys were typing. A burst being dropped holds nothing; it just ends here.
            replay = self.reset()
        self._last_t = t_ms
        kind = _classify(text)
        if self._rejecting:
            return self._reject_step(kind)
        if kind is _Key.CODE_CHAR:
            return self._code_char(text, replay)
        if kind is _Key.TERMINATOR:
            return self._terminator(replay)
        return self._interruption(kind, replay)

    def on_timeout(self, t_ms: float) -> Decision:
        """The timer for next_deadline() fired: flush held keys, or report a dropped burst."""
        deadline = self.next_deadline()
        if deadline is None:
            return Pass()
        if t_ms < deadline:
            return Hold()  # fired early; the caller arms the timer again
        if self._rejecting:
            reason = self._rejecting
            self.reset()
            return Reject(reason)
        return Pass(self.reset())

    # --- the cases ----------------------------------------------------------------------

    def _continues(self, t_ms: float) -> bool:
        # A key "before" the last one: the keys' clock changed under us; a new burst.
        return self._last_t is not None and 0 <= t_ms - self._last_t <= self._interval

    def _could_start(self, ch: str) -> bool:
        return not self._prefix or self._prefix[0] == ch

    def _code_char(self, ch: str, replay: str) -> Decision:
        if not self._held:
            if not self._could_start(ch):
                return Pass(replay)  # a prefix is configured and this is not it: typing
            self._held.append(ch)
            return Hold(replay)
        self._held.append(ch)
        held = "".join(self._held)
        if self._prefix and not (held.startswith(self._prefix) or self._prefix.startswith(held)):
            # Not the configured prefix: the held keys were typing, this one may start a burst.
            self._held.clear()
            return self._code_char(ch, replay + held[:-1])
        if len(self._held) > self._max_held:
            self._held.clear()
            self._rejecting = "The scan was too long."
        return Hold(replay)

    def _terminator(self, replay: str) -> Decision:
        held = self.reset()
        if not held:
            return Pass(replay)  # an ordinary Enter or Tab
        code = self._strip(held)
        if code is None or len(code) < self._min_length:
            return Pass(replay + held)  # too short to be a scan: quick typing
        return Code(code)

    def _strip(self, held: str) -> str | None:
        """The code inside prefix/suffix, or None if they are not there."""
        if not held.startswith(self._prefix) or not held.endswith(self._suffix):
            return None
        body = held[len(self._prefix) :]
        if len(body) < len(self._suffix):
            return None
        return body[: len(body) - len(self._suffix)]

    def _interruption(self, kind: _Key, replay: str) -> Decision:
        if kind is _Key.CONTROL and len(self._held) >= self._min_length:
            # Nobody types min_length keys and then a control key within a few ms: this is
            # a scanner sending something a wedge cannot carry. Drop the rest of the burst
            # rather than type it into the focused field.
            self._held.clear()
            self._rejecting = "The scan held a control character."
            return Hold(replay)
        return Pass(replay + self.reset())

    def _reject_step(self, kind: _Key) -> Decision:
        if kind is _Key.TERMINATOR:
            reason = self._rejecting
            self.reset()
            return Reject(reason)
        return Hold()
