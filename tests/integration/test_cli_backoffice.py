"""The back-office commands: count, recall, warranty, expected, user; refusals change nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.integration.test_cli import Shop


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "cli.sqlite3", capsys)
    assert s("init", "--manager", "boss", new_pin="4321", user=None)[0] == 0
    for args in (
        ("location", "add", "Front"),
        ("location", "add", "Back"),
        ("item", "add", "PH1", "Phone One", "--price", "499", "--serialized",
         "--warranty-days", "365"),
        ("item", "add", "CAB", "Cable", "--price", "9.99"),
        ("receive", "PH1", "--location", "Front", "--range", "SN0001...SN0005",
         "--supplier", "Acme"),
        ("receive", "PH1", "--location", "Back", "--serials", "B1"),
        ("receive", "CAB", "--location", "Front", "--qty", "10"),
    ):  # fmt: skip
        code, _, err = s(*args)
        assert code == 0, err
    assert s("user", "add", "bo", "--role", "back_office", new_pin="3333")[0] == 0
    return s


def test_count_prints_the_tally_and_applies(shop: Shop) -> None:
    code, out, err = shop("count", "Front", "--serials", "SN0001,SN0002,SN0002,B1,ZZ1")
    assert code == 0, err
    assert "expected           5" in out and "counted            4" in out
    assert "missing            3" in out and "unexpected         2" in out
    assert "scanned twice: SN0002" in err and "unknown, to receive: ZZ1" in out
    code, out, err = shop("count", "Front", "--serials", "SN0003", "--quantity", "CAB=8", "--apply")
    assert code == 0, err
    assert "(applied)" in out
    units = {u["serial"]: u for u in shop.json("serials", "--sku", "PH1")}
    assert units["SN0004"]["status"] == "adjusted_out" and units["B1"]["location"] == "Front"
    assert shop.json("stock", "--sku", "CAB")[0]["qty"] == 8


def test_count_apply_by_back_office_needs_a_manager_pin(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop.refused("--as", "bo", "count", "Back", "--serials", "B1", "--apply",
                 match="needs a manager's approval")  # fmt: skip
    monkeypatch.setenv("BOSS_PIN", "4321")
    code, out, err = shop("count", "Back", "--serials", "ZZ", "--apply",
                          "--approve-pin-env", "BOSS_PIN", user="bo")  # fmt: skip
    assert code == 0, err
    assert "missing: PH1 B1" in out


def test_bad_count_input_changes_nothing(shop: Shop) -> None:
    shop.refused("count", "Attic", "--serials", "SN0001", match="no location named 'Attic'")
    shop.refused("count", "Front", "--serials", "SN\x0701", match="control character")
    shop.refused("count", "Front", "--serials", "SN0001", "--quantity", "CAB", match="SKU=N")


def test_recall_by_range_as_json_csv_and_a_list(shop: Shop, tmp_path: Path) -> None:
    rows = shop.json("recall", "PH1", "--range", "SN0002...SN0004")
    assert [r["serial"] for r in rows] == ["SN0002", "SN0003", "SN0004"]
    assert rows[0]["supplier"] == "Acme" and rows[0]["location"] == "Front"
    path = tmp_path / "recall.csv"
    code, out, err = shop("recall", "PH1", "--supplier", "acme", "--csv", str(path))
    assert code == 0, err
    assert "wrote 5 units" in out
    assert len(list(csv.DictReader(path.open()))) == 5
    code, out, _ = shop("recall", "PH1", "--received", "2000-01-01..")
    assert code == 0 and out.rstrip().endswith("6 units")
    shop.refused("recall", "PH1", "--range", "SN0005...SN0001", match="must ascend")
    shop.refused("recall", "PH1", "--received", "yesterday", match="FROM..TO")


def test_warranty_edit_and_its_refusals(shop: Shop) -> None:
    assert shop("sell", "SN0001", "--pay", "cash", "--location", "Front")[0] == 0
    code, out, err = shop("warranty", "SN0001", "--end", "2031-01-31", "--reason", "goodwill")
    assert code == 0, err
    assert "-> 2031-01-31" in out
    shop.refused("warranty", "SN0002", "--end", "2031-01-31", "--reason", "x",
                 match="no customer warranty")  # fmt: skip
    shop.refused("warranty", "SN0001", "--end", "31/01/2031", "--reason", "x", match="YYYY-MM-DD")
    shop.refused("--as", "bo", "warranty", "SN0001", "--end", "2032-01-01", "--reason", "x",
                 match="needs a manager's approval")  # fmt: skip


def test_expected_import_tick_confirm(shop: Shop) -> None:
    code, out, err = shop("expected", "import", "PH1", "--location", "Back", "--serials",
                          "E1,E2,E3", "--supplier", "Acme")  # fmt: skip
    assert code == 0, err
    assert out.startswith("expected delivery 1: 3 serials")
    code, out, _ = shop("expected", "tick", "1", "--serials", "E1,E3,E3,X9")
    assert "E3 was already scanned" in out and "X9 is not on the supplier's list" in out
    assert "ticked 2 of 3" in out
    code, out, _ = shop("expected", "confirm", "1")
    assert code == 0 and "received 2 x PH1 at Back" in out and "missing: E2" in out
    shop.refused("expected", "confirm", "1", match="already received")
    shop.refused("expected", "import", "PH1", "--location", "Back", "--serials", "E1",
                 match="already has serials: E1")  # fmt: skip


def test_user_management_commands(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    users = {u["name"]: u for u in shop.json("user", "list")}
    assert users["bo"] == {**users["bo"], "role": "back_office", "active": True}
    assert shop("user", "role", "bo", "cashier")[0] == 0
    assert shop("user", "deactivate", "bo")[0] == 0
    shop.refused("--as", "bo", "stock", match="'bo' is deactivated")
    monkeypatch.setenv("SERIALPOS_NEW_PIN", "4321")
    # A taken PIN counts as a wrong PIN against the manager choosing it (not an oracle).
    code, _, err = shop("user", "reactivate", "bo")
    assert code == 2 and "choose another PIN — 4 tries left before a 5-minute pause" in err
    monkeypatch.setenv("SERIALPOS_NEW_PIN", "3333")
    code, out, _ = shop("user", "reactivate", "bo")
    assert code == 0 and "bo: cashier, active" in out
    monkeypatch.setenv("SERIALPOS_NEW_PIN", "12")
    shop.refused("user", "reset-pin", "bo", match="4 to 12 digits")
    shop.refused("--as", "bo", "user", "deactivate", "boss", match="may not manage users")
    shop.refused("user", "deactivate", "boss", match="cannot deactivate yourself")
    assert json.loads(shop("user", "list", "--json")[1])[0]["name"] == "bo"
