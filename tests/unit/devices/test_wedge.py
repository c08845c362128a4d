"""Keyboard-wedge decoder: scanner bursts become codes, typing reaches the field intact."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from app.devices.scanners.wedge import Code, Decision, Hold, Pass, Reject, WedgeDecoder
from app.devices.settings import ScannerSettings

FAST = 5.0  # ms between a scanner's keys
SLOW = 150.0  # ms between a person's keys
THRESHOLD = 50.0


@dataclass
class Field:
    """Plays the GUI: what ends up typed into the focused widget, and what was scanned."""

    decoder: WedgeDecoder
    typed: str = ""
    codes: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    now: float = 1000.0

    def key(self, text: str, gap_ms: float, *, timers: bool = True) -> Decision:
        """A key press gap_ms after the last; the GUI's timer fires first if it is due."""
        arrival = self.now + gap_ms
        deadline = self.decoder.next_deadline()
        if timers and deadline is not None and deadline < arrival:
            self._apply(self.decoder.on_timeout(deadline), "")
        self.now = arrival
        decision = self.decoder.on_key(text, self.now)
        self._apply(decision, text)
        return decision

    def finish(self) -> None:
        """Time passes with no more keys: the pending timer fires."""
        deadline = self.decoder.next_deadline()
        if deadline is not None:
            self.now = max(self.now, deadline)
            self._apply(self.decoder.on_timeout(self.now), "")

    def _apply(self, decision: Decision, text: str) -> None:
        match decision:
            case Hold(replay):
                self.typed += replay
            case Pass(replay):
                self.typed += replay + text
            case Code(code):
                self.codes.append(code)
            case Reject(reason):
                self.rejected.append(reason)

    def type_text(self, text: str, gap_ms: float, *, timers: bool = True) -> None:
        for ch in text:
            self.key(ch, gap_ms, timers=timers)
        self.finish()


def field_for(**settings_: object) -> Field:
    return Field(WedgeDecoder(ScannerSettings(**settings_)))  # type: ignore[arg-type]


def test_fast_burst_ending_in_enter_is_a_scan_and_is_not_typed() -> None:
    f = field_for()
    decisions = [f.key(ch, FAST) for ch in "SN-000123"]
    assert all(d == Hold() for d in decisions)
    assert f.key("\r", FAST) == Code("SN-000123")
    assert f.typed == "" and f.codes == ["SN-000123"]


def test_tab_also_ends_a_scan() -> None:
    f = field_for()
    f.type_text("4006381333931\t", FAST, timers=False)
    assert f.codes == ["4006381333931"] and f.typed == ""


def test_slow_typing_goes_to_the_field_with_enter() -> None:
    f = field_for()
    f.type_text("abc\r", SLOW)
    assert f.typed == "abc\r" and f.codes == []


def test_a_held_key_is_given_back_when_the_timer_fires() -> None:
    decoder = WedgeDecoder()
    assert decoder.on_key("a", 0.0) == Hold()
    assert decoder.next_deadline() == 50.0
    assert decoder.on_timeout(20.0) == Hold()  # too early: nothing yet
    assert decoder.on_timeout(50.0) == Pass("a")
    assert decoder.next_deadline() is None and not decoder.holding


def test_a_late_key_replays_the_held_one_when_no_timer_fired() -> None:
    decoder = WedgeDecoder()
    decoder.on_key("a", 0.0)
    assert decoder.on_key("b", 200.0) == Hold("a")  # "a" was typing; "b" might start a scan


def test_short_fast_word_with_enter_is_typing() -> None:
    f = field_for(min_length=3)
    f.type_text("ok\r", FAST, timers=False)
    assert f.typed == "ok\r" and f.codes == []


def test_person_typing_then_a_scan_right_after() -> None:
    f = field_for()
    f.type_text("qty ", SLOW)
    f.now += SLOW
    f.type_text("ABC123\r", FAST, timers=False)
    assert f.typed == "qty " and f.codes == ["ABC123"]


def test_prefix_and_suffix_are_stripped() -> None:
    f = field_for(prefix="]C", suffix="#")
    f.type_text("]CSN42#\r", FAST, timers=False)
    assert f.codes == ["SN42"] and f.typed == ""


def test_with_a_prefix_other_keys_go_through_at_once() -> None:
    decoder = WedgeDecoder(ScannerSettings(prefix="~"))
    assert decoder.on_key("a", 0.0) == Pass()  # cannot start a scan: no delay at all
    assert decoder.on_key("~", 100.0) == Hold()
    assert decoder.on_key("x", 101.0) == Hold()  # "~x" could be prefix + code
    assert decoder.on_key("\r", 102.0) == Pass("~x")  # too short: typing after all


def test_burst_without_the_suffix_is_typing() -> None:
    f = field_for(suffix="#")
    f.type_text("ABC123\r", FAST, timers=False)
    assert f.typed == "ABC123\r" and f.codes == []


def test_control_character_in_a_burst_rejects_the_whole_scan() -> None:
    f = field_for()
    f.type_text("ABC\x01DEF\r", FAST, timers=False)
    assert f.codes == [] and f.typed == ""
    assert f.rejected == ["The scan held a control character."]
    f.now += SLOW
    f.type_text("XYZ123\r", FAST, timers=False)  # the next scan is fine again
    assert f.codes == ["XYZ123"]


def test_control_key_after_one_typed_letter_is_typing() -> None:
    f = field_for()
    f.key("a", SLOW)
    assert f.key("\x08", FAST) == Pass("a")  # Backspace right after "a": both go through


def test_gs1_separator_is_kept_in_codes() -> None:
    f = field_for()
    f.type_text("0104006381333931\x1d10ABC\r", FAST, timers=False)
    assert f.codes == ["0104006381333931\x1d10ABC"]


def test_huge_burst_is_capped_and_rejected() -> None:
    f = field_for(max_length=20)
    f.type_text("9" * 500 + "\r", FAST, timers=False)
    assert f.codes == [] and f.typed == ""
    assert f.rejected == ["The scan was too long."]


def test_rejected_burst_that_just_stops_is_reported_by_the_timer() -> None:
    f = field_for(max_length=5)
    f.type_text("1234567890", FAST)
    assert f.rejected == ["The scan was too long."] and f.typed == ""


def test_keys_without_text_interrupt_and_pass() -> None:
    f = field_for()
    f.key("a", SLOW)
    assert f.key("", FAST) == Pass("a")  # an arrow key: "a" first, then the arrow


def test_reset_gives_back_what_was_held() -> None:
    decoder = WedgeDecoder()
    decoder.on_key("a", 0.0)
    decoder.on_key("b", 1.0)
    assert decoder.reset() == "ab" and not decoder.holding


code_chars = st.characters(blacklist_categories=("Cc", "Cs"))


@settings(max_examples=300, deadline=None)
@given(
    code=st.text(code_chars, min_size=3, max_size=60),
    gaps=st.lists(st.floats(0.0, THRESHOLD * 0.99), min_size=61, max_size=61),
    lead=st.floats(THRESHOLD * 1.01, 10_000),
    affixes=st.sampled_from([("", ""), ("]C", ""), ("", "#"), ("*", "*")]),
)
def test_any_fast_burst_ending_in_enter_is_exactly_that_code(
    code: str, gaps: list[float], lead: float, affixes: tuple[str, str]
) -> None:
    prefix, suffix = affixes
    f = field_for(prefix=prefix, suffix=suffix)
    f.now += lead
    for ch, gap in zip(prefix + code + suffix + "\r", gaps, strict=False):
        f.key(ch, gap)
    assert f.codes == [code]
    assert f.typed == "" and f.rejected == []
    assert not f.decoder.holding


any_key = st.one_of(
    st.characters(blacklist_categories=("Cs",)), st.sampled_from(["\r", "\n", "\t", ""])
)


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(any_key, max_size=40),
    gaps=st.lists(st.floats(THRESHOLD * 1.01, 5000), min_size=40, max_size=40),
    timer_fires=st.lists(st.booleans(), min_size=40, max_size=40),
    prefix=st.sampled_from(["", "~"]),
)
def test_slow_typing_is_never_a_scan_and_nothing_is_lost(
    keys: list[str], gaps: list[float], timer_fires: list[bool], prefix: str
) -> None:
    f = field_for(prefix=prefix)
    for key, gap, fire in zip(keys, gaps, timer_fires, strict=False):
        f.key(key, gap, timers=fire)  # a busy GUI may miss a timer: nothing may be lost
    f.finish()
    assert f.codes == [] and f.rejected == []
    assert f.typed == "".join(keys)
    assert not f.decoder.holding
