"""`serialpos ticket ...` and `serialpos sell T-...`: what scripts rely on; bad input is
one line on stderr, exit 2, and every table unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.integration.test_cli import Shop, shop_with_its_settings


@pytest.fixture
def desk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Shop:
    s = shop_with_its_settings(tmp_path, capsys, monkeypatch, "cli.sqlite3")
    assert s("user", "add", "tech", "--role", "service", new_pin="2468")[0] == 0
    for args in (
        ("location", "add", "Front store"),
        ("item", "add", "PH1", "Phone One", "--price", "499.00", "--serialized",
         "--warranty-days", "365"),
        ("item", "add", "SCR", "Screen", "--price", "50.00", "--serialized"),
        ("item", "add", "GLUE", "Glue", "--price", "2.00"),
        ("receive", "PH1", "--location", "Front store", "--serials", "P1,P2"),
        ("receive", "SCR", "--location", "Front store", "--serials", "S1,S2"),
        ("receive", "GLUE", "--location", "Front store", "--qty", "5"),
        ("sell", "P1", "--pay", "cash", "--customer", "Jane Doe"),
    ):  # fmt: skip
        code, _, err = s(*args)
        assert code == 0, (args, err)
    return s


def open_ticket(desk: Shop, *extra: str) -> str:
    code, out, err = desk("ticket", "open", "--customer", "Jane Doe", "--serial", "P1",
                          "--problem", "screen dead", *extra)  # fmt: skip
    assert code == 0, err
    return out.splitlines()[0]


def test_ticket_open_prints_the_number_alone_on_its_first_line(desk: Shop) -> None:
    assert open_ticket(desk, "--estimate", "45.00", "--technician", "tech") == "T-000001"
    (shown,) = [desk.json("ticket", "show", "T-000001")]
    assert shown["customer"] == "Jane Doe" and shown["estimate"] == "45.00"  # type: ignore[index]
    assert shown["under_warranty"] is True and shown["technician"] == "tech"  # type: ignore[index]
    assert "passcode" not in json.dumps(shown).replace("has_passcode", "")


def test_a_foreign_device_by_model_and_serial(desk: Shop) -> None:
    code, out, err = desk("ticket", "open", "--customer", "Bob", "--device", "Pixel 7",
                          "--serial", "GX-1", "--problem", "battery")  # fmt: skip
    assert code == 0, err
    rows = desk.json("ticket", "list")
    assert [(r["number"], r["device"], r["customer"]) for r in rows] == [
        (out.splitlines()[0], "Pixel 7", "Bob")
    ]


def test_the_passcode_comes_from_the_environment_never_an_argument(
    desk: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERIALPOS_TICKET_PASSCODE", "7788")
    t = open_ticket(desk, "--passcode")
    assert desk.json("ticket", "show", t)["has_passcode"] is True  # type: ignore[call-overload]
    desk.refused("ticket", "open", "--customer", "Jane Doe", "--serial", "P1", "--problem", "x",
                 "--passcode", "7788", match="unrecognized arguments")  # fmt: skip


def test_a_paid_repair_from_intake_to_the_till(desk: Shop) -> None:
    t = open_ticket(desk, "--serial", "P2")  # P2 is ours in stock: not under warranty
    for args in (
        ("ticket", "status", t, "diagnosing", "--note", "screen"),
        ("ticket", "status", t, "awaiting_approval"),
        ("ticket", "note", t, "customer said yes", "--for-customer"),
        ("ticket", "status", t, "in_repair"),
        ("ticket", "part", t, "S1"),
        ("ticket", "part", t, "GLUE", "--qty", "2"),
        ("ticket", "labour", t, "fit screen", "--price", "20.00"),
        ("ticket", "status", t, "ready"),
    ):
        code, _, err = desk(*args)
        assert code == 0, (args, err)
    assert desk.json("ticket", "show", t)["total"] == "74.00"  # type: ignore[call-overload]
    code, out, err = desk("sell", t, "--pay", "cash:80")
    assert code == 0, err
    assert out.splitlines()[0].startswith("R-") and "Change" in out
    shown = desk.json("ticket", "show", t)
    assert shown["status"] == "collected" and shown["sale_number"] == out.splitlines()[0]  # type: ignore[call-overload]
    desk.refused("sell", t, "--pay", "cash", match="only a ready ticket can be collected")
    desk.refused("sell", "S1", "--pay", "cash", match="S1 was used as a part")
    history = desk.json("history", "S1")
    assert (history[-1]["kind"], history[-1]["document"]) == ("use", t)


def test_a_warranty_repair_is_collected_at_zero_charge_and_shows_in_history(desk: Shop) -> None:
    t = open_ticket(desk)
    for args in (("ticket", "status", t, "diagnosing"), ("ticket", "part", t, "S2"),
                 ("ticket", "status", t, "ready")):  # fmt: skip
        assert desk(*args)[0] == 0
    code, _, err = desk("sell", t, "--pay", "cash")
    assert code == 0, err
    assert desk.json("ticket", "show", t)["status"] == "collected"  # type: ignore[call-overload]
    history = desk.json("history", "P1")
    assert [h["kind"] for h in history] == ["receive", "sale", "ticket_in", "ticket_out"]
    assert history[2]["reason"] == "in for repair: screen dead"
    assert history[3]["reason"] == "parts: Screen S/N S2"  # what was fitted to it


def test_vendor_replace_and_list_filters(desk: Shop) -> None:
    t = open_ticket(desk)
    assert desk("ticket", "vendor", t, "--rma", "RMA-9")[0] == 0
    assert desk("ticket", "vendor", t, "--back")[0] == 0
    code, out, err = desk("ticket", "replace", t, "--serial", "P2")
    assert code == 0 and "P1 replaced by P2" in out, err
    assert [r["number"] for r in desk.json("ticket", "list", "--status", "new")] == [t]
    assert desk.json("ticket", "list", "--overdue") == []


def test_bad_ticket_input_is_one_line_and_changes_nothing(desk: Shop) -> None:
    t = open_ticket(desk)
    desk.refused("ticket", "status", t, "ready", match=f"{t} is new: it cannot go to ready")
    desk.refused("ticket", "status", t, "fixed", match="unknown ticket status 'fixed'")
    desk.refused("ticket", "status", "T-999999", "diagnosing", match="no ticket T-999999")
    desk.refused("ticket", "status", "12", "diagnosing", match="is not a ticket number")
    desk.refused("ticket", "part", t, "P1", match="P1 is sold to Jane Doe: cannot use it")
    desk.refused("ticket", "part", t, "GLUE", "--qty", "9", match="only 5 in stock")
    desk.refused("ticket", "labour", t, "x", "--price", "-1", match="cannot be negative")
    desk.refused("ticket", "open", "--customer", "Jane Doe", "--serial", "NOPE", "--problem", "x",
                 match="give the device's make and model")  # fmt: skip
    desk.refused("ticket", "open", "--customer", "Jane Doe", "--serial", "P1", "--problem", "x",
                 "--promised", "soon", match="is not a date")  # fmt: skip
    desk.refused("ticket", "open", "--customer", "Jane Doe", "--serial", "P1", "--problem", "x",
                 "--technician", "nobody", match="no user named")  # fmt: skip
    desk.refused("ticket", "replace", t, "--serial", "S1", match="no unit 'S1'")
    desk.refused("ticket", "vendor", t, "--back", match="is not at the vendor")
    desk.refused("ticket", "collect", t, match="only a ready ticket")


def test_ticket_tag_writes_a_png_and_escpos_that_scan(desk: Shop, tmp_path: Path) -> None:
    t = open_ticket(desk)
    for name, extra in (("tag.png", ()), ("slip.png", ("--slip",))):
        code, _, err = desk("ticket", "tag", t, "--out", str(tmp_path / name), *extra)
        assert code == 0, err
        found = zxingcpp.read_barcodes(
            Image.open(tmp_path / name), text_mode=zxingcpp.TextMode.Plain
        )
        assert [b.text for b in found] == [t]
    assert desk("ticket", "tag", t, "--out", str(tmp_path / "tag.bin"))[0] == 0
    assert t.encode() in (tmp_path / "tag.bin").read_bytes()
