"""The repair itself (PRODUCT.md: Tickets): statuses, notes, parts and labour, warranty
pricing, the vendor, warranty replacement. Every refusal leaves the store as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.uow import Store
from app.errors import Conflict, PermissionDenied
from app.stock import queries
from app.stock.models import StockLevel
from app.tickets.events import TicketStatusChanged
from app.tickets.notes import add_note
from app.tickets.parts import add_labour, add_part, remove_line, use_bulk_part, use_part
from app.tickets.passcode import reveal_passcode
from app.tickets.queries import ticket_detail
from app.tickets.replacement import replace_under_warranty
from app.tickets.vendor import receive_from_vendor, send_to_vendor
from app.tickets.workflow import change_status
from app.users.models import AuditEntry
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.ticket_shop import Shop, make_shop, take_in


@pytest.fixture
def shop(store: Store, manager: Actor) -> Shop:
    return make_shop(store, manager)


def unit(shop: Shop, serial: str, sku: str | None = None) -> tuple[str, str | None]:
    (found,) = [
        u for u in queries.find_units(shop.store, shop.manager, serial) if not sku or u.sku == sku
    ]
    return found.status, found.location


def glue_at_workshop(shop: Shop) -> int:
    with shop.store.read() as s:
        return sum(s.scalars(select(StockLevel.qty)))


def test_a_repair_walks_the_workflow_with_time_user_and_note(shop: Shop) -> None:
    t = take_in(shop).number
    for status in ("diagnosing", "awaiting_approval", "diagnosing", "awaiting_approval",
                   "waiting_for_parts", "in_repair", "waiting_for_parts", "in_repair", "ready",
                   "in_repair", "ready"):  # fmt: skip
        change_status(shop.store, shop.service, t, status, note=f"to {status}")
    ticket = ticket_detail(shop.store, shop.service, t)
    assert ticket.status == "ready"
    assert [c.to_status for c in ticket.changes][:3] == ["new", "diagnosing", "awaiting_approval"]
    assert all(c.user == "service" and c.at for c in ticket.changes)
    assert ticket.changes[-1].note == "to ready" and ticket.changes[-1].from_status == "in_repair"


def test_a_refused_move_names_the_current_status_and_changes_nothing(shop: Shop) -> None:
    t = take_in(shop).number
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match=f"{t} is new: it cannot go to ready for collection"):
        change_status(shop.store, shop.service, t, "ready")
    assert dump_tables(shop.store) == before
    change_status(shop.store, shop.service, t, "diagnosing")
    change_status(shop.store, shop.service, t, "ready")
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="is ready for collection: collect it at the till"):
        change_status(shop.store, shop.service, t, "collected")
    assert dump_tables(shop.store) == before
    change_status(shop.store, shop.service, t, "cancelled")
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="is cancelled: a closed ticket does not move"):
        change_status(shop.store, shop.service, t, "diagnosing")
    assert dump_tables(shop.store) == before


def test_becoming_ready_is_announced_with_old_and_new_status(shop: Shop) -> None:
    t = take_in(shop).number
    change_status(shop.store, shop.service, t, "diagnosing")
    with shop.store.capture() as events:
        ticket = change_status(shop.store, shop.service, t, "ready")
    assert events == [TicketStatusChanged(ticket, "diagnosing", "ready")]


def test_cancelling_wipes_the_passcode(shop: Shop) -> None:
    t = take_in(shop, passcode="1234").number
    ticket = change_status(shop.store, shop.service, t, "cancelled")
    assert not ticket.has_passcode and ticket.closed_at is not None
    with pytest.raises(Exception, match="no passcode"):
        reveal_passcode(shop.store, shop.service, t)


def test_notes_are_timed_signed_internal_or_for_the_customer(shop: Shop) -> None:
    t = take_in(shop).number
    add_note(shop.store, shop.service, t, "board looks corroded")
    ticket = add_note(shop.store, shop.manager, t, "call before 5 pm", for_customer=True)
    assert [(n.user, n.text, n.for_customer) for n in ticket.notes] == [
        ("service", "board looks corroded", False),
        ("manager", "call before 5 pm", True),
    ]


def test_a_scanned_part_is_used_and_shows_the_ticket_in_its_history(shop: Shop) -> None:
    jim = take_in(shop, "ZX-1", device="Other phone", customer_id=shop.jane.id).number
    ticket = use_part(shop.store, shop.service, jim, "S1")
    assert [(ln.kind, ln.serial, ln.unit_price) for ln in ticket.lines] == [("part", "S1", 5000)]
    assert unit(shop, "S1") == ("used", None)
    history = queries.unit_history(shop.store, shop.manager, "S1")
    assert (history[-1].kind, history[-1].document) == ("use", jim)


def test_a_part_that_is_not_in_stock_is_refused_with_where_it_is(shop: Shop) -> None:
    t = take_in(shop, "P2", customer_id=shop.jane.id).number
    other = take_in(shop).number
    use_part(shop.store, shop.service, other, "S1")
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="P1 is sold to Jane Doe: cannot use it as a part"):
        use_part(shop.store, shop.service, t, "P1")
    with pytest.raises(Conflict, match="S1 was used as a part"):
        use_part(shop.store, shop.service, t, "S1")
    assert dump_tables(shop.store) == before


def test_bulk_parts_come_off_the_shelf_and_labour_is_priced(shop: Shop) -> None:
    t = take_in(shop, "ZX-1", device="Other phone", customer_id=shop.jane.id).number
    use_bulk_part(shop.store, shop.service, t, "GLUE", 3, location="Workshop")
    ticket = add_labour(shop.store, shop.service, t, "reflow board", 3000)
    assert [(ln.kind, ln.qty, ln.total) for ln in ticket.lines] == [
        ("bulk", 3, 600),
        ("labour", 1, 3000),
    ]
    assert ticket.total == 3600 and glue_at_workshop(shop) == 7
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="only 7 in stock"):
        add_part(shop.store, shop.service, t, "GLUE", qty=8, location="Workshop")
    assert dump_tables(shop.store) == before


def test_under_warranty_lines_are_free_unless_a_manager_overrides(shop: Shop) -> None:
    t = take_in(shop).number  # P1, sold today with a year's warranty
    free = use_part(shop.store, shop.service, t, "S1")
    assert (
        free.under_warranty and free.lines[0].unit_price == 0 and free.lines[0].list_price == 5000
    )
    before = dump_tables(shop.store)
    with pytest.raises(PermissionDenied, match="not a manager"):
        add_labour(shop.store, shop.service, t, "extra", 1000, override_by=shop.cashier)
    assert dump_tables(shop.store) == before
    paid = add_labour(
        shop.store, shop.service, t, "customer damage", 1000, override_by=shop.manager
    )
    assert (paid.lines[-1].unit_price, paid.lines[-1].approved_by) == (1000, "manager")
    with shop.store.read() as s:
        audited = s.scalars(select(AuditEntry).where(AuditEntry.action == "ticket.charge_override"))
        assert [a.subject for a in audited] == [t]


def test_removing_a_part_before_collection_puts_it_back(shop: Shop) -> None:
    t = take_in(shop, "ZX-1", device="Other phone", customer_id=shop.jane.id).number
    ticket = use_part(shop.store, shop.service, t, "S1")
    ticket = use_bulk_part(shop.store, shop.service, t, "GLUE", 2, location="Workshop")
    for line in ticket.lines:
        ticket = remove_line(shop.store, shop.service, t, line.id)
    assert ticket.lines == () and unit(shop, "S1") == ("in_stock", "Workshop")
    assert glue_at_workshop(shop) == 10
    kinds = [h.kind for h in queries.unit_history(shop.store, shop.manager, "S1")]
    assert kinds[-2:] == ["use", "return_part"]


def test_a_ticket_with_parts_cannot_be_cancelled_until_they_go_back(shop: Shop) -> None:
    t = take_in(shop).number
    use_part(shop.store, shop.service, t, "S1")
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="still has parts"):
        change_status(shop.store, shop.service, t, "cancelled")
    assert dump_tables(shop.store) == before


def test_the_shops_own_unit_goes_to_the_vendor_and_back(shop: Shop) -> None:
    t = take_in(shop, "P2", customer_id=shop.jane.id).number
    ticket = send_to_vendor(shop.store, shop.service, t, "RMA-77")
    assert ticket.rma == "RMA-77" and ticket.vendor_sent_at is not None
    assert unit(shop, "P2") == ("at_vendor", None)
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="at the vendor already"):
        send_to_vendor(shop.store, shop.service, t, "RMA-78")
    assert dump_tables(shop.store) == before
    ticket = receive_from_vendor(shop.store, shop.service, t)
    assert ticket.vendor_back_at is not None and unit(shop, "P2") == ("in_stock", "Front")
    kinds = [(h.kind, h.document) for h in queries.unit_history(shop.store, shop.manager, "P2")]
    assert kinds[-2:] == [("to_vendor", t), ("from_vendor", t)]


def test_a_customers_device_at_the_vendor_is_only_recorded(shop: Shop) -> None:
    t = take_in(shop).number
    send_to_vendor(shop.store, shop.service, t, "RMA-1")
    assert unit(shop, "P1")[0] == "sold"
    assert receive_from_vendor(shop.store, shop.service, t).vendor_back_at is not None


def test_replacement_unit_keeps_the_remaining_warranty(shop: Shop) -> None:
    t = take_in(shop).number
    old = next(u for u in queries.find_units(shop.store, shop.manager, "P1"))
    ticket = replace_under_warranty(shop.store, shop.service, t, location="Front", serial="P3")
    assert (ticket.serial, ticket.replacement_serial) == ("P1", "P3")
    new = next(u for u in queries.find_units(shop.store, shop.manager, "P3"))
    assert (new.status, new.customer, new.warranty_end) == ("sold", "Jane Doe", old.warranty_end)
    assert new.warranty_start == old.warranty_start
    assert unit(shop, "P1") == ("defective", "Front")
    old_history = queries.unit_history(shop.store, shop.manager, "P1")
    new_history = queries.unit_history(shop.store, shop.manager, "P3")
    assert (old_history[-1].kind, old_history[-1].document) == ("warranty_return", t)
    assert "P3" in (old_history[-1].reason or "")
    assert (new_history[-1].kind, new_history[-1].document) == ("warranty_issue", t)
    assert "P1" in (new_history[-1].reason or "")


def test_replacement_without_a_serial_takes_the_first_in_stock_there(shop: Shop) -> None:
    t = take_in(shop).number
    assert (
        replace_under_warranty(shop.store, shop.service, t, location="Front").replacement_serial
        == "P2"
    )
    before = dump_tables(shop.store)
    with pytest.raises(Conflict, match="replaced already"):
        replace_under_warranty(shop.store, shop.service, t, location="Front")
    assert dump_tables(shop.store) == before


def test_a_device_we_did_not_sell_gets_no_replacement(shop: Shop) -> None:
    t = take_in(shop, "ZX-1", device="Other phone", customer_id=shop.jane.id).number
    before = dump_tables(shop.store)
    with pytest.raises(Exception, match="did not sell"):
        replace_under_warranty(shop.store, shop.service, t, location="Front")
    assert dump_tables(shop.store) == before
