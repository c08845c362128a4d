"""Every kind of scan means something in the Tickets view: a bundle's code (a kit sold whole
at the till) is said in one line, with a ticket open or not, and changes nothing."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from ticket_desk import Desk, make_desk, open_tickets, scan, take_in_foreign

from app.db.uow import Store
from app.stock.bundles import ComponentInput, set_components
from app.stock.items import ItemFields, create_item
from app.tickets.queries import ticket_detail
from app.ui.tickets.scans import NotForTickets, ticket_scan
from app.users.services import actor_by_name
from tests.conftest import dump_tables

KIT = "KIT-PH"
SAID = f"{KIT} is a bundle: scan each of its parts instead"


@pytest.fixture
def desk(demo_store: Store) -> Desk:
    manager = actor_by_name(demo_store, "manager")
    kit = ItemFields(name="Phone kit", price=52900)
    create_item(demo_store, manager, sku=KIT, values=kit)
    parts = [ComponentInput("PH-X200"), ComponentInput("CBL-USBC")]
    set_components(demo_store, manager, KIT, parts)
    return make_desk(demo_store)


def test_a_bundle_is_not_a_part_nor_a_device(desk: Desk) -> None:
    ticket = take_in_foreign(desk, "GX-1")
    before = dump_tables(desk.store)
    for open_number in (None, ticket.number):
        step = ticket_scan(
            desk.store, desk.service, KIT, location="Front store", open_number=open_number
        )
        assert step == NotForTickets(SAID)
    assert dump_tables(desk.store) == before
    assert ticket_detail(desk.store, desk.service, ticket.number).lines == ()


def test_a_bundle_scanned_in_the_view_is_one_line(qtbot: QtBot, desk: Desk) -> None:
    view = open_tickets(qtbot, desk.store, desk.service)
    before = dump_tables(desk.store)
    scan(qtbot, view, KIT)
    assert view.message.message == SAID[:1].upper() + SAID[1:]
    assert view.pages.currentWidget() is view.list_page
    assert dump_tables(desk.store) == before
