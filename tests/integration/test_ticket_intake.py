"""Intake at the service desk (PRODUCT.md: Tickets, Warranty): by serial, customer,
warranty, IMEI, passcode. Every refusal leaves the store as it was."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.uow import Store
from app.errors import InvalidInput, PermissionDenied
from app.stock import queries
from app.tickets.events import TicketOpened
from app.tickets.intake import Intake, NewCustomer, SerialIsAmbiguous, look_up_device, open_ticket
from app.tickets.passcode import reveal_passcode
from app.tickets.warranty import warranty_status
from app.users.models import AuditEntry
from app.users.roles import Actor
from tests.conftest import dump_tables
from tests.integration.ticket_shop import BAD_IMEI, GOOD_IMEI, Shop, make_shop, take_in


@pytest.fixture
def shop(store: Store, manager: Actor) -> Shop:
    return make_shop(store, manager)


def test_warranty_days_left_count_the_last_day() -> None:
    today = date(2026, 3, 1)
    assert warranty_status(date(2026, 3, 11), today).days_left == 11
    assert warranty_status(date(2026, 3, 1), today).active
    assert warranty_status(date(2026, 3, 1), today).days_left == 1
    over = warranty_status(date(2026, 2, 28), today)
    assert (over.active, over.days_left) == (False, 0)
    assert warranty_status(None, today).label == "no warranty"


def test_a_unit_we_sold_shows_sale_customer_and_warranty(shop: Shop) -> None:
    later = shop.sold_on + timedelta(days=65)
    found = look_up_device(shop.store, shop.service, " p1 ", on=later)
    assert (found.sku, found.item_name, found.unit_status) == ("PHONE", "Phone X", "sold")
    assert (found.sold_on, found.receipt) == (shop.sold_on, shop.receipt)
    assert found.customer == "Jane Doe"
    assert found.customer_warranty.end == shop.sold_on + timedelta(days=365)
    assert found.customer_warranty.active and found.customer_warranty.days_left == 301
    assert found.supplier_warranty.end is None
    assert found.earlier_tickets == ()


def test_earlier_tickets_of_the_unit_are_shown(shop: Shop) -> None:
    first = take_in(shop)
    found = look_up_device(shop.store, shop.service, "P1")
    assert [t.number for t in found.earlier_tickets] == [first.number]


def test_a_serial_two_items_share_is_refused_with_their_skus(shop: Shop) -> None:
    before = dump_tables(shop.store)
    with pytest.raises(SerialIsAmbiguous, match="pick one of PHONE, TABLET") as caught:
        take_in(shop, "SHARED", customer_id=shop.jane.id)
    assert caught.value.skus == ("PHONE", "TABLET")
    assert dump_tables(shop.store) == before
    ticket = take_in(shop, "SHARED", sku="TABLET", customer_id=shop.jane.id)
    assert (ticket.sku, ticket.device) == ("TABLET", "Tablet")


def test_a_foreign_device_is_recorded_by_serial_and_model(shop: Shop) -> None:
    units_before = len(queries.find_units(shop.store, shop.manager, "ZX-9"))
    ticket = take_in(
        shop, "ZX-9", device="Fairphone 4", new_customer=NewCustomer("Bob", "555-2", "b@x.test")
    )
    assert (ticket.unit_id, ticket.serial, ticket.device) == (None, "ZX-9", "Fairphone 4")
    assert (ticket.customer, ticket.under_warranty) == ("Bob", False)
    assert len(queries.find_units(shop.store, shop.manager, "ZX-9")) == units_before == 0


def test_an_unknown_serial_without_a_model_is_refused(shop: Shop) -> None:
    before = dump_tables(shop.store)
    with pytest.raises(InvalidInput, match="make and model"):
        take_in(shop, "NOPE", customer_id=shop.jane.id)
    assert dump_tables(shop.store) == before


def test_a_wrong_imei_is_refused_with_the_reason(shop: Shop) -> None:
    before = dump_tables(shop.store)
    with pytest.raises(InvalidInput, match="check digit is 9, it should be 8"):
        take_in(shop, BAD_IMEI, sku="PHONE", customer_id=shop.jane.id)
    assert dump_tables(shop.store) == before
    assert take_in(shop, GOOD_IMEI).sku == "PHONE"
    # An MEID or longer identifier of an IMEI item is a plain serial (foreign device here).
    longer = take_in(shop, "A0000012345678", sku="PHONE", customer_id=shop.jane.id)
    assert (longer.unit_id, longer.device) == (None, "Phone X")


def test_customer_defaults_to_the_buyer_and_can_be_added_inline(shop: Shop) -> None:
    assert take_in(shop).customer == "Jane Doe"
    added = take_in(shop, "P1", new_customer=NewCustomer("Jim", "555-9", "jim@example.test"))
    assert (added.customer, added.customer_email) == ("Jim", "jim@example.test")


def test_a_refused_intake_leaves_no_quick_added_customer(shop: Shop) -> None:
    before = dump_tables(shop.store)
    with pytest.raises(InvalidInput, match="cannot be technician"):
        take_in(shop, new_customer=NewCustomer("Ghost"), technician_id=shop.cashier.id)
    assert dump_tables(shop.store) == before


def test_intake_records_problem_condition_estimate_and_technician(shop: Shop) -> None:
    promised = shop.sold_on + timedelta(days=3)
    ticket = take_in(
        shop, problem="no sound", condition=("scratches", "dents"), condition_note="bent corner",
        accessories="charger", estimate=4500, promised=promised, technician_id=shop.service.id,
        priority="high",
    )  # fmt: skip
    assert ticket.number == "T-000001" and ticket.status == "new"
    assert ticket.condition == ("scratches", "dents") and ticket.condition_note == "bent corner"
    assert (ticket.estimate, ticket.promised, ticket.technician) == (4500, promised, "service")
    assert (ticket.priority, ticket.accessories, ticket.under_warranty) == ("high", "charger", True)
    assert [(c.to_status, c.user) for c in ticket.changes] == [("new", "service")]
    assert take_in(shop).number == "T-000002"


def test_opening_a_ticket_announces_it_after_commit(shop: Shop) -> None:
    with shop.store.capture() as events:
        ticket = take_in(shop)
    assert events == [TicketOpened(ticket)]


def test_a_cashier_cannot_take_in_a_device(shop: Shop) -> None:
    with pytest.raises(PermissionDenied):
        open_ticket(shop.store, shop.cashier, Intake(serial="P1", problem="x"))


def test_passcode_is_sealed_shown_to_service_only_and_audited(shop: Shop, store_path: Path) -> None:
    ticket = take_in(shop, passcode="SECRET-4711")
    assert ticket.has_passcode and "SECRET-4711" not in repr(ticket)
    shop.store.dispose()  # everything on disk: the WAL checkpointed into the file
    for path in store_path.parent.glob("shop.sqlite3*"):
        assert b"SECRET-4711" not in path.read_bytes()
    assert reveal_passcode(shop.store, shop.service, ticket.number) == "SECRET-4711"
    with pytest.raises(PermissionDenied):
        reveal_passcode(shop.store, shop.cashier, ticket.number)
    with shop.store.read() as s:
        looks = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "ticket.passcode")
        )
    assert looks == 1


def test_an_empty_passcode_is_refused(shop: Shop) -> None:
    before = dump_tables(shop.store)
    with pytest.raises(InvalidInput, match="passcode"):
        take_in(shop, passcode="")
    assert dump_tables(shop.store) == before
