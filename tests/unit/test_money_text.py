"""Percentages as the shop reads them: whole numbers keep their zeros."""

from __future__ import annotations

import pytest

from app.money import percent_text


@pytest.mark.parametrize(
    ("bp", "text"),
    [(1000, "10 %"), (10000, "100 %"), (2000, "20 %"), (1250, "12.5 %"), (5, "0.05 %"), (0, "0 %")],
)
def test_percent_text_keeps_the_zeros_of_whole_numbers(bp: int, text: str) -> None:
    assert percent_text(bp) == text
