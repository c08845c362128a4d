"""Percentages as the window shows them: whole tens keep their zero."""

from __future__ import annotations

import pytest

from app.money import parse_percent, percent_text


@pytest.mark.parametrize(
    ("bp", "shown"),
    [(2000, "20 %"), (1000, "10 %"), (1250, "12.5 %"), (0, "0 %"), (5, "0.05 %"), (10000, "100 %")],
)
def test_percent_text_round_trips(bp: int, shown: str) -> None:
    assert percent_text(bp) == shown
    assert parse_percent(shown) == bp
