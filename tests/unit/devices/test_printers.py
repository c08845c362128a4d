"""Printer backends: bytes reach the printer, and every failure is a typed, readable error."""

from __future__ import annotations

import logging
import os
import select
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_printer_server import FakePrinter

from app.devices.escpos_printers import clear_dummy_output, dummy_output
from app.devices.network_printer import PrinterStatus, parse_status
from app.devices.printer_errors import (
    PrinterConnectionLost,
    PrinterError,
    PrinterMayHavePrinted,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterTimeout,
    PrinterUnavailable,
)
from app.devices.printers import check_printer, open_printer
from app.devices.settings import PrinterSettings

RECEIPT = b"\x1b@Hello receipt\n" * 20 + b"\x1dV\x00"


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    with FakePrinter() as fake:
        yield fake


def network(fake: FakePrinter, timeout_s: float = 1.0, **extra: object) -> PrinterSettings:
    return PrinterSettings(
        name="Front till",
        backend="network",
        host="127.0.0.1",
        port=fake.port,
        timeout_s=timeout_s,
        **extra,  # type: ignore[arg-type]
    )


def wait_until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def send(settings: PrinterSettings, data: bytes) -> None:
    connection = open_printer(settings)
    try:
        connection.send(data)
    finally:
        connection.close()


def test_network_printer_gets_the_bytes_exactly(printer: FakePrinter) -> None:
    send(network(printer), RECEIPT)
    assert printer.jobs == [RECEIPT]


def test_one_connection_can_send_two_jobs(printer: FakePrinter) -> None:
    connection = open_printer(network(printer))
    connection.send(b"first")
    connection.send(b"second")
    connection.close()
    connection.close()  # twice is harmless
    assert printer.wait_for_jobs(2) == [b"first", b"second"]


def test_refused_port_is_offline_with_a_cashier_message(printer: FakePrinter) -> None:
    printer.mode = "refuse"
    with pytest.raises(PrinterOffline) as caught:
        open_printer(network(printer))
    assert caught.value.retryable
    assert "Front till" in caught.value.message
    assert "\n" not in caught.value.message


def test_printer_that_never_reads_a_big_job_times_out(printer: FakePrinter) -> None:
    printer.mode = "stall"
    started = time.monotonic()
    with pytest.raises(PrinterTimeout) as caught:
        send(network(printer, timeout_s=0.3), b"x" * (16 * 1024 * 1024))
    assert caught.value.retryable
    assert time.monotonic() - started < 3


def test_printer_that_stops_reading_half_way_times_out(printer: FakePrinter) -> None:
    # Fits in our send buffer, not in the printer's window: bytes stay unacknowledged.
    printer.mode = "stall"
    with pytest.raises(PrinterTimeout):
        send(network(printer, timeout_s=0.3), b"x" * (512 * 1024))


def test_printer_that_keeps_the_connection_open_but_took_everything_has_printed(
    printer: FakePrinter,
) -> None:
    # Every byte is acknowledged by the printer's TCP stack, it just never hangs up.
    printer.mode = "stall"
    started = time.monotonic()
    send(network(printer, timeout_s=0.3), RECEIPT)
    assert 0.3 <= time.monotonic() - started < 3


def test_connection_dropped_before_the_job_was_handed_over_is_lost_and_retryable(
    printer: FakePrinter,
) -> None:
    # Bigger than what the kernel buffers for a printer that stops reading: the end of
    # the job was never sent, so it cannot have printed whole and is sent again.
    printer.mode = "drop"
    with pytest.raises(PrinterConnectionLost) as caught:
        # A generous timeout: the reset must be seen however slow the machine is.
        send(network(printer, timeout_s=5.0), b"x" * (8 * 1024 * 1024))
    assert caught.value.retryable and not isinstance(caught.value, PrinterMayHavePrinted)
    assert "lost" in caught.value.message
    assert printer.jobs == []


def test_connection_dropped_after_the_whole_job_was_handed_over_needs_a_person(
    printer: FakePrinter,
) -> None:
    # All of it sits in our send buffer, little of it was acknowledged: whether the
    # printer got the rest before the reset cannot be known, so it is not sent again.
    printer.mode = "drop"
    printer.drop_delay_s = 0.3  # time for our end to hand the whole job to the kernel
    with pytest.raises(PrinterMayHavePrinted) as caught:
        send(network(printer, timeout_s=5.0), b"x" * (1024 * 1024))
    assert not caught.value.retryable
    assert "check whether it printed" in caught.value.message


def test_printer_that_resets_after_taking_the_whole_job_has_printed(
    printer: FakePrinter,
) -> None:
    printer.mode = "reset_after"
    for _ in range(3):
        send(network(printer, timeout_s=2.0), RECEIPT)
    assert printer.jobs == [RECEIPT] * 3


@pytest.mark.slow
def test_slow_printer_still_reading_is_waited_for(printer: FakePrinter) -> None:
    # 200 KB at 100 KB/s takes 2 s, ten times the timeout: progress is not a failure.
    printer.mode = "slow"
    job = bytes(range(256)) * 800
    started = time.monotonic()
    send(network(printer, timeout_s=0.2), job)
    assert time.monotonic() - started >= 1.5
    assert printer.jobs == [job]


def test_printer_that_answers_status_is_asked_before_and_after_the_job(
    printer: FakePrinter,
) -> None:
    send(network(printer), RECEIPT)
    assert printer.jobs == [RECEIPT]  # the queries are not part of the job
    assert printer.queries == 4  # DLE EOT 1 and 4, before and after


def test_offline_printer_is_not_sent_the_job(printer: FakePrinter) -> None:
    printer.mode = "offline"
    with pytest.raises(PrinterError) as caught:
        send(network(printer), RECEIPT)
    assert caught.value.retryable  # nothing was sent: trying later cannot print it twice
    assert printer.buffered == [] and printer.jobs == []


def test_printer_that_stalls_with_the_job_is_not_called_done(printer: FakePrinter) -> None:
    printer.mode = "runs_out"
    with pytest.raises(PrinterMayHavePrinted) as caught:
        send(network(printer), RECEIPT)
    assert "out of paper" in caught.value.message and not caught.value.retryable
    wait_until(lambda: printer.buffered == [RECEIPT])


def test_printer_without_status_prints_as_before(printer: FakePrinter) -> None:
    printer.mode = "mute"
    started = time.monotonic()
    send(network(printer), RECEIPT)
    assert printer.jobs == [RECEIPT]
    assert time.monotonic() - started < 1.5  # one short wait for an answer, not one a query


def test_status_check_can_be_turned_off(printer: FakePrinter) -> None:
    printer.mode = "offline"
    send(network(printer, status_check=False), RECEIPT)
    assert printer.buffered == [RECEIPT] and printer.queries == 0


def test_status_replies_are_parsed_bit_by_bit() -> None:
    assert parse_status(b"\x12\x12") == PrinterStatus(offline=False, paper_out=False)
    assert parse_status(b"\x1a\x72") == PrinterStatus(offline=True, paper_out=True)
    assert parse_status(b"\x12\x1e") == PrinterStatus(offline=False, paper_out=False)  # low
    assert parse_status(b"\x12") is None and parse_status(b"ab") is None


def test_out_of_paper_is_reported_when_the_printer_can_tell(printer: FakePrinter) -> None:
    printer.mode = "paper_out"
    with pytest.raises(PrinterOutOfPaper) as caught:
        send(network(printer, check_paper=True), RECEIPT)
    assert caught.value.retryable and "out of paper" in caught.value.message
    assert printer.jobs == []


def test_paper_check_is_not_part_of_the_job(printer: FakePrinter) -> None:
    send(network(printer, check_paper=True), RECEIPT)
    assert printer.jobs == [RECEIPT]


def test_check_printer_connects_without_printing(printer: FakePrinter) -> None:
    check_printer(network(printer))
    assert printer.wait_for_jobs(0) == []
    printer.mode = "refuse"
    with pytest.raises(PrinterOffline):
        check_printer(network(printer))


def test_dummy_printer_keeps_each_job() -> None:
    clear_dummy_output()
    settings = PrinterSettings(name="Demo", backend="dummy")
    send(settings, b"one")
    send(settings, b"two")
    assert dummy_output("Demo") == [b"one", b"two"]
    check_printer(settings)  # no status to read: fine
    clear_dummy_output()
    assert dummy_output("Demo") == []


def test_file_printer_writes_the_job_to_the_path(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    send(PrinterSettings(name="Labels", backend="file", path=str(target)), RECEIPT)
    assert target.read_bytes() == RECEIPT


def test_file_printer_on_a_missing_device_is_offline(tmp_path: Path) -> None:
    settings = PrinterSettings(name="Labels", backend="file", path=str(tmp_path / "no" / "lp0"))
    with pytest.raises(PrinterOffline):
        open_printer(settings)


def test_serial_printer_writes_to_the_port() -> None:
    master, slave = os.openpty()
    try:
        port = os.ttyname(slave)
        send(PrinterSettings(name="Kitchen", backend="serial", serial_port=port), RECEIPT)
        received = b""
        deadline = time.monotonic() + 3
        while len(received) < len(RECEIPT) and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:  # never block the test for good
                received += os.read(master, 65536)
        assert received == RECEIPT
    finally:
        os.close(master)
        os.close(slave)


def test_serial_printer_on_a_missing_port_is_offline(tmp_path: Path) -> None:
    settings = PrinterSettings(name="Kitchen", backend="serial", serial_port=str(tmp_path / "tty"))
    with pytest.raises(PrinterOffline):
        open_printer(settings)


def test_cups_without_pycups_says_so() -> None:
    pytest.importorskip("escpos.printer")
    try:
        import cups  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - a machine with pycups
        pytest.skip("pycups is installed here")
    with pytest.raises(PrinterUnavailable) as caught:
        open_printer(PrinterSettings(name="Office", backend="cups"))
    assert caught.value.message == "CUPS is not available on this machine."
    assert not caught.value.retryable


def test_usb_printer_that_is_not_there_is_a_printer_error() -> None:
    settings = PrinterSettings(
        name="Labels", backend="usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15
    )
    with pytest.raises(PrinterError) as caught:
        open_printer(settings)
    # Offline if libusb is installed (no such device), Unavailable if it is not.
    assert isinstance(caught.value, PrinterOffline | PrinterUnavailable)
    assert "Labels" in caught.value.message or "USB" in caught.value.message


def test_escpos_chatter_does_not_reach_stdout_or_the_root_logger(
    printer: FakePrinter, capfd: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()  # as in an application that has not configured logging yet
    try:
        send(network(printer), RECEIPT)
        with pytest.raises(PrinterOffline):
            open_printer(PrinterSettings(name="X", backend="file", path="/nonexistent/lp0"))
        added = root.handlers[:]
    finally:
        root.handlers[:] = saved
    assert added == []
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_closed_port_on_loopback_is_really_closed() -> None:
    # Guard for the fixture: "refuse" must mean connection refused, not a hang.
    with FakePrinter() as fake:
        fake.mode = "refuse"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", fake.port), timeout=1).close()
