"""Receiving against a supplier's list (one stray, one missing), the Users page (add,
deactivate), the Shop settings page (saved to the file), and the till location said at
log-in. Each checks the store or the file afterwards."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from backoffice_support import Answers, answer_questions, shown, unit
from pytestqt.qtbot import QtBot
from settle import settle

from app.config import ShopSettings, load_settings
from app.db.uow import Store
from app.stock import queries
from app.stock.expected import TickVerdict
from app.stock.models import UnitStatus
from app.ui.formatting import ShopFormat
from app.ui.main_window import MainWindow
from app.ui.settings.shop_page import ShopPage
from app.ui.settings.users_page import UsersPage
from app.ui.stock.expected_dialog import ExpectedDeliveryDialog
from app.users.management import list_all_users
from app.users.roles import Actor, Role
from app.users.services import actor_by_name


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return answer_questions(monkeypatch)


def test_receiving_against_a_list_flags_a_stray_and_a_double_and_lists_the_missing(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, answers: Answers, tmp_path: Path
) -> None:
    dialog = ExpectedDeliveryDialog(demo_store, demo_manager, sku="PH-X200")
    shown(qtbot, dialog)
    dialog.location_box.setCurrentIndex(dialog.location_box.findData("Back room"))
    dialog.supplier_edit.setText("Acme Phones")
    supplier_list = tmp_path / "delivery.csv"
    supplier_list.write_text("serial\nEXP-001\nEXP-002\nEXP-003\n", encoding="utf-8")
    dialog.load_file(str(supplier_list))
    dialog.next_step()  # Import list
    settle(qtbot)
    assert dialog.delivery is not None, dialog.message.message
    assert dialog.delivery.listed == 3

    for code in ("EXP-001", "STRAY-9", "EXP-002", "EXP-001"):
        dialog.handle_scan(code)
    settle(qtbot)
    scans = dialog.scanning.scans
    verdicts = [scans.item(n).data(256) for n in range(scans.count())]
    assert verdicts == [
        TickVerdict.ALREADY_TICKED.value,
        TickVerdict.TICKED.value,
        TickVerdict.NOT_ON_LIST.value,
        TickVerdict.TICKED.value,
    ]  # latest first: each flagged as it was scanned
    assert "scanned twice" in dialog.scanning.scans.item(0).text()
    assert "not on the list" in dialog.scanning.scans.item(2).text()
    assert queries.find_units(demo_store, demo_manager, "EXP-001") == []  # not yet received

    dialog.next_step()  # Confirm receipt…
    settle(qtbot)
    assert len(answers.confirmed) == 1 and "EXP-003" in answers.confirmed[0]
    assert dialog.confirmed is not None and dialog.confirmed.missing == ["EXP-003"]
    for serial in ("EXP-001", "EXP-002"):
        received = unit(demo_store, demo_manager, serial)
        assert (received.status, received.location) == (UnitStatus.IN_STOCK, "Back room")
    assert queries.find_units(demo_store, demo_manager, "EXP-003") == []
    assert queries.find_units(demo_store, demo_manager, "STRAY-9") == []
    assert "EXP-003" in dialog.scanning.last.text()


def test_a_declined_confirmation_receives_nothing_and_the_list_can_be_resumed(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, answers: Answers
) -> None:
    answers.confirm_with = False
    dialog = ExpectedDeliveryDialog(demo_store, demo_manager, sku="PH-X200")
    shown(qtbot, dialog)
    dialog.list_edit.setPlainText("EXP-101\nEXP-102")
    dialog.next_step()
    settle(qtbot)
    dialog.handle_scan("EXP-101")
    settle(qtbot)
    dialog.next_step()
    settle(qtbot)
    assert dialog.confirmed is None
    assert queries.find_units(demo_store, demo_manager, "EXP-101") == []

    # Closed and opened again: the list imported earlier is there to go on with.
    dialog.reject()
    again = ExpectedDeliveryDialog(demo_store, demo_manager)
    shown(qtbot, again)
    assert not again.resume_row.isHidden() and again.open_box.count() == 1
    again.resume()
    assert again.delivery is not None and again.delivery.ticked == 1
    again.handle_scan("EXP-102")
    settle(qtbot)
    answers.confirm_with = True
    again.next_step()
    settle(qtbot)
    assert again.confirmed is not None and again.confirmed.missing == []
    assert unit(demo_store, demo_manager, "EXP-102").status is UnitStatus.IN_STOCK


def test_the_users_page_adds_and_deactivates_a_user(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat, answers: Answers
) -> None:
    page = UsersPage(demo_store, fmt)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    assert page.model.rowCount() == 4

    page.new_name.setText("sam")
    page.new_role.setCurrentIndex(page.new_role.findData(Role.BACK_OFFICE.value))
    page.new_pin.setText("5678")
    page.add()
    settle(qtbot)
    assert actor_by_name(demo_store, "sam").role is Role.BACK_OFFICE
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)

    page.select_user("sam")
    page.deactivate()
    settle(qtbot)
    users = {u.name: u for u in list_all_users(demo_store, demo_manager)}
    assert not users["sam"].active and users["cashier"].active
    assert "sam deactivated" in page.message.message


def test_the_users_page_shows_nothing_to_a_cashier(
    qtbot: QtBot, demo_store: Store, fmt: ShopFormat
) -> None:
    page = UsersPage(demo_store, fmt)
    shown(qtbot, page)
    page.set_actor(actor_by_name(demo_store, "cashier"))
    settle(qtbot)
    assert page.model.rowCount() == 0 and not page.add_button.isEnabled()
    assert page.note.isVisible()


def test_shop_settings_are_saved_to_the_file(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    config = tmp_path / "serialpos.toml"
    page = ShopPage(demo_store, config_file=config)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    assert page.name_edit.text() == ShopSettings().name
    page.name_edit.setText("Gadget Corner")
    page.address_edit.setPlainText("2 Mill Lane\nShelbyville")
    page.currency_edit.setText("eur")
    page.tax_box.setChecked(False)
    page.discount_spin.setValue(15)
    page.location_box.setCurrentIndex(page.location_box.findData("Front store"))
    page.footer_edit.setPlainText("Thank you!")
    page.reasons_edit.setPlainText("damaged\nlost in transit")
    page.checklist_edit.setPlainText("cracked screen\nno charger")
    with qtbot.waitSignal(page.saved, timeout=20_000):
        page.save()
    settle(qtbot)

    shop = load_settings(config).shop
    assert (shop.name, shop.address_lines, shop.currency) == (
        "Gadget Corner",
        ("2 Mill Lane", "Shelbyville"),
        "EUR",
    )
    assert (shop.prices_include_tax, shop.manager_discount_percent) == (False, 15)
    assert (shop.till_location, shop.receipt_footer) == ("Front store", ("Thank you!",))
    assert shop.write_off_reasons == ("damaged", "lost in transit")
    assert shop.ticket_checklist == ("cracked screen", "no charger")


def test_a_cashier_cannot_save_shop_settings(
    qtbot: QtBot, demo_store: Store, tmp_path: Path
) -> None:
    config = tmp_path / "serialpos.toml"
    page = ShopPage(demo_store, config_file=config)
    shown(qtbot, page)
    page.set_actor(actor_by_name(demo_store, "cashier"))
    settle(qtbot)
    page.save()
    settle(qtbot)
    assert not config.exists() and "Not saved" in page.message.message


def test_a_wrong_till_location_is_said_at_log_in(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    window = MainWindow(demo_store, replace(ShopSettings(), till_location="Warehouse"))
    qtbot.addWidget(window)
    window.log_in(demo_manager)
    settle(qtbot)
    banner = window.till_banner
    assert not banner.isHidden() and "Warehouse" in banner.text()
    assert "Front store" in banner.text()  # the fix names the choices
    window.lock()
    assert banner.isHidden() or not banner.isVisible()
