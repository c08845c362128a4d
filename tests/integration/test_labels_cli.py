"""`serialpos labels`: files whose every barcode scans back, and printing through the queue."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.integration.test_cli import Shop, shop_with_its_settings
from tests.support.escpos_decode import Barcode, decode
from tests.unit.devices.fake_printer_server import FakePrinter

SERIALS = ["SN0098", "SN0099", "SN0100", "sn-0007", "00123"]


@pytest.fixture
def shop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Shop:
    s = shop_with_its_settings(tmp_path, capsys, monkeypatch, "labels.sqlite3")
    s("location", "add", "Front")
    s(
        "item",
        "add",
        "PH1",
        "Phone One",
        "--price",
        "499",
        "--serialized",
        "--barcode",
        "09506000134352",
    )
    code, out, err = s(
        "receive", "PH1", "--location", "Front", "--serials", ",".join(SERIALS), "--json"
    )
    assert code == 0, err
    s.batch = json.loads(out)["batch_id"]  # type: ignore[attr-defined]
    return s


def scanned(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return sorted(r.text for r in found)


def test_png_strip_of_a_received_batch_scans_back(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "batch.png"
    code, _, err = shop("labels", "PH1", "--received-batch", str(shop.batch), "--out", str(out))  # type: ignore[attr-defined]
    assert code == 0, err
    assert scanned(out.read_bytes()) == sorted(SERIALS)


def test_gs1_labels_carry_gtin_and_serial(shop: Shop, tmp_path: Path) -> None:
    out = tmp_path / "gs1.png"
    # GTIN + serial need 54 mm of bars at two dots a bar: more than a 50 mm label has.
    args = ("labels", "PH1", "--serials", "SN0100", "--gs1", "--size", "80mm")
    assert shop(*args, "--out", str(out))[0] == 0
    assert scanned(out.read_bytes()) == ["010950600013435221SN0100"]


@pytest.mark.parametrize("suffix", [".pdf", ".zpl", ".bin"])
def test_other_formats_are_written(shop: Shop, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"all{suffix}"
    assert shop("labels", "PH1", "--all-in-stock", "--out", str(out))[0] == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF") if suffix == ".pdf" else len(data) > 100
    if suffix == ".bin":
        assert sorted(e.text for e in decode(data) if isinstance(e, Barcode)) == sorted(SERIALS)


def test_bad_requests_change_nothing(shop: Shop, tmp_path: Path) -> None:
    shop.refused(
        "labels",
        "PH1",
        "--serials",
        "NOPE",
        "--out",
        str(tmp_path / "x.png"),
        match="no unit with serial NOPE",
    )
    shop.refused(
        "labels", "PH1", "--all-in-stock", "--out", str(tmp_path / "x.txt"), match="must end in"
    )
    shop.refused(
        "labels", "PH1", "--all-in-stock", "--printer", "Zebra", match="no printer named 'Zebra'"
    )
    assert not (tmp_path / "x.png").exists()


def _network_printer(settings: Path, port: int) -> None:
    settings.write_text(
        f'[[printers]]\nname = "Labels"\nbackend = "network"\nhost = "127.0.0.1"\nport = {port}\n'
        "timeout_s = 1.0\n",
        encoding="utf-8",
    )


def test_labels_go_to_a_network_printer(shop: Shop, tmp_path: Path) -> None:
    with FakePrinter() as printer:
        _network_printer(tmp_path / "settings.toml", printer.port)
        code, out, err = shop("labels", "PH1", "--all-in-stock", "--printer", "labels")
        assert code == 0, err
        assert "5 labels PH1 to Labels: done" in out
        (job,) = printer.wait_for_jobs(1)
    assert sorted(e.text for e in decode(job) if isinstance(e, Barcode)) == sorted(SERIALS)


def test_an_offline_printer_keeps_the_job_for_later(shop: Shop, tmp_path: Path) -> None:
    with FakePrinter() as printer:
        printer.mode = "refuse"
        _network_printer(tmp_path / "settings.toml", printer.port)
        code, out, _ = shop("labels", "PH1", "--serials", "SN0100", "--printer", "Labels")
        assert code == 0 and "retrying" in out  # the command ends; the job is kept
        spooled = list((tmp_path / "data" / "print-spool").iterdir())
        assert spooled, "the job must survive in the spool"
        printer.mode = "record"
        from app.config import load_settings
        from app.effects.printers import open_queue

        queue = open_queue(load_settings())  # the next queue (the app's) prints it
        try:
            (job,) = printer.wait_for_jobs(1, timeout_s=10)
        finally:
            queue.stop()
    assert [e.text for e in decode(job) if isinstance(e, Barcode)] == ["SN0100"]
