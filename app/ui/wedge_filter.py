"""Keyboard-wedge scanners in the GUI: an application-wide key filter that feeds every key
press to the pure `WedgeDecoder` (app.devices.scanners.wedge) before any widget sees it.

A scanner's burst never reaches the focused widget: it comes out as `scanned(code)`, which
the window routes to the active view's `handle_scan`. A person's keys are held for at most
`max_key_interval_ms` and then typed into the focused widget, in order.

Install once: `app.installEventFilter(wedge)`. Which key events are fed:

- only key presses delivered to a widget *spontaneously*: Qt re-sends a key a widget ignores
  to each of its parents (Enter in a line edit goes on to the dialog), and the application
  filter sees every one of those re-sends; they are not spontaneous, so each key is decided
  once. The copy Qt first hands to the top-level QWindow is skipped for the same reason;
- never a bare modifier (Shift, Ctrl...): scanners press Shift for capitals.

A secret field (a PIN: a line edit that does not echo) is never held back: a person types a
PIN at 30 ms a key, as fast as some scanners, and a PIN must neither vanish nor be shown as
a scanned code. Its keys go straight into the field; a burst at scanner speed
(`SECRET_SCAN_GAP_MS`) ended by Enter is a real scan: the field is emptied and the scan
refused, without its code.

Keys are timed by the key event's own timestamp (when the key went down; X11, Wayland,
Windows and macOS all stamp them), not by when Qt gets round to them: on a busy till the
event loop may hand over a person's keys typed during a stall all at once (a "scan"), or a
scanner's burst with a stall in the middle (two lots of "typing"). See `KeyTimes`. For the
same reason a deadline timer that fires late decides nothing until keys pressed meanwhile
have had their turn.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from shiboken6 import isValid

from app.devices.scanners.wedge import (
    GS1_SEPARATOR,
    Code,
    Decision,
    Hold,
    Pass,
    Reject,
    WedgeDecoder,
)
from app.devices.settings import ScannerSettings

Clock = Callable[[], float]  # milliseconds from any monotonic clock
# Keys into a secret field this close together are a scanner, not a person: fast typists
# manage 30 ms a key, wedge scanners 1 to 10 ms.
SECRET_SCAN_GAP_MS = 15.0
SCAN_INTO_SECRET = "A scan into the PIN field was refused: type the PIN"
# A key handled this much later than its timestamp says, beyond the smallest such delay
# seen, means the stamps' clock changed (a server restart, X11's 49-day wrap): start over.
RESYNC_MS = 10_000.0
# The deadline timer firing this late means the event loop was busy: keys may be waiting.
LATE_TIMER_MS = 15.0
RECHECK_MS = 5  # then look again after one more turn of the loop,
MAX_RECHECKS = 3  # but not forever on a till that stays that busy

_BARE_MODIFIERS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Hyper_L,
        Qt.Key.Key_Hyper_R,
        Qt.Key.Key_Mode_switch,
    }
)
_KEY_PRESS = QEvent.Type.KeyPress
# The events the filter acts on (eventFilter), the rest pass straight on.
_WATCHED = frozenset(
    (
        _KEY_PRESS,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.ApplicationDeactivate,
    )
)
_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
_META = Qt.KeyboardModifier.MetaModifier


def monotonic_ms() -> float:
    return time.monotonic() * 1000.0


class KeyTimes:
    """When keys were pressed, in ms, on one axis: a key event's own timestamp where it has
    one, else the clock when Qt hands the key over. `now()` is the clock on the same axis,
    shifted by the smallest delay seen between a key's timestamp and its handling (its
    stamp can only be earlier), so a deadline set from a key's stamp falls due on time."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._offset: float | None = None  # clock minus stamp, the smallest seen

    def now(self) -> float:
        return self._clock() - (self._offset or 0.0)

    def of(self, event: QKeyEvent) -> float:
        """When the key of `event` was pressed."""
        clock = self._clock()
        stamp = event.timestamp()
        if not stamp:  # synthesized events (tests, input methods) carry no stamp
            return clock - (self._offset or 0.0)
        lag = clock - stamp
        if self._offset is None or lag < self._offset or lag - self._offset > RESYNC_MS:
            self._offset = lag
        return float(stamp)


def key_text(event: QKeyEvent) -> str:
    """The text the decoder is given for a key press (see wedge.py: "" for no text)."""
    text = event.text()
    if text == GS1_SEPARATOR:
        return text  # FNC1 arrives as Ctrl+]: part of a GS1 code, modifier and all
    mods = event.modifiers()
    ctrl_alt = bool(mods & _CTRL) and bool(mods & _ALT)  # AltGr on Windows: a real character
    if not ctrl_alt and mods & (_CTRL | _ALT | _META):
        return ""  # a shortcut or a mnemonic, never part of a code
    return text


def is_secret(widget: QObject) -> bool:
    """A field whose text is never shown (a PIN)."""
    return isinstance(widget, QLineEdit) and widget.echoMode() != QLineEdit.EchoMode.Normal


def _key_for(ch: str) -> int:
    """The Qt key code of a typed character (Latin-1 keys are their upper-case code)."""
    upper = ch.upper()
    if len(upper) == 1 and ord(upper) < 0x100:
        return ord(upper)
    return int(Qt.Key.Key_unknown)


class WedgeFilter(QObject):
    """Tells scanner bursts from typing for the whole application.

    Signals:
        scanned(str): a complete code from a wedge scanner (emitted after the key event
            has been dealt with, so a handler may open dialogs).
        rejected(str): a burst that was no usable code (control characters, too long).
    """

    scanned = Signal(str)
    rejected = Signal(str)

    def __init__(
        self,
        settings: ScannerSettings | None = None,
        *,
        clock: Clock = monotonic_ms,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._decoder = WedgeDecoder(settings)
        self._clock = clock
        self._times = KeyTimes(clock)
        self._due = 0.0  # when the timer should fire, on the clock
        self._rechecks = 0
        self._replaying = False
        self._last_receiver: QWidget | None = None
        # Keys typed into a secret field: when each came, to tell a scan from a fast PIN.
        self._secret_times: list[float] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # a 50 ms deadline, not ±5 %
        self._timer.timeout.connect(self.on_timer)

    @property
    def holding(self) -> bool:
        """True while keys are held back because they may be the start of a scan."""
        return self._decoder.holding

    # ------------------------------------------------------------------ Qt's side

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here (each paint and layout of a scan):
        # most leave after one look-up in a set.
        kind = event.type()
        if kind not in _WATCHED:
            return False
        if kind == _KEY_PRESS:
            return self._key_press(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.ShortcutOverride:
            return self._shortcut_override(watched, event)  # type: ignore[arg-type]
        if kind == QEvent.Type.MouseButtonPress and self._decoder.holding:
            # Scanners do not click: a person typed the held keys and now clicks (Log in
            # right after the last digit of a PIN). Type them before the click lands.
            self.flush()
        elif kind == QEvent.Type.ApplicationDeactivate:
            self.flush()
        return False

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        if self._replaying or not event.spontaneous() or not isinstance(watched, QWidget):
            return False
        if event.key() in _BARE_MODIFIERS:
            return False
        if event.isAutoRepeat() and not self._decoder.holding:
            return False  # a person holding a key down: let it repeat smoothly
        if is_secret(watched):
            return self._secret_key(watched, event)
        self._secret_times.clear()
        self._last_receiver = watched
        decision = self._decoder.on_key(key_text(event), self._times.of(event))
        self._arm()
        return self._apply(decision, watched, event)

    def _secret_key(self, field: QWidget, event: QKeyEvent) -> bool:
        """A key for a PIN field: typed into it at once (never held, never a `scanned`),
        unless it is the Enter that ends a burst at scanner speed: then the field is
        emptied and the scan refused without showing what it held."""
        if self._decoder.holding:
            self.flush()  # keys held for another field arrive first, in order
        now = self._times.of(event)
        text = key_text(event)
        assert isinstance(field, QLineEdit)
        if not field.text():
            self._secret_times.clear()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            times, self._secret_times = self._secret_times, []
            gaps = [b - a for a, b in zip(times, [*times[1:], now], strict=True)]
            scanned = len(times) >= self._min_scan_length and max(gaps) <= SECRET_SCAN_GAP_MS
            if scanned:
                field.clear()
                event.accept()
                self.rejected.emit(SCAN_INTO_SECRET)
                return True
            return False
        if text and text.isprintable():
            self._secret_times.append(now)
        return False

    @property
    def _min_scan_length(self) -> int:
        return max(1, self._decoder.min_length)

    def _shortcut_override(self, watched: QObject, event: QKeyEvent) -> bool:
        """Qt asks the focused widget whether a key is a shortcut before the key press is
        sent; a shortcut fires here and its key press never comes. While keys are held:"""
        if self._replaying or not self._decoder.holding or not isinstance(watched, QWidget):
            return False
        if event.key() in _BARE_MODIFIERS:
            return False
        text = key_text(event)
        if text and text.isprintable():
            # A character in a burst reaches this filter as a key press; it never fires a
            # shortcut bound to that character.
            event.accept()
            return True
        if not text:
            # F12 right after a typed "5": the decoder would type the held "5" on this key's
            # press, but the shortcut acts first (opens the payment). Type it now.
            self.flush()
        return False

    # ------------------------------------------------------------------ decisions

    def _apply(self, decision: Decision, target: QWidget, event: QKeyEvent) -> bool:
        """True: the current key is swallowed."""
        match decision:
            case Hold(replay):
                self._type(replay, target)
                event.accept()
                return True
            case Pass(replay):
                self._type(replay, target)
                return False
            case Code(code):
                event.accept()
                # Queued: the Enter that ended the scan is fully dealt with before anyone
                # acts on the code (a handler may open a dialog).
                QTimer.singleShot(0, partial(self.scanned.emit, code))
                return True
            case Reject(reason):
                event.accept()
                QTimer.singleShot(0, partial(self.rejected.emit, reason))
                return True
        return False  # pragma: no cover - the decisions above are all there are

    def on_timer(self) -> None:
        """The deadline timer fired. Late (the event loop was busy), keys pressed since may
        be waiting behind it: look again after one more turn of the loop. Public, as
        on_deadline, for tests with their own clock."""
        late = self._clock() - self._due > LATE_TIMER_MS
        if late and self._decoder.holding and self._rechecks < MAX_RECHECKS:
            self._rechecks += 1
            self._start_timer(RECHECK_MS)
            return
        self.on_deadline()

    def on_deadline(self) -> None:
        """The decoder's deadline has come: held keys were typing (or a rejected burst is
        over). Public so tests with their own clock can call it."""
        match self._decoder.on_timeout(self._times.now()):
            case Pass(replay):
                self._type(replay, self._replay_target())
            case Reject(reason):
                self.rejected.emit(reason)
            case _:
                pass
        self._arm()

    def flush(self) -> None:
        """Types whatever is held now (the app lost focus: no scan will finish)."""
        held = self._decoder.reset()
        self._timer.stop()
        self._type(held, self._replay_target())

    def _arm(self) -> None:
        self._rechecks = 0
        deadline = self._decoder.next_deadline()
        if deadline is None:
            self._timer.stop()
        else:
            self._start_timer(max(1, math.ceil(deadline - self._times.now())))

    def _start_timer(self, ms: int) -> None:
        self._due = self._clock() + ms
        self._timer.start(ms)

    # ------------------------------------------------------------------ typing held keys

    def _replay_target(self) -> QWidget | None:
        focused = QApplication.focusWidget()
        if focused is not None:
            return focused
        last = self._last_receiver
        return last if last is not None and isValid(last) else None

    def _type(self, text: str, target: QWidget | None) -> None:
        """Types `text` into `target` as key presses, past this filter."""
        if not text or target is None:
            return
        self._replaying = True
        try:
            for ch in text:
                modifiers = (
                    Qt.KeyboardModifier.ShiftModifier
                    if ch.isupper()
                    else Qt.KeyboardModifier.NoModifier
                )
                key = _key_for(ch)
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QCoreApplication.sendEvent(target, QKeyEvent(kind, key, modifiers, ch))
        finally:
            self._replaying = False
