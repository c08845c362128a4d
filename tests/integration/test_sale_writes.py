"""How a sale is written (app.pos.checkout): every unit claimed by one conditional update,
few statements, the record as the store has it; a lost claim refuses the whole sale."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from sqlalchemy import event

from app.db.uow import Store
from app.errors import UserError
from app.pos import checkout as checkout_module
from app.pos.cart import CartLine, TenderInput, TenderKind
from app.pos.checkout import Checkout, UnitUnavailable, complete_sale
from app.pos.records import SaleRecord
from app.pos.sale_reads import UnitForSale
from app.pos.sales import get_sale
from app.stock.ledger import UnitState, load_unit_states
from app.stock.models import UnitStatus
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.test_pos import TILL, line_for
from tests.integration.test_pos import shop as shop  # the fixture

CASH = TenderKind.CASH


def _checkout(lines: tuple[CartLine, ...]) -> Checkout:
    total = sum(ln.unit_price * ln.qty for ln in lines)
    return Checkout(lines, (TenderInput(CASH, total),))


def test_the_record_is_the_sale_as_the_store_has_it(shop: Store, cashier: Actor) -> None:
    lines = tuple(line_for(shop, cashier, c) for c in ("P1", "P2", "CABLE"))
    record = complete_sale(shop, cashier, TILL, _checkout(lines))
    assert record == get_sale(shop, cashier, record.number)
    assert [ln.line_no for ln in record.lines] == [1, 2, 3]
    assert all(ln.id for ln in record.lines)


def test_a_sale_of_three_units_and_a_bulk_line_is_few_statements(
    shop: Store, cashier: Actor
) -> None:
    lines = tuple(line_for(shop, cashier, c) for c in ("P1", "P2", "P3", "CABLE"))
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sent.append(statement)

    event.listen(shop.engine, "before_cursor_execute", note)
    try:
        complete_sale(shop, cashier, TILL, _checkout(lines))
    finally:
        event.remove(shop.engine, "before_cursor_execute", note)
    claims = [s for s in sent if s.lstrip().upper().startswith("UPDATE SERIAL_UNITS")]
    assert len(claims) == 1  # the three units claimed together
    # No kit in the cart: its components are not asked for; a unit's row says whether
    # its location is for sale, so the sellable locations are not read apart.
    assert not any("FROM bundle_components" in s for s in sent if "EXISTS" not in s), sent
    # BEGIN, 3 reads (location, items, units), counter, sale, claim, bulk, 2 ledger
    # inserts, lines, tender.
    assert len(sent) <= 12, sent


def test_a_claim_lost_after_the_read_refuses_the_whole_sale(
    shop: Store, cashier: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another till sells P2 between this sale's read of its units and its claim (on
    PostgreSQL two tills can both read "in stock"): nothing of this sale is written."""
    mine = tuple(line_for(shop, cashier, c) for c in ("P1", "P2", "CABLE"))
    with shop.read() as session:
        as_read = load_unit_states(session, [mine[0].unit_id, mine[1].unit_id])  # type: ignore[list-item]
    complete_sale(shop, cashier, TILL, _checkout((line_for(shop, cashier, "P2"),)))
    stale = {u.id: UnitForSale(u, True) for u in as_read}
    monkeypatch.setattr(checkout_module, "units_for_sale", lambda _s, _ids: stale)
    before = dump_tables(shop)
    with pytest.raises(UnitUnavailable, match="P2 was sold on another till just now") as caught:
        complete_sale(shop, cashier, TILL, _checkout(mine))
    assert caught.value.unit_id == mine[1].unit_id
    assert dump_tables(shop) == before


def test_a_unit_read_elsewhere_than_it_is_is_not_claimed(
    shop: Store, cashier: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim checks the location read as well as the status."""
    line = line_for(shop, cashier, "P1")
    with shop.read() as session:
        (state,) = load_unit_states(session, [line.unit_id])  # type: ignore[list-item]
    moved: UnitState = replace(state, location_id=state.location_id + 100)  # type: ignore[operator]
    read_as = {moved.id: UnitForSale(moved, True)}  # and its location read as for sale
    monkeypatch.setattr(checkout_module, "units_for_sale", lambda _s, _ids: read_as)
    before = dump_tables(shop)
    with pytest.raises(UnitUnavailable):
        complete_sale(shop, cashier, TILL, _checkout((line,)))
    assert dump_tables(shop) == before
    assert state.status is UnitStatus.IN_STOCK


def test_two_tills_racing_for_the_same_units_sell_them_once(shop: Store, cashier: Actor) -> None:
    """Two threads (two tills) complete a sale of the same units at the same moment: one
    sale goes through, the other is refused whole, on SQLite and on PostgreSQL."""
    lines = tuple(line_for(shop, cashier, c) for c in ("P1", "P2", "P3", "CABLE"))
    start = threading.Barrier(2)
    done: list[SaleRecord] = []
    refused: list[UserError] = []

    def till(name: str) -> None:
        start.wait()
        try:
            done.append(complete_sale(shop, cashier, replace(TILL, name=name), _checkout(lines)))
        except UserError as exc:
            refused.append(exc)

    tills = [threading.Thread(target=till, args=(f"TILL-{n}",)) for n in (1, 2)]
    for t in tills:
        t.start()
    for t in tills:
        t.join(timeout=60)
    assert len(done) == 1 and len(refused) == 1, (done, refused)
    assert "P1" in str(refused[0]) or "another till" in str(refused[0])
    for code in ("P1", "P2", "P3"):
        sold = line_for(shop, cashier, code)
        assert sold.serial == code
    with shop.read() as session:
        states = load_unit_states(session, [ln.unit_id for ln in lines[:3]])  # type: ignore[misc]
    assert {s.status for s in states} == {UnitStatus.SOLD}
    sale = get_sale(shop, cashier, done[0].number)
    assert [ln.serial for ln in sale.lines] == ["P1", "P2", "P3", None]
