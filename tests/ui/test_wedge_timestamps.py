"""The wedge filter times keys by their own timestamps, not by when a busy event loop gets
to them: a person's keys handed over all at once after a stall are still typing, and a
scanner's burst with a stall in the middle is still one scan.

Each key is delivered as the platform would (spontaneous, stamped), first to the filter
and then, if it lets the key through, to the field; the filter's clock (when Qt handles a
key) is moved by hand apart from the keys' stamps (when they were pressed).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.devices.settings import ScannerSettings
from app.ui.wedge_filter import LATE_TIMER_MS, RECHECK_MS, KeyTimes, WedgeFilter
from tests.ui.hand_clock import HandClock

PERSON_MS = 150  # between a person's keys
SCANNER_MS = 3  # between a scanner's keys
STALL_MS = 400.0  # the event loop busy (a view building, a slow query on the UI thread)


class StampedKey(QKeyEvent):
    """A key press as the window system delivers it: spontaneous, with its own stamp."""

    def spontaneous(self) -> bool:
        return True


def stamped(ch: str, stamp: int) -> StampedKey:
    if ch == "\r":
        event = StampedKey(
            QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r"
        )
    else:
        event = StampedKey(
            QEvent.Type.KeyPress, ord(ch.upper()), Qt.KeyboardModifier.NoModifier, ch
        )
    event.setTimestamp(stamp)
    return event


class Keys:
    """Presses keys at given stamps into one field, through the filter first."""

    def __init__(self, wedge: WedgeFilter, field: QLineEdit) -> None:
        self.wedge = wedge
        self.field = field

    def press(self, ch: str, stamp: int) -> None:
        event = stamped(ch, stamp)
        if not self.wedge.eventFilter(self.field, event):
            QCoreApplication.sendEvent(self.field, event)

    def burst(self, text: str, first_stamp: int, gap_ms: int) -> int:
        """Presses `text` from `first_stamp`, `gap_ms` apart; the next key's stamp."""
        stamp = first_stamp
        for ch in text:
            self.press(ch, stamp)
            stamp += gap_ms
        return stamp


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def wedge(clock: HandClock) -> Iterator[WedgeFilter]:
    wedge = WedgeFilter(ScannerSettings(), clock=clock)  # fed by hand, not installed
    yield wedge
    wedge.deleteLater()


@pytest.fixture
def field(qtbot: QtBot) -> Iterator[QLineEdit]:
    window = QWidget()
    qtbot.addWidget(window)
    edit = QLineEdit()
    QVBoxLayout(window).addWidget(edit)
    window.show()
    edit.setFocus()
    yield edit


def test_a_person_typing_through_a_stall_is_typing_not_a_scan(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    scanned: list[str] = []
    entered: list[str] = []
    wedge.scanned.connect(scanned.append)
    field.returnPressed.connect(lambda: entered.append(field.text()))
    keys = Keys(wedge, field)
    clock.advance(STALL_MS)  # the loop was busy while "ann42" and Enter were typed...
    keys.burst("ann42\r", first_stamp=1_000, gap_ms=PERSON_MS)  # ...handed over at once
    qtbot.wait(5)
    assert scanned == []
    assert entered == ["ann42"] and field.text() == "ann42"


def test_a_scan_with_a_stall_in_the_middle_is_one_scan(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    keys = Keys(wedge, field)
    with qtbot.waitSignal(wedge.scanned) as scanned:
        stamp = 1_000
        for ch in "SN12":
            clock.advance(SCANNER_MS)
            keys.press(ch, stamp)
            stamp += SCANNER_MS
        clock.advance(STALL_MS)  # the loop stalls mid-burst; the deadline timer fires late
        wedge.on_timer()
        assert wedge.holding and field.text() == ""  # nothing typed: keys may be waiting
        for ch in "345\r":  # they were: pressed 3 ms apart, handled after the stall
            keys.press(ch, stamp)
            stamp += SCANNER_MS
    assert scanned.args == ["SN12345"]
    assert field.text() == ""


def test_a_late_timer_types_held_keys_once_the_loop_has_had_its_turn(
    wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    keys = Keys(wedge, field)
    clock.advance(PERSON_MS)
    keys.press("7", 5_000)
    clock.advance(STALL_MS)
    wedge.on_timer()  # late: looks again after one more turn
    assert field.text() == ""
    clock.advance(RECHECK_MS)
    wedge.on_timer()  # on time, and no key came: "7" was typing
    assert field.text() == "7"


def test_a_pin_typed_through_a_stall_is_not_refused_as_a_scan(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    field.setEchoMode(QLineEdit.EchoMode.Password)
    rejected: list[str] = []
    entered: list[str] = []
    wedge.rejected.connect(rejected.append)
    field.returnPressed.connect(lambda: entered.append(field.text()))
    clock.advance(STALL_MS)
    Keys(wedge, field).burst("1111\r", first_stamp=1_000, gap_ms=PERSON_MS)
    qtbot.wait(5)
    assert rejected == [] and entered == ["1111"]


def test_a_scan_into_the_pin_field_is_still_refused(
    qtbot: QtBot, wedge: WedgeFilter, clock: HandClock, field: QLineEdit
) -> None:
    field.setEchoMode(QLineEdit.EchoMode.Password)
    rejected: list[str] = []
    wedge.rejected.connect(rejected.append)
    keys = Keys(wedge, field)
    stamp = 1_000
    for ch in "SN12345\r":
        clock.advance(PERSON_MS)  # handled slowly, but pressed at a scanner's pace
        keys.press(ch, stamp)
        stamp += SCANNER_MS
    assert rejected and field.text() == ""


def test_key_times_follow_the_stamps_and_start_over_when_their_clock_jumps(
    clock: HandClock,
) -> None:
    times = KeyTimes(clock)
    assert times.of(stamped("a", 0)) == clock.now  # no stamp: when it is handled
    base = 2**32 - 1_000  # X11's 32-bit millisecond stamps, about to wrap
    assert times.of(stamped("a", base)) == base
    clock.advance(100)
    assert times.of(stamped("b", base + 20)) == base + 20  # handled 80 ms late
    assert times.now() == base + 100  # the clock on the stamps' axis
    clock.advance(LATE_TIMER_MS)
    assert times.of(stamped("c", 40)) == 40  # wrapped: the axis starts over
    assert times.now() == 40
