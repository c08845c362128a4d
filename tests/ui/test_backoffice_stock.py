"""The stock manager's back office driven as a person would: a serialized product made,
three selected units transferred, a count with a missing, an unexpected and a double
scan applied, a recall by range that lists the buyers. Each checks the store after."""

from __future__ import annotations

from pathlib import Path

import pytest
from backoffice_support import Answers, answer_questions, shown, unit
from pos_shop import SHOP, cart_lines, open_stock
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot
from settle import settle

from app.customers.services import add_customer
from app.db.uow import Store
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, complete_sale
from app.stock.count_records import ScanVerdict
from app.stock.item_list import item_page
from app.stock.models import UnitStatus
from app.ui.formatting import ShopFormat
from app.ui.pos.till import till_of
from app.ui.stock.counts_page import CountsPage
from app.ui.stock.products_page import ProductsPage
from app.ui.stock.recall_page import RecallPage
from app.ui.stock.unit_moves import TransferDialog
from app.users.roles import Actor


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return answer_questions(monkeypatch)


def test_creating_a_serialized_product_saves_every_field(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    page = ProductsPage(demo_store, fmt)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    assert page.model.rowCount() == 6  # the demo items

    page.new_product()
    dialog = page.dialog
    assert dialog is not None
    dialog.sku_edit.setText("TAB-S9")
    dialog.name_edit.setText("Tablet S9 256 GB")
    dialog.price_edit.setText("649.00")
    dialog.cost_edit.setText("480.50")
    dialog.barcode_edit.setText("0712345678911")
    dialog.tax_edit.setText("20")
    dialog.warranty_spin.setValue(730)
    dialog.serialized_box.setChecked(True)
    dialog.prefix_edit.setText("TS")
    dialog.digits_spin.setValue(5)
    dialog.next_spin.setValue(100)
    dialog.imei_box.setChecked(True)
    dialog.save()
    settle(qtbot)

    assert page.dialog is None, dialog.message.message  # accepted and closed
    found = item_page(demo_store, demo_manager, search="TAB-S9").rows
    assert len(found) == 1
    item, imei = found[0].item, found[0].imei
    assert (item.name, item.price, item.cost, item.barcode) == (
        "Tablet S9 256 GB",
        64900,
        48050,
        "0712345678911",
    )
    assert (item.tax_rate_bp, item.warranty_days, item.serialized) == (2000, 730, True)
    assert (item.serial_prefix, item.serial_digits, item.serial_random) == ("TS", 5, False)
    assert item.serial_next == 100 and imei
    qtbot.waitUntil(lambda: page.model.row_of("TAB-S9") >= 0)  # the list followed the change


def test_search_pages_the_product_list(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat
) -> None:
    page = ProductsPage(demo_store, fmt)
    page.model.page_size = 2
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    # Pages of two: the table asks for more while it has room, page by page.
    qtbot.waitUntil(lambda: page.model.rowCount() == 6 and not page.model.has_more)
    page.search_edit.setText("x200")
    page._search_now()
    settle(qtbot)
    skus = [page.model.row_at(r).item.sku for r in range(page.model.rowCount())]  # type: ignore[union-attr]
    assert skus == ["PH-X200", "SCR-PH1"]


def test_three_selected_units_are_transferred_together(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    view = open_stock(qtbot, demo_store, demo_manager)
    page = view.units_page
    table, model = page.table, page.model
    chosen = [model.unit(row) for row in (0, 1, 2)]
    assert all(u.location == "Front store" for u in chosen)
    selection = table.selectionModel()
    for row in (0, 1, 2):
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.select(model.index(row, 0), flags)
    assert [u.serial for u in view.selected_units()] == [u.serial for u in chosen]

    view.open_transfer()
    dialog = view.unit_dialog
    assert isinstance(dialog, TransferDialog)
    settle(qtbot)  # the locations come from a worker
    dialog.location_box.setCurrentIndex(dialog.location_box.findData("Back room"))
    dialog.go()
    settle(qtbot)

    assert view.unit_dialog is None, dialog.message.message
    for moved in chosen:
        assert unit(demo_store, demo_manager, moved.serial).location == "Back room"
    assert "3 units moved to Back room" in page.done_line.message


def test_a_count_with_missing_unexpected_and_double_scans_is_applied(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, answers: Answers, tmp_path: Path
) -> None:
    page = CountsPage(demo_store)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    page.location_box.setCurrentIndex(page.location_box.findData("Back room"))
    page.start()
    settle(qtbot)
    dialog = page.dialog
    assert dialog is not None and dialog.tally.expected == 5  # SN0098...SN0102

    for code in ("SN0098", "SN0099", "SN0100", "SN0098", "SN0101", "PX000001"):
        dialog.handle_scan(code)  # as the window routes a scanner's codes
    settle(qtbot)
    tally = dialog.tally
    assert (tally.counted, tally.missing, tally.unexpected) == (5, 1, 1)  # counted: every unit once
    texts = [dialog.scanning.scans.item(n).text() for n in range(dialog.scanning.scans.count())]
    assert any("SN0098" in t and "counted once" in t for t in texts)
    assert dialog.scanning.scans.item(0).data(256) == ScanVerdict.OTHER_LOCATION.value
    assert dialog.figures["missing"].text() == "1"

    dialog.finish()
    settle(qtbot)
    assert dialog.variance is not None
    assert "SN0102" in dialog.variance_view.toPlainText()
    dialog.export_variance(tmp_path / "variance.csv")
    settle(qtbot)
    lines = (tmp_path / "variance.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "group,sku,serial,status,location,state" and len(lines) == 3
    assert lines[1].startswith("missing,") and "SN0102" in lines[1]
    assert lines[2].startswith("moved_here,") and "PX000001" in lines[2]
    dialog.ask_apply()
    settle(qtbot)

    assert dialog.applied is not None and len(answers.confirmed) == 1
    assert unit(demo_store, demo_manager, "SN0102").status is UnitStatus.ADJUSTED_OUT
    assert unit(demo_store, demo_manager, "PX000001").location == "Back room"
    assert unit(demo_store, demo_manager, "SN0098").status is UnitStatus.IN_STOCK


def test_a_count_is_saved_and_resumed(qtbot: QtBot, demo_store: Store, demo_manager: Actor) -> None:
    page = CountsPage(demo_store)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    page.location_box.setCurrentIndex(page.location_box.findData("Back room"))
    page.start()
    settle(qtbot)
    assert page.dialog is not None
    page.dialog.handle_scan("SN0099")
    settle(qtbot)
    page.dialog.handle_scan("NOPE-1")
    settle(qtbot)
    page.dialog.reject()
    settle(qtbot)
    assert page.model.rowCount() == 1
    page.table.selectRow(0)
    page.resume_selected()
    settle(qtbot)
    assert page.dialog is not None
    assert (page.dialog.tally.counted, page.dialog.tally.unexpected) == (2, 1)
    # The scans made before are listed again, newest first, in their verdicts' words.
    scans = page.dialog.scanning.scans
    listed = [scans.item(i).text() for i in range(scans.count())]
    assert listed == ["NOPE-1 unknown serial, to be received", "SN0099 in stock here"]


def _sell_to(store: Store, actor: Actor, serial: str, name: str, phone: str) -> str:
    customer = add_customer(store, actor, name=name, phone=phone, email=f"{phone}@example.com")
    lines = tuple(cart_lines(store, actor, serial))
    tender = (TenderInput(TenderKind.CASH, sum(ln.unit_price for ln in lines)),)
    checkout = Checkout(lines, tender, customer_id=customer.id)
    return complete_sale(store, actor, till_of(SHOP), checkout).number


def test_a_recall_by_range_lists_the_buyers_and_exports(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, fmt: ShopFormat, tmp_path: Path
) -> None:
    first = _sell_to(demo_store, demo_manager, "PX000002", "Jane Doe", "555-0101")
    _sell_to(demo_store, demo_manager, "PX000003", "Omar Ali", "555-0102")
    page = RecallPage(demo_store, fmt)
    shown(qtbot, page)
    page.set_actor(demo_manager)
    settle(qtbot)
    page.item_box.setCurrentIndex(page.item_box.findData("PH-X200"))
    page.range_edit.setText("PX000001...PX000004")
    page.look_up()
    settle(qtbot)

    rows = {r.serial: r for r in page.rows}
    assert sorted(rows) == ["PX000001", "PX000002", "PX000003", "PX000004"]
    assert (rows["PX000002"].customer, rows["PX000002"].phone) == ("Jane Doe", "555-0101")
    assert rows["PX000002"].receipt == first
    assert rows["PX000003"].customer == "Omar Ali"
    assert rows["PX000001"].location == "Front store"
    assert "2 with a customer" in page.count_label.text()

    page.export_csv(tmp_path / "recall.csv")
    settle(qtbot)
    csv_text = (tmp_path / "recall.csv").read_text(encoding="utf-8")
    assert "Jane Doe" in csv_text and "555-0102" in csv_text
    page.print_list(tmp_path / "recall.pdf")
    assert (tmp_path / "recall.pdf").read_bytes().startswith(b"%PDF")
