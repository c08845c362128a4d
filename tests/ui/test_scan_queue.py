"""The one scan queue (counts, deliveries, POS, Refund, Tickets): codes in the order
scanned, one checked at a time, none lost, and a long burst answered at once is no
deeper a call than a short one."""

from __future__ import annotations

from app.ui.widgets.scan_queue import ScanQueue


def test_codes_wait_their_turn_and_go_in_the_order_scanned() -> None:
    checked: list[str] = []
    queue = ScanQueue(checked.append)
    for code in ("A", "B", "C"):
        queue.add(code)
    assert checked == ["A"] and queue.busy
    queue.answered()
    queue.answered()
    assert checked == ["A", "B", "C"]
    queue.answered()
    assert not queue.busy


def test_a_long_burst_answered_at_once_goes_through_whole() -> None:
    """Each code taken at once (by an open dialog, say): a loop, not a recursion."""
    checked: list[str] = []
    first = True

    def check(code: str) -> None:
        nonlocal first
        checked.append(code)
        if first:  # the first waits for its look-up; the scanner fires on meanwhile
            first = False
            return
        queue.answered()

    queue = ScanQueue(check)
    codes = [f"SN{n:05d}" for n in range(5000)]
    for code in codes:
        queue.add(code)
    queue.answered()
    assert checked == codes and not queue.busy


def test_a_lock_forgets_the_codes_still_waiting() -> None:
    checked: list[str] = []
    queue = ScanQueue(checked.append)
    for code in ("A", "B", "C"):
        queue.add(code)
    queue.clear()
    queue.answered()  # the one being checked still answers
    assert checked == ["A"] and not queue.busy
    queue.add("D")
    assert checked == ["A", "D"]
