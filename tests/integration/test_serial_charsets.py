"""What an item's serials may contain is the item's own rule (issue 12): digits only,
upper-case letters and digits, or printable ASCII (every item's default, what a label's
barcode carries). Every entry — receive (list, range, CSV), the supplier's expected list,
generated serials — refuses the rest in one line, and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from app.code128 import always_labelable
from app.db.migrate import run_migration, upgrade_to_head
from app.db.uow import open_store, sqlite_url
from app.errors import InvalidInput
from app.printing.documents import LABEL_SIZES, ROLL_80, Label, check_label_fits
from app.stock.items import ItemFields, create_item, edit_item
from app.stock.locations import create_location
from app.stock.receiving import Receiving, generate_serials
from app.stock.serial_charsets import SerialCharset, check_serial, check_serials, parse_charset
from app.users.services import actor_by_name
from tests.integration.test_cli import Shop
from tests.integration.test_cli import shop as shop


@pytest.fixture
def digits_shop(shop: Shop) -> Shop:
    for args in (
        ("item", "add", "MOD", "Modem", "--price", "80", "--serialized",
         "--serial-chars", "digits", "--serial-digits", "8"),
        ("item", "add", "RTR", "Router", "--price", "60", "--serialized",
         "--serial-chars", "upper", "--serial-prefix", "RT"),
    ):  # fmt: skip
        code, _, err = shop(*args)
        assert code == 0, err
    return shop


def test_each_charset_takes_its_own_and_refuses_the_rest() -> None:
    check_serial("digits", "00123456")
    check_serial("upper", "AB12CD")
    check_serial("ascii", "sn-12 /a")
    for charset, serial, shown in (
        ("digits", "1234A", "'A'"),
        ("upper", "ab12", "'a', 'b'"),
        ("upper", "AB-12", "'-'"),
        ("ascii", "ÜBER-1", "'Ü'"),
    ):
        with pytest.raises(InvalidInput) as refused:
            check_serial(charset, serial, sku="X1")
        assert shown in refused.value.message and "\n" not in refused.value.message
    with pytest.raises(InvalidInput, match="not one of ascii, upper, digits"):
        parse_charset("hex")


def test_items_keep_todays_rule_unless_told(digits_shop: Shop) -> None:
    items = {i["sku"]: i for i in digits_shop.json("item", "list")}
    assert items["PH1"]["serial_chars"] == "ascii"
    assert items["MOD"]["serial_chars"] == "digits"
    assert digits_shop("receive", "PH1", "--location", "Front", "--serials", "ab-1 x,Z/9")[0] == 0


def test_receive_refuses_what_the_item_does_not_allow(digits_shop: Shop, tmp_path: Path) -> None:
    digits_shop.refused(
        "receive",
        "MOD",
        "--location",
        "Front",
        "--serials",
        "1001,10O2",
        match="'10O2' is refused: MOD serials hold digits 0-9 only, not 'O'",
    )
    digits_shop.refused("receive", "MOD", "--location", "Front", "--range", "A1...A3",
                        match="not 'A'")  # fmt: skip
    digits_shop.refused("receive", "RTR", "--location", "Front", "--serials", "RT01,rt02",
                        match="upper-case letters A-Z and digits 0-9, not 'r', 't'")  # fmt: skip
    (tmp_path / "in.csv").write_text("serial,cost\n1001,10.00\n1002-X,10.00\n")
    digits_shop.refused("receive", "MOD", "--location", "Front", "--csv", str(tmp_path / "in.csv"),
                        match="'1002-X' is refused")  # fmt: skip
    assert digits_shop("receive", "MOD", "--location", "Front", "--serials", "1001,1002")[0] == 0


def test_a_serial_no_label_can_carry_is_refused_at_receiving(digits_shop: Shop) -> None:
    # 30 letters need about 93 mm of bars at a readable two-dot bar; an 80 mm roll, the
    # widest label, has 72. Digits pack two to a symbol: 40 of them fit.
    long_letters = "SN-" + "ABCDEFGHIJ" * 2 + "-0000001"
    for args in (
        ("receive", "PH1", "--location", "Front", "--serials", f"SN1,{long_letters}"),
        ("expected", "import", "PH1", "--location", "Front", "--serials", long_letters),
    ):
        digits_shop.refused(*args, match="can never be labelled: it is too long for any label")
    assert digits_shop("receive", "MOD", "--location", "Front", "--serials", "1" * 40)[0] == 0


def test_what_receiving_lets_through_prints_on_the_widest_label() -> None:
    # The receiving rule (app.code128) and the label rule (check_label_fits) are one rule:
    # the longest serial receiving takes prints on an 80 mm roll, one letter more does not.
    longest = "~" * always_labelable()
    check_serials("ascii", [longest])
    check_label_fits(Label(longest, "Phone", "$1.00"), ROLL_80)
    assert max(LABEL_SIZES.values(), key=lambda size: size.width_mm) is ROLL_80
    with pytest.raises(InvalidInput):
        check_serials("ascii", [longest + "~"])
    with pytest.raises(InvalidInput):
        check_label_fits(Label(longest + "~", "Phone", "$1.00"), ROLL_80)


def test_the_suppliers_list_is_checked_when_it_is_saved(digits_shop: Shop) -> None:
    digits_shop.refused("expected", "import", "MOD", "--location", "Front",
                        "--serials", "5001,50O2", match="'50O2' is refused")  # fmt: skip


def test_a_scheme_that_would_make_refused_serials_is_refused(digits_shop: Shop) -> None:
    digits_shop.refused("item", "edit", "MOD", "--serial-random", match="need a sequential number")
    digits_shop.refused("item", "edit", "RTR", "--serial-prefix", "RT-",
                        match="serial prefix 'RT-' does not suit")  # fmt: skip
    digits_shop.refused("item", "add", "X9", "X", "--price", "1", "--serial-chars", "hex",
                        match="not one of ascii, upper, digits")  # fmt: skip
    digits_shop.refused("item", "edit", "PH1", "--serial-chars", "digits",
                        match="serial prefix 'P1-' does not suit")  # fmt: skip
    code, _, err = digits_shop("receive", "MOD", "--location", "Front", "--generate", "2")
    assert code == 0, err
    assert [u["serial"] for u in digits_shop.json("serials", "--sku", "MOD")] == [
        "00000001", "00000002",
    ]  # fmt: skip


def test_a_scheme_saved_before_the_rule_cannot_generate_refused_serials(store_url: str) -> None:
    store = open_store(store_url)
    try:
        manager = actor_by_name(store, "manager")
        create_location(store, manager, name="Main")
        create_item(store, manager, sku="OLD", values=ItemFields(
            name="Old", price=1, serialized=True, serial_prefix="SN-"))  # fmt: skip
        with store.write() as session:  # as a store migrated with an odd scheme might hold
            session.execute(text("UPDATE items SET serial_charset = 'digits' WHERE sku = 'OLD'"))
        with pytest.raises(InvalidInput, match="OLD serials hold digits"):
            generate_serials(store, manager, Receiving(sku="OLD", location="Main"), 2)
        fixed = ItemFields(serial_prefix="", serial_charset="digits")
        rec = edit_item(store, manager, "OLD", fixed)
        assert rec.serial_charset == SerialCharset.DIGITS
    finally:
        store.dispose()


def test_existing_items_get_the_ascii_rule_from_the_migration(tmp_path: Path) -> None:
    store = open_store(sqlite_url(tmp_path / "old.sqlite3"), migrate=False)
    try:
        run_migration(store.engine, lambda cfg: command.upgrade(cfg, "0009"))
        with store.engine.begin() as conn:  # a store of 0009 with one item
            conn.exec_driver_sql(
                "INSERT INTO items (id, sku, name, price, cost, tax_rate_bp, serialized, active,"
                " warranty_days, serial_prefix, serial_digits, serial_random, serial_next,"
                " created_at) VALUES (1, 'OLD', 'Old', 100, 0, 0, 1, 1, 0, '', 6, 0, 1,"
                " '2026-01-01 00:00:00')"
            )
        upgrade_to_head(store.engine)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT serial_charset FROM items").all() == [("ascii",)]
        run_migration(store.engine, lambda cfg: command.downgrade(cfg, "0009"))
        upgrade_to_head(store.engine)
    finally:
        store.dispose()
