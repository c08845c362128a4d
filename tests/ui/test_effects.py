"""After-commit effects: a committed sale or refund prints through the queue, for the
window and the command line alike; cash opens the drawer; no printer is said once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.config import Settings
from app.db.uow import Store
from app.devices.print_jobs import JobState
from app.devices.print_queue import PrintQueue
from app.effects.handlers import NO_PRINTER, Effects
from app.effects.printers import Purpose, choose_printer, shop_printers
from app.errors import NotFound, UserError
from app.pos.checkout import Till
from app.pos.day import business_day, end_of_day
from app.pos.events import SaleCompleted
from app.pos.refunds import RefundLineRequest, RefundRequest, refund_sale
from app.pos.sales import get_sale
from app.users.roles import Actor
from tests.support.escpos_decode import Barcode, DrawerKick, Text, decode
from tests.ui.device_support import quick_queue
from tests.ui.pos_shop import cart_lines, sell_lines, sell_through_service
from tests.unit.devices.fake_printer_server import FakePrinter


def _printer(name: str, port: int) -> dict[str, object]:
    return {"name": name, "backend": "network", "host": "127.0.0.1", "port": port,
            "timeout_s": 1.0}  # fmt: skip


def _settings(port: int) -> Settings:
    return Settings(printers=(_printer("Till printer", port),), receipt_printer="Till printer")


class SaidEffects(Effects):
    """Effects that keep what they could not print, for the test to read."""

    def __init__(self, settings: Settings, queue: PrintQueue) -> None:
        self.said: list[str] = []
        super().__init__(settings, queue, problem=self.said.append)


@contextmanager
def printing(settings: Settings, tmp_path: Path) -> Iterator[tuple[PrintQueue, SaidEffects]]:
    queue = quick_queue(tmp_path)
    queue.set_printers(shop_printers(settings))
    queue.start()
    try:
        yield queue, SaidEffects(settings, queue)
    finally:
        queue.stop()


def test_a_committed_cash_sale_prints_its_receipt_after_opening_the_drawer(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    with FakePrinter() as printer, printing(_settings(printer.port), tmp_path) as (queue, fx):
        demo_store.listen(fx)
        sale = sell_through_service(demo_store, demo_manager, "PX000001")
        (job_id,) = fx.submitted
        (job,) = printer.wait_for_jobs(1)
        assert queue.wait(job_id, 5).state is JobState.DONE  # type: ignore[union-attr]
    events = decode(job)
    kick = next(i for i, e in enumerate(events) if isinstance(e, DrawerKick))
    first_text = next(i for i, e in enumerate(events) if isinstance(e, Text))
    assert kick < first_text  # the drawer opens as the receipt starts
    text = " ".join(e.text for e in events if isinstance(e, Text))
    assert "PX000001" in text and sale.number in text
    assert [e.text for e in events if isinstance(e, Barcode)] == [sale.number]


def test_a_refused_sale_prints_nothing(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    stale = cart_lines(demo_store, demo_manager, "PX000001")  # scanned, then sold elsewhere
    sell_through_service(demo_store, demo_manager, "PX000001")
    with printing(_settings(1), tmp_path) as (_queue, fx):
        demo_store.listen(fx)
        with pytest.raises(UserError, match="was sold"):
            sell_lines(demo_store, demo_manager, stale)
        assert fx.submitted == []


def test_a_reprint_does_not_open_the_drawer(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    sale = sell_through_service(demo_store, demo_manager, "PX000002")
    with FakePrinter() as printer, printing(_settings(printer.port), tmp_path) as (_q, fx):
        fx.print_sale(sale, reprint=True)
        (job,) = printer.wait_for_jobs(1)
    events = decode(job)
    assert not any(isinstance(e, DrawerKick) for e in events)
    assert any("REPRINT" in e.text for e in events if isinstance(e, Text))


def test_refund_slip_of_a_cash_sale_opens_the_drawer(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    sale = sell_through_service(demo_store, demo_manager, "PX000002")
    till = Till("TILL-1", "Front store")
    request = RefundRequest(
        sale.number, (RefundLineRequest(sale.lines[0].id, 1),), "faulty", "defective"
    )
    with FakePrinter() as printer, printing(_settings(printer.port), tmp_path) as (_q, fx):
        demo_store.listen(fx)
        refund = refund_sale(demo_store, demo_manager, till, request, approver=None)
        (job,) = printer.wait_for_jobs(1)
    events = decode(job)
    assert any(isinstance(e, DrawerKick) for e in events)
    assert [e.text for e in events if isinstance(e, Barcode)] == [refund.number]


def test_no_printer_is_said_once_and_the_sale_stands(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    with printing(Settings(), tmp_path) as (_queue, fx):
        demo_store.listen(fx)
        first = sell_through_service(demo_store, demo_manager, "PX000003")
        sell_through_service(demo_store, demo_manager, "PX000004")
        assert fx.said == [NO_PRINTER]
        assert fx.submitted == []
    assert get_sale(demo_store, demo_manager, first.number).number == first.number


def test_a_failing_effect_never_undoes_the_sale(demo_store: Store, demo_manager: Actor) -> None:
    def broken(_events: object) -> None:
        raise RuntimeError("printer driver bug")

    demo_store.listen(broken)
    sale = sell_through_service(demo_store, demo_manager, "PX000005")
    assert get_sale(demo_store, demo_manager, sale.number).total == sale.total


def test_end_of_day_prints_on_the_receipt_printer(
    demo_store: Store, demo_manager: Actor, tmp_path: Path
) -> None:
    sell_through_service(demo_store, demo_manager, "PX000004")
    report = end_of_day(demo_store, demo_manager, "TILL-1", business_day())
    with FakePrinter() as printer, printing(_settings(printer.port), tmp_path) as (_q, fx):
        fx.print_day_report(report)
        (job,) = printer.wait_for_jobs(1)
    text = [e.text for e in decode(job) if isinstance(e, Text)]
    assert any("END OF DAY" in t for t in text)
    assert any(t.startswith("Sales") and t.rstrip().endswith("1") for t in text)


def test_the_printer_is_chosen_by_one_rule() -> None:
    two = Settings(printers=(_printer("Front", 9100), _printer("Labels", 9101)))
    assert choose_printer(two, Purpose.RECEIPT).name == "Front"  # type: ignore[union-attr]
    named = Settings(printers=two.printers, receipt_printer="labels", label_printer="Front")
    assert choose_printer(named, Purpose.RECEIPT).name == "Labels"  # type: ignore[union-attr]
    assert choose_printer(named, Purpose.LABELS).name == "Front"  # type: ignore[union-attr]
    assert choose_printer(two, Purpose.LABELS, name="labels").name == "Labels"  # type: ignore[union-attr]
    assert choose_printer(Settings(), Purpose.RECEIPT) is None
    with pytest.raises(NotFound, match="no printer named 'Back'"):
        choose_printer(two, Purpose.LABELS, name="Back")


def test_sale_completed_names_what_changed() -> None:
    from app.events import Change, changes_of

    assert changes_of([SaleCompleted.__new__(SaleCompleted)]) == {Change.SALES, Change.UNITS}
