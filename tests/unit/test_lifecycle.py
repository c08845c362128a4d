"""The only moves between statuses (PRODUCT.md: Statuses); everything else is refused."""

from __future__ import annotations

import pytest

from app.errors import Conflict
from app.stock.lifecycle import MOVES, Move, target_status
from app.stock.models import UnitStatus as S

ALLOWED = {
    (Move.SALE, S.IN_STOCK): S.SOLD,
    (Move.REFUND, S.SOLD): S.IN_STOCK,
    (Move.REFUND_DEFECTIVE, S.SOLD): S.DEFECTIVE,
    (Move.WRITE_OFF, S.IN_STOCK): S.ADJUSTED_OUT,
    (Move.USE, S.IN_STOCK): S.USED,
    (Move.TO_VENDOR, S.IN_STOCK): S.AT_VENDOR,
    (Move.TO_VENDOR, S.DEFECTIVE): S.AT_VENDOR,
    (Move.FROM_VENDOR, S.AT_VENDOR): S.IN_STOCK,
    (Move.WARRANTY_RETURN, S.SOLD): S.DEFECTIVE,
    (Move.TRANSFER, S.IN_STOCK): S.IN_STOCK,
    (Move.COUNT_MISSING, S.IN_STOCK): S.ADJUSTED_OUT,
    (Move.COUNT_FOUND, S.ADJUSTED_OUT): S.IN_STOCK,
    (Move.UNSERIALIZE, S.IN_STOCK): S.ADJUSTED_OUT,
    (Move.RETURN_PART, S.USED): S.IN_STOCK,
    (Move.WARRANTY_ISSUE, S.IN_STOCK): S.SOLD,
}


@pytest.mark.parametrize("move", list(MOVES))
@pytest.mark.parametrize("status", list(S))
def test_every_move_is_allowed_only_from_its_statuses(move: Move, status: S) -> None:
    expected = ALLOWED.get((move, status))
    if expected is None:
        with pytest.raises(Conflict, match=r"^SN1 .*: cannot "):
            target_status(move, "SN1", status, "Front", "Jane")
    else:
        assert target_status(move, "SN1", status, "Front", "Jane") is expected


def test_refusal_says_where_the_unit_is() -> None:
    with pytest.raises(Conflict, match="SN1 is sold to Jane Doe: cannot sell it"):
        target_status(Move.SALE, "SN1", S.SOLD, None, "Jane Doe")
    with pytest.raises(Conflict, match="SN2 is at the vendor: cannot write it off"):
        target_status(Move.WRITE_OFF, "SN2", S.AT_VENDOR, None, None)
    with pytest.raises(Conflict, match="SN3 is defective at Back: cannot sell it"):
        target_status(Move.SALE, "SN3", S.DEFECTIVE, "Back", None)
