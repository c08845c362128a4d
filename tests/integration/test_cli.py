"""The back-office command line: names scripts rely on, --json shapes, exit codes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.db.uow import open_store, sqlite_url
from app.stock.locations import edit_location
from app.users.services import actor_by_name
from tests.conftest import dump_tables


class Shop:
    """Runs `serialpos --db URL --as manager ...` in-process and captures its output.

    The acting user proves their PIN through SERIALPOS_PIN, as a script would; a new PIN
    (`init`, `user add`) goes in through SERIALPOS_NEW_PIN (`new_pin=`), never the command
    line. The helper remembers the PINs `init` and `user add` gave (`pins`; a test that
    changes one says so).
    """

    def __init__(self, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.path, self.url, self.capsys = path, sqlite_url(path), capsys
        self.pins: dict[str, str] = {}

    def _remember_pins(self, args: tuple[str, ...], pin: str | None) -> None:
        if pin is None:
            return
        if "init" in args:
            self.pins[args[args.index("--manager") + 1]] = pin
        elif "add" in args:
            self.pins[args[args.index("add") + 1]] = pin

    def __call__(
        self,
        *args: str,
        user: str | None = "boss",
        pin: str | None = None,
        new_pin: str | None = None,
    ) -> tuple[int, str, str]:
        argv = ["--db", self.url, *(["--as", user] if user else []), *args]
        acting = user
        for i, arg in enumerate(args[:-1]):  # a later --as (before the subcommand) wins
            if arg == "--as":
                acting = args[i + 1]
        pin = pin if pin is not None else self.pins.get(acting or "")
        saved = {name: os.environ.get(name) for name in ("SERIALPOS_PIN", "SERIALPOS_NEW_PIN")}
        if pin is None:
            os.environ.pop("SERIALPOS_PIN", None)
        else:
            os.environ["SERIALPOS_PIN"] = pin
        if new_pin is not None:  # else what the test set (monkeypatch.setenv) stays
            os.environ["SERIALPOS_NEW_PIN"] = new_pin
        self.capsys.readouterr()
        try:
            code = main(argv)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        out, err = self.capsys.readouterr()
        if code == 0:
            self._remember_pins(args, new_pin)
        return code, out, err

    def json(self, *args: str) -> list[dict[str, object]]:
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)  # type: ignore[no-any-return]

    def tables(self) -> dict[str, list[tuple[object, ...]]]:
        store = open_store(self.url)
        try:
            return dump_tables(store)
        finally:
            store.dispose()

    def refused(self, *args: str, match: str, new_pin: str | None = None) -> None:
        """Exit 2, one line on stderr containing `match`, and nothing changed."""
        before = self.tables()
        code, out, err = self(*args, new_pin=new_pin)
        assert code == 2, (out, err)
        assert err.count("\n") == 1 and match in err, err
        assert self.tables() == before


def shop_with_its_settings(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    store_name: str,
) -> Shop:
    """A new store whose manager is boss (PIN 4321), with a settings file and a data
    folder (print queue, spool) of the test's own, for the commands that print."""
    monkeypatch.setenv("SERIALPOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SERIALPOS_CONFIG", str(tmp_path / "settings.toml"))
    s = Shop(tmp_path / store_name, capsys)
    code, _, err = s("init", "--manager", "boss", new_pin="4321", user=None)
    assert code == 0, err
    return s


@pytest.fixture
def shop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Shop:
    s = Shop(tmp_path / "cli.sqlite3", capsys)
    assert s("init", "--manager", "boss", new_pin="4321", user=None)[0] == 0
    for args in (
        ("location", "add", "Front"),
        ("location", "add", "Back"),
        (
            "item",
            "add",
            "PH1",
            "Phone One",
            "--price",
            "499.00",
            "--cost",
            "350",
            "--serialized",
            "--warranty-days",
            "365",
            "--serial-prefix",
            "P1-",
            "--serial-digits",
            "5",
        ),
        ("item", "add", "CAB", "Cable", "--price", "9.99"),
    ):
        code, _, err = s(*args)
        assert code == 0, err
    return s


def test_init_twice_is_refused(shop: Shop) -> None:
    shop.refused("init", "--manager", "x", match="already has users", new_pin="1111")


def test_receive_range_and_list_units_as_json(shop: Shop) -> None:
    code, out, _ = shop(
        "receive",
        "PH1",
        "--location",
        "Front",
        "--range",
        "SN0098...SN0102",
        "--expect",
        "5",
        "--supplier-warranty-days",
        "30",
    )
    assert code == 0 and "received 5 x PH1 at Front" in out
    units = shop.json("serials", "--sku", "PH1")
    assert [u["serial"] for u in units] == ["SN0098", "SN0099", "SN0100", "SN0101", "SN0102"]
    assert {"sku", "serial", "status", "location", "customer", "warranty_end"} <= set(units[0])
    assert units[0]["status"] == "in_stock" and units[0]["location"] == "Front"
    assert units[0]["cost"] == "350.00"


def test_wrong_count_exits_2_and_changes_nothing(shop: Shop) -> None:
    shop.refused(
        "receive",
        "PH1",
        "--location",
        "Front",
        "--range",
        "1000...1008",
        "--expect",
        "10",
        match="expected 10 serials, got 9",
    )


def test_malformed_range_exits_2_and_changes_nothing(shop: Shop) -> None:
    shop.refused("receive", "PH1", "--location", "Front", "--range", "SN10...XX20", match="prefix")
    shop.refused("receive", "PH1", "--location", "Front", "--range", "20...10", match="ascend")


def test_duplicate_serials_named_in_one_line(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "A1,A2")
    shop.refused(
        "receive",
        "PH1",
        "--location",
        "Front",
        "--serials",
        "a1\nB7\nA2",
        match="PH1 already has serials: a1, A2",
    )


def test_receive_from_csv_file(shop: Shop, tmp_path: Path) -> None:
    sheet = tmp_path / "in.csv"
    sheet.write_text("Serial;Asset_Tag;Cost\nC-1;T1;300.50\nC-2;T2;301\n", encoding="utf-8")
    code, _, err = shop(
        "receive", "PH1", "--location", "Back", "--csv", str(sheet), "--expect", "2"
    )
    assert code == 0, err
    units = {u["serial"]: u for u in shop.json("serials", "--location", "Back")}
    assert (units["C-1"]["asset_tag"], units["C-1"]["cost"]) == ("T1", "300.50")


def test_csv_with_the_wrong_count_changes_nothing(shop: Shop, tmp_path: Path) -> None:
    sheet = tmp_path / "in.csv"
    sheet.write_text("serial\nC-1\nC-2\nC-3\n", encoding="utf-8")
    shop.refused(
        "receive",
        "PH1",
        "--location",
        "Back",
        "--csv",
        str(sheet),
        "--expect",
        "2",
        match="expected 2 serials, got 3",
    )


def test_generate_prints_the_new_serials(shop: Shop) -> None:
    code, out, _ = shop("receive", "PH1", "--location", "Front", "--generate", "3")
    assert code == 0
    assert out.splitlines()[1:] == ["P1-00001", "P1-00002", "P1-00003"]


def test_bulk_quantity_and_stock_json(shop: Shop) -> None:
    shop("receive", "CAB", "--location", "Front", "--qty", "12")
    shop("receive", "PH1", "--location", "Front", "--serials", "X1;X2")
    rows = shop.json("stock")
    assert {(r["sku"], r["location"], r["qty"]) for r in rows} == {
        ("CAB", "Front", 12),
        ("PH1", "Front", 2),
    }


def test_transfer_write_off_and_history_json(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "H1 H2".replace(" ", ","))
    assert shop("transfer", "H1", "H2", "--to", "Back")[0] == 0
    assert shop("write-off", "H1", "--reason", "screen cracked")[0] == 0
    history = shop.json("history", "h1")
    assert [h["kind"] for h in history] == ["receive", "transfer", "write_off"]
    assert {"at", "kind", "from", "to", "user"} <= set(history[0])
    assert history[-1]["user"] == "boss" and history[-1]["reason"] == "screen cracked"


def test_write_off_by_back_office_with_manager_pin(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop("user", "add", "bo", "--role", "back office", new_pin="3030")
    shop("receive", "PH1", "--location", "Front", "--serials", "W1")
    shop.refused("--as", "bo", "write-off", "W1", "--reason", "x", match="manager's approval")
    monkeypatch.setenv("BOSS_PIN", "4321")
    code, _, err = shop(
        "--as", "bo", "write-off", "W1", "--reason", "x", "--approve-pin-env", "BOSS_PIN",
        user=None,
    )  # fmt: skip
    assert code == 0, err
    # A PIN on the command line would be readable in /proc/PID/cmdline: not accepted.
    shop.refused("--as", "bo", "write-off", "W1", "--reason", "x", "--approve-pin", "4321",
                 match="unrecognized arguments")  # fmt: skip


def test_cashier_cannot_receive_from_the_command_line(shop: Shop) -> None:
    shop("user", "add", "cash", "--role", "cashier", new_pin="5050")
    shop.refused(
        "--as",
        "cash",
        "receive",
        "CAB",
        "--location",
        "Front",
        "--qty",
        "1",
        match="may not receive",
    )


def test_acting_user_is_required(shop: Shop) -> None:
    code, _, err = shop("stock", user=None)
    assert code == 2 and "--as USER" in err


def test_usage_errors_are_one_line(shop: Shop) -> None:
    shop.refused("receive", "PH1", "--location", "Front", match="one of the arguments")
    shop.refused("frobnicate", match="invalid choice")


def test_export_serials_to_csv(shop: Shop, tmp_path: Path) -> None:
    shop("receive", "PH1", "--location", "Front", "--range", "E1...E250")
    target = tmp_path / "units.csv"
    assert shop("export", "serials", str(target))[0] == 0
    with target.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 250 and rows[0]["sku"] == "PH1" and "warranty_end" in rows[0]


def test_item_edit_flag_rule_from_the_command_line(shop: Shop) -> None:
    shop("receive", "CAB", "--location", "Front", "--qty", "3")
    shop.refused("item", "edit", "CAB", "--serialized", match="serialize procedure")
    code, out, err = shop("item", "serialize", "CAB")
    assert code == 0 and "Front: 3" in out and "not rewritten" in err


def test_python_dash_m_app_runs(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path / "m.sqlite3")
    init = [sys.executable, "-m", "app", "--db", db, "init", "--manager", "m"]
    env = {**os.environ, "SERIALPOS_NEW_PIN": "1234"}
    done = subprocess.run(init, capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    stock = [sys.executable, "-m", "app", "--db", db, "--as", "x", "stock"]
    result = subprocess.run(stock, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.strip() == "serialpos: no user named 'x'"


def test_sell_prints_the_sale_number_then_the_receipt(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "S1,S2")
    shop("receive", "CAB", "--location", "Front", "--qty", "5")
    code, out, err = shop(
        "sell",
        "S1",
        "CAB",
        "CAB",
        "--pay",
        "card:OK42:100",
        "--pay",
        "cash",
        "--customer",
        "Jane Doe",
        "--location",
        "Front",
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "R-000001"
    assert "S/N: S1" in out and "Warranty until" in out and "*R-000001*" in out
    unit = shop.json("serials", "--search", "S1")[0]
    assert (unit["status"], unit["customer"]) == ("sold", "Jane Doe")


def test_selling_a_sold_unit_names_its_receipt(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "S1")
    shop("sell", "S1", "--pay", "cash", "--location", "Front")
    shop.refused("sell", "S1", "--pay", "cash", "--location", "Front", match="(receipt R-000001)")


def test_sell_refuses_bad_payment_and_changes_nothing(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "S1")
    shop.refused("sell", "S1", "--pay", "cash:1.00", "--location", "Front", match="still to pay")
    shop.refused("sell", "S1", "--pay", "bitcoin", "--location", "Front", match="use cash")
    shop.refused(
        "sell", "PH1", "--pay", "cash", "--location", "Front", match="give the unit's serial"
    )


def test_refund_from_the_command_line(shop: Shop) -> None:
    shop("receive", "PH1", "--location", "Front", "--serials", "S1,S2")
    shop("sell", "S1", "S2", "--pay", "cash", "--location", "Front")
    code, out, err = shop(
        "refund", "R-000001", "S2", "--reason", "faulty", "--restock", "defective"
    )
    assert code == 0, err
    assert out.splitlines()[0] == "RF-000001" and "faulty" in out
    shop.refused(
        "refund",
        "R-000001",
        "S2",
        "--reason",
        "again",
        "--restock",
        "Front",
        match="already been refunded",
    )
    statuses = {u["serial"]: u["status"] for u in shop.json("serials")}
    assert statuses == {"S1": "sold", "S2": "defective"}


def test_gui_without_a_screen_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["--db", sqlite_url(tmp_path / "g.sqlite3"), "gui"]) == 2
    assert "no screen to open the window on" in capsys.readouterr().err
    assert not (tmp_path / "g.sqlite3").exists()


def test_a_mistyped_store_path_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no" / "such.sqlite3"
    assert main(["--db", sqlite_url(missing), "--as", "boss", "stock"]) == 2
    assert "create it with 'serialpos init'" in capsys.readouterr().err
    assert not missing.parent.exists()


def _camera_kit(shop: Shop) -> None:
    for args in (
        ("item", "add", "LENS", "Zoom lens", "--price", "300", "--serialized"),
        ("item", "add", "KIT", "Phone kit", "--price", "550"),
        ("receive", "PH1", "--location", "Front", "--serials", "S1,S2"),
        ("receive", "LENS", "--location", "Front", "--serials", "L1"),
        ("receive", "CAB", "--location", "Front", "--qty", "5"),
    ):
        code, _, err = shop(*args)
        assert code == 0, err
    code, out, err = shop(
        "item", "bundle", "KIT", "--component", "PH1", "--component", "LENS:1", "--component",
        "CAB:2",
    )  # fmt: skip
    assert code == 0, err
    assert out.strip() == "bundle KIT: PH1 x1, LENS x1, CAB x2"


def test_item_bundle_and_selling_it_with_its_serials(shop: Shop) -> None:
    _camera_kit(shop)
    code, out, err = shop("sell", "KIT", "L1", "S1", "--pay", "cash", "--location", "Front")
    assert code == 0, err
    assert "S/N: S1" in out and "S/N: L1" in out and "+ 2 x Cable" in out
    assert "Warranty until" in out and "550.00" in out
    history = shop.json("history", "S1")
    assert history[-1]["document"] == "R-000001" and history[-1]["reason"] == "in bundle KIT"
    code, out, err = shop("refund", "R-000001", "L1", "--reason", "faulty", "--restock", "Front")
    assert code == 0, err


def test_item_bundle_refusals_change_nothing(shop: Shop) -> None:
    shop.refused("item", "bundle", "CAB", "--component", "CAB", match="component of itself")
    shop.refused("item", "bundle", "CAB", "--component", "PH1:x", match="give SKU or SKU:QTY")
    shop.refused("item", "bundle", "CAB", "--component", "PH1:100", match="between 1 and 99")
    shop.refused("item", "bundle", "CAB", "--component", "NOPE", match="no item with SKU")
    shop.refused("item", "bundle", "PH1", "--component", "CAB", match="serialized")


def test_selling_a_bundle_refuses_missing_or_wrong_serials(shop: Shop) -> None:
    _camera_kit(shop)
    shop.refused("sell", "KIT", "S1", "--pay", "cash", "--location", "Front", match="give its 2")
    shop.refused(
        "sell", "KIT", "S1", "S2", "--pay", "cash", "--location", "Front", match="not wanted"
    )
    shop.refused(
        "sell", "KIT", "S1", "CAB", "--pay", "cash", "--location", "Front", match="not a unit"
    )
    shop.refused(
        "sell", "S1", "KIT", "S1", "L1", "--pay", "cash", "--location", "Front",
        match="S1 is already in this sale",
    )  # fmt: skip


def test_bulk_stock_at_a_location_not_for_sale_cannot_be_sold(shop: Shop) -> None:
    assert shop("location", "add", "Back room", "--not-sellable")[0] == 0
    assert shop("receive", "CAB", "--location", "Back room", "--qty", "5")[0] == 0
    shop.refused("sell", "CAB", "--location", "Back room", "--pay", "cash:9.99",
                 match="CAB is at Back room, which is not for sale")  # fmt: skip


def test_sell_without_a_location_says_which_option_or_setting(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERIALPOS_CONFIG", str(tmp_path / "settings.toml"))
    shop("receive", "PH1", "--location", "Front", "--serials", "S1")
    shop.refused("sell", "S1", "--pay", "cash", match="give --location NAME, or set till_location")
    store = open_store(shop.url)
    try:
        edit_location(store, actor_by_name(store, "boss"), "Back", sellable=False)
    finally:
        store.dispose()
    code, out, err = shop("sell", "S1", "--pay", "cash")
    assert code == 0, err
    assert out.splitlines()[0] == "R-000001"
