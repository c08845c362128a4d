"""`serialpos sell/refund/receipt/end-of-day --print` print through the queue like the till:
the same effects, the drawer kicked for cash (never for a reprint), tested on a fake network
printer on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import Shop, shop_with_its_settings
from tests.support.escpos_decode import Barcode, DrawerKick, Text, decode
from tests.unit.devices.fake_printer_server import FakePrinter


@pytest.fixture
def shop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Shop:
    s = shop_with_its_settings(tmp_path, capsys, monkeypatch, "till.sqlite3")
    for args in (
        ("location", "add", "Front store"),
        ("item", "add", "PH1", "Phone One", "--price", "499", "--serialized"),
        ("receive", "PH1", "--location", "Front store", "--serials", "SN1,SN2"),
    ):
        code, _, err = s(*args)
        assert code == 0, err
    return s


def _till_printer(settings: Path, port: int) -> None:
    settings.write_text(
        'receipt_printer = "Till"\n[[printers]]\nname = "Till"\nbackend = "network"\n'
        f'host = "127.0.0.1"\nport = {port}\ntimeout_s = 2.0\n',
        encoding="utf-8",
    )


def _texts(job: bytes) -> str:
    return " ".join(e.text for e in decode(job) if isinstance(e, Text))


def test_a_cash_sale_with_print_queues_its_receipt_after_the_drawer_kick(
    shop: Shop, tmp_path: Path
) -> None:
    with FakePrinter() as printer:
        _till_printer(tmp_path / "settings.toml", printer.port)
        code, out, err = shop("sell", "SN1", "--pay", "cash", "--print")
        assert code == 0, err
        number = out.splitlines()[0]
        (job,) = printer.wait_for_jobs(1)
    assert f"Receipt {number} to Till: done" in out
    events = decode(job)
    assert isinstance(next(e for e in events if isinstance(e, DrawerKick | Text)), DrawerKick)
    assert "SN1" in _texts(job)
    assert [e.text for e in events if isinstance(e, Barcode)] == [number]


def test_without_print_nothing_is_queued(shop: Shop, tmp_path: Path) -> None:
    with FakePrinter() as printer:
        _till_printer(tmp_path / "settings.toml", printer.port)
        code, out, err = shop("sell", "SN1", "--pay", "card:AUTH1")
        assert code == 0, err
        assert printer.jobs == [] and "to Till" not in out
    assert not (tmp_path / "data" / "print-spool").exists() or not any(
        p.suffix == ".bin" for p in (tmp_path / "data" / "print-spool").iterdir()
    )


def test_refund_reprint_and_end_of_day_print_too(shop: Shop, tmp_path: Path) -> None:
    with FakePrinter() as printer:
        _till_printer(tmp_path / "settings.toml", printer.port)
        code, out, err = shop("sell", "SN1", "--pay", "card:AUTH1")
        assert code == 0, err
        number = out.splitlines()[0]
        code, out, err = shop("receipt", number, "--print")
        assert code == 0, err
        code, out, err = shop(
            "refund", number, "SN1", "--reason", "faulty", "--restock", "defective", "--print"
        )
        assert code == 0, err
        code, out, err = shop("end-of-day", "--print")
        assert code == 0, err
        reprint, slip, report = printer.wait_for_jobs(3)
    assert not any(isinstance(e, DrawerKick) for e in decode(reprint))  # a card sale, a reprint
    assert "REPRINT" in _texts(reprint)
    assert "REFUND" in _texts(slip)
    assert "END OF DAY" in _texts(report)


def test_no_printer_set_up_says_so_and_the_sale_stands(shop: Shop) -> None:
    code, out, err = shop("sell", "SN2", "--pay", "cash", "--print")
    assert code == 0, err
    assert "no printer is set up" in out
    assert shop.json("serials", "--status", "sold")[0]["serial"] == "SN2"
