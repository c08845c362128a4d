"""Sale maths: discounts, tax inclusive or exclusive, tenders and change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.pos.cart import (
    Cart,
    CartLine,
    LineInput,
    TenderInput,
    TenderKind,
    change_due,
    compute_totals,
)

CASH, CARD = TenderKind.CASH, TenderKind.CARD


def test_tax_inclusive_prices_contain_the_tax() -> None:
    totals = compute_totals([LineInput(12000, 1, 2000)], prices_include_tax=True)
    assert (totals.total, totals.tax) == (12000, 2000)


def test_tax_exclusive_prices_get_tax_on_top() -> None:
    totals = compute_totals([LineInput(10000, 2, 2000)], prices_include_tax=False)
    assert (totals.subtotal, totals.tax, totals.total) == (20000, 4000, 24000)


def test_line_then_sale_discount() -> None:
    totals = compute_totals(
        [LineInput(10000, 1, 0, discount_bp=1000), LineInput(5000, 1, 0)], sale_discount_bp=1000
    )
    # line: 10000 -> 9000; sale: 10 % of 14000 = 1400, spread 900 / 500
    assert totals.discount == 1000 + 1400 and totals.total == 12600
    assert [ln.sale_discount for ln in totals.lines] == [900, 500]


line_inputs = st.lists(
    st.builds(
        LineInput,
        unit_price=st.integers(0, 500_000),
        qty=st.integers(1, 50),
        tax_rate_bp=st.sampled_from([0, 500, 700, 1900, 2000, 2500]),
        discount_bp=st.integers(0, 10_000),
    ),
    min_size=1,
    max_size=12,
)


@given(line_inputs, st.integers(0, 10_000), st.booleans())
def test_lines_always_add_up_to_the_totals(
    lines: list[LineInput], sale_bp: int, incl: bool
) -> None:
    totals = compute_totals(lines, sale_discount_bp=sale_bp, prices_include_tax=incl)
    assert totals.total == sum(ln.total for ln in totals.lines)
    assert totals.tax == sum(ln.tax for ln in totals.lines)
    assert totals.discount == sum(ln.discount for ln in totals.lines)
    assert totals.subtotal - totals.discount + (0 if incl else totals.tax) == totals.total
    assert all(ln.total >= 0 and ln.tax >= 0 for ln in totals.lines)


def test_cash_gives_change() -> None:
    assert change_due(1250, [TenderInput(CASH, 2000)]) == 750


def test_split_card_and_cash() -> None:
    assert change_due(10000, [TenderInput(CARD, 6000, "A1"), TenderInput(CASH, 5000)]) == 1000


@pytest.mark.parametrize(
    ("tenders", "message"),
    [
        ([], "take a payment"),
        ([TenderInput(CASH, 900)], "1.00 still to pay"),
        ([TenderInput(CARD, 1000, "")], "needs its reference"),
        ([TenderInput(CARD, 1200, "X")], "no change is given on cards"),
        ([TenderInput(CASH, 0)], "above zero"),
    ],
)
def test_bad_tenders_are_refused(tenders: list[TenderInput], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        change_due(1000, tenders)


def _unit(n: int) -> CartLine:
    return CartLine(1, "PH", "Phone", 100, 0, unit_id=n, serial=f"S{n}")


def test_a_unit_cannot_be_in_the_cart_twice() -> None:
    cart = Cart()
    cart.add(_unit(1))
    with pytest.raises(InvalidInput, match="S1 is already in this sale"):
        cart.add(_unit(1))
    assert len(cart.lines) == 1


def test_bulk_scans_increase_the_quantity() -> None:
    cart = Cart()
    cable = CartLine(2, "CB", "Cable", 999, 2000)
    cart.add(cable)
    cart.add(cable)
    assert [ln.qty for ln in cart.lines] == [2]


def test_serialized_line_quantity_stays_one() -> None:
    cart = Cart([_unit(1)])
    with pytest.raises(InvalidInput, match="scan each unit"):
        cart.set_qty(0, 2)


def test_a_ticket_lines_quantity_is_the_tickets() -> None:
    """Two cables fitted on a repair: the till charges what the ticket says."""
    cables = CartLine(0, "T-000007", "USB-C cable", 1299, 0, qty=2, ticket_line_id=5)
    cart = Cart([cables])
    for qty in (1, 3):
        with pytest.raises(InvalidInput, match="T-000007 is one repair"):
            cart.set_qty(0, qty)
    cart.set_qty(0, 2)  # the same quantity is no change
    assert cart.lines == [cables]


def test_a_free_sale_needs_no_payment() -> None:
    assert change_due(0, []) == 0


def test_scanning_a_bulk_item_again_keeps_the_quantity_cap() -> None:
    cable = CartLine(2, "CB", "Cable", 999, 2000, qty=9_999)
    cart = Cart([cable])
    with pytest.raises(InvalidInput, match="between 1 and 9999"):
        cart.add(CartLine(2, "CB", "Cable", 999, 2000))
    assert cart.lines[0].qty == 9_999
