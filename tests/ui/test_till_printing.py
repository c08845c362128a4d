"""Receipts go to the receipt printer through the queue after the sale; cash opens the drawer."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.config import Settings
from app.db.uow import Store
from app.devices.print_queue import JobState
from app.pos.checkout import Till
from app.pos.day import business_day, end_of_day
from app.pos.refunds import RefundLineRequest, RefundRequest, refund_sale
from app.ui.till_printing import TillPrinting
from app.users.roles import Actor
from tests.support.escpos_decode import Barcode, DrawerKick, Text, decode
from tests.ui.device_support import running_devices, use_tmp_config
from tests.ui.pos_shop import sell_through_service
from tests.unit.devices.fake_printer_server import FakePrinter


def _settings(port: int) -> Settings:
    table = {
        "name": "Till printer",
        "backend": "network",
        "host": "127.0.0.1",
        "port": port,
        "timeout_s": 1.0,
    }
    return Settings(printers=(table,), receipt_printer="Till printer")


def test_cash_sale_prints_receipt_after_opening_the_drawer(
    qtbot: QtBot,
    demo_store: Store,
    demo_manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_tmp_config(monkeypatch, tmp_path)
    sale = sell_through_service(demo_store, demo_manager, "PX000001")
    with FakePrinter() as printer, running_devices(_settings(printer.port), tmp_path) as devices:
        printing = TillPrinting(devices, _settings(printer.port))
        job_id = printing.print_sale(sale)
        assert job_id is not None
        (job,) = printer.wait_for_jobs(1)
        assert devices.queue.wait(job_id, 5).state is JobState.DONE  # type: ignore[union-attr]
    events = decode(job)
    kick = next(i for i, e in enumerate(events) if isinstance(e, DrawerKick))
    first_text = next(i for i, e in enumerate(events) if isinstance(e, Text))
    assert kick < first_text  # the drawer opens as the receipt starts
    text = " ".join(e.text for e in events if isinstance(e, Text))
    assert "PX000001" in text and sale.number in text
    assert [e.text for e in events if isinstance(e, Barcode)] == [sale.number]


def test_refund_slip_of_a_cash_sale_opens_the_drawer(
    qtbot: QtBot,
    demo_store: Store,
    demo_manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_tmp_config(monkeypatch, tmp_path)
    sale = sell_through_service(demo_store, demo_manager, "PX000002")
    till = Till("TILL-1", "Front store")
    request = RefundRequest(
        sale.number, (RefundLineRequest(sale.lines[0].id, 1),), "faulty", "defective", to_cash=False
    )
    refund = refund_sale(demo_store, demo_manager, till, request, approver=None)
    with FakePrinter() as printer, running_devices(_settings(printer.port), tmp_path) as devices:
        TillPrinting(devices, _settings(printer.port)).print_refund(refund)
        (job,) = printer.wait_for_jobs(1)
    events = decode(job)
    assert any(isinstance(e, DrawerKick) for e in events)
    assert [e.text for e in events if isinstance(e, Barcode)] == [refund.number]


def test_no_printer_is_said_once_and_nothing_breaks(
    qtbot: QtBot,
    demo_store: Store,
    demo_manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_tmp_config(monkeypatch, tmp_path)
    sale = sell_through_service(demo_store, demo_manager, "PX000003")
    with running_devices(Settings(), tmp_path) as devices:
        printing = TillPrinting(devices, Settings())
        with qtbot.waitSignal(printing.problem) as said:
            assert printing.print_sale(sale) is None
        assert "no printer is set up" in said.args[0]
        with qtbot.assertNotEmitted(printing.problem):
            assert printing.print_sale(sale) is None


def test_end_of_day_prints_on_the_receipt_printer(
    qtbot: QtBot,
    demo_store: Store,
    demo_manager: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_tmp_config(monkeypatch, tmp_path)
    sell_through_service(demo_store, demo_manager, "PX000004")
    report = end_of_day(demo_store, demo_manager, "TILL-1", business_day())
    with FakePrinter() as printer, running_devices(_settings(printer.port), tmp_path) as devices:
        TillPrinting(devices, _settings(printer.port)).print_day_report(report)
        (job,) = printer.wait_for_jobs(1)
    text = [e.text for e in decode(job) if isinstance(e, Text)]
    assert any("END OF DAY" in t for t in text)
    assert any(t.startswith("Sales") and t.rstrip().endswith("1") for t in text)
