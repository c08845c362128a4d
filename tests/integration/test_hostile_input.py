"""Bad input and hostile text on the command line: exit 2, one line, nothing changed; and
what the product writes (messages, listings, CSV) never carries a control or a formula."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.files import csv_cell
from app.money import parse_money
from tests.integration.test_cli import Shop

# The inputs that printed a traceback (issue 12), and their kin.
HUGE = ["1e999999999", "1e-999999999", "99999999999999999999999", "1e2", "1_000", "٣٤", "３４"]
CONTROL = ["SN000004\x1d", "\x1b[31mX", "A\x00B", "\udcff\udcfe", "\u202eX", "SN\x7f"]


def _with_control() -> st.SearchStrategy[str]:
    controls = st.sampled_from(["\x1b", "\x1d", "\x00", "\x07", "\x7f", "\u200b", "\udcff"])
    return st.one_of(
        st.sampled_from(CONTROL),
        st.builds(
            lambda a, c, b: a + c + b,
            st.text("SN0123", max_size=5),
            controls,
            st.text("0123", max_size=3),
        ),
    )


def _hostile_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HUGE),
        _with_control(),
        st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 99), st.integers(-(10**9), 10**9)),
    )


# Each command with one slot for the hostile value; every one of them must be refused.
NUMBER_SLOTS = [
    ("item", "add", "NEW", "New", "--price", "{}"),
    ("item", "add", "NEW", "New", "--price", "1", "--cost", "{}"),
    ("item", "add", "NEW", "New", "--price", "1", "--tax-rate", "{}"),
    ("item", "edit", "CAB", "--price", "{}"),
    ("sell", "CAB", "--pay", "cash:{}"),
    ("labels", "PH1", "--received-batch", "{}", "--out", "x.pdf"),
    ("receive", "CAB", "--location", "Front", "--qty", "{}"),
    ("serials", "--limit", "{}"),
]
TEXT_SLOTS = [
    ("sell", "{}", "--pay", "cash"),
    ("receive", "PH1", "--location", "Front", "--serials", "{}"),
    ("location", "add", "{}"),
    ("--as", "{}", "stock"),
    ("transfer", "{}", "--to", "Back"),
    ("history", "{}"),
]
CASES = st.one_of(
    st.tuples(st.sampled_from(NUMBER_SLOTS), _hostile_number()),
    st.tuples(st.sampled_from(TEXT_SLOTS), _with_control()),
)


@pytest.fixture
def shop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Shop:
    s = Shop(tmp_path / "hostile.sqlite3", capsys)
    assert s("init", "--manager", "boss", new_pin="4321", user=None)[0] == 0
    for args in (
        ("location", "add", "Front"),
        ("location", "add", "Back"),
        ("item", "add", "PH1", "Phone", "--price", "499", "--serialized"),
        ("item", "add", "CAB", "Cable", "--price", "9.99"),
        ("receive", "PH1", "--location", "Front", "--serials", "SN000004"),
        ("receive", "CAB", "--location", "Front", "--qty", "5"),
    ):
        code, _, err = s(*args)
        assert code == 0, err
    monkeypatch.chdir(s.path.parent)
    return s


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(case=CASES)
def test_hostile_arguments_are_one_line_exit_2_and_change_nothing(
    shop: Shop, case: tuple[tuple[str, ...], str]
) -> None:
    command, value = case
    args = tuple(a.replace("{}", value) for a in command)
    before = shop.tables()
    code, out, err = shop(*args)
    assert code == 2, (args, out, err)
    assert err.count("\n") == 1 and err.startswith("serialpos: "), err
    assert err.isprintable() or err[:-1].isprintable(), repr(err)
    assert shop.tables() == before


@pytest.mark.parametrize(
    "db", ["mysql://u@127.0.0.1/x", "://", "oracle://127.0.0.1/x", "sqlite+nodriver:///x"]
)
def test_a_database_url_that_cannot_be_used_is_one_line(shop: Shop, db: str) -> None:
    code, _, err = shop("--db", db, "stock")
    assert code == 2 and err.count("\n") == 1, err


def test_a_settings_file_with_a_wrong_printers_type_is_one_line(
    shop: Shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "settings.toml"
    bad.write_text("printers = 5\n")
    monkeypatch.setenv("SERIALPOS_CONFIG", str(bad))
    shop.refused("sell", "CAB", "--pay", "cash", match="printers must be [[printers]] tables")


@pytest.mark.parametrize("text", [*HUGE, "1e2", "+5", "5.", " ", "0x10", "1,50", "12.505", "-1"])
def test_money_is_plain_decimal_digits(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(text)


def test_money_that_a_shop_means_still_parses() -> None:
    assert [parse_money(t) for t in ("12.50", "1,234.5", "0", "007", " 3 ")] == [
        1250, 123450, 0, 700, 300,
    ]  # fmt: skip


def test_a_trailing_group_separator_after_a_plain_serial_does_not_sell(shop: Shop) -> None:
    shop.refused(
        "sell", "SN000004\x1d", "--location", "Front", "--pay", "cash", match="scanner noise"
    )


def test_control_characters_in_messages_and_listings_are_escaped(shop: Shop) -> None:
    code, _, err = shop("labels", "\x1b[2J", "--all-in-stock", "--out", "x.pdf")
    assert code == 2 and "\x1b" not in err and "\\x1b[2J" in err
    code, _, err = shop("refund", "R-000001", "\x1b]0;owned\x07", "--reason", "x",
                        "--restock", "Front")  # fmt: skip
    assert code == 2 and "\x1b" not in err and "\x07" not in err


def test_a_csv_row_with_more_cells_than_the_header_is_refused(shop: Shop, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("serial,cost\nC1,10.00\nC2,10.00,extra\n")
    shop.refused("receive", "PH1", "--location", "Front", "--csv", str(tmp_path / "in.csv"),
                 match="CSV line 3: 3 cells, but the header has 2 columns")  # fmt: skip


def test_a_serial_no_label_can_carry_is_refused_at_receiving(shop: Shop) -> None:
    shop.refused("receive", "PH1", "--location", "Front", "--serials", "ÜBER-1",
                 match="cannot go on a label")  # fmt: skip


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell


def test_every_csv_the_product_writes_neutralises_formulas(shop: Shop, tmp_path: Path) -> None:
    assert shop("location", "add", "=cmd|'/c calc'!A1")[0] == 0
    assert shop("receive", "PH1", "--location", "=cmd|'/c calc'!A1",
                "--serials", "@SUM(1+1),+EVIL,-2")[0] == 0  # fmt: skip
    exports = [tmp_path / "units.csv", tmp_path / "recall.csv"]
    assert shop("export", "serials", str(exports[0]))[0] == 0
    recall = ("recall", "PH1", "--serials", "@SUM(1+1),+EVIL,-2", "--csv", str(exports[1]))
    assert shop(*recall)[0] == 0
    for path in exports:
        assert path.stat().st_mode & 0o777 == 0o600
        cells = [c for row in csv.reader(path.open(encoding="utf-8")) for c in row]
        assert "'@SUM(1+1)" in cells and "'+EVIL" in cells, (path, cells)
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells


KNOWN_CRASHERS = [
    ("item", "add", "NEW", "New", "--price", "1e999999999"),
    ("item", "add", "NEW", "New", "--price", "1", "--cost", "1e999999999"),
    ("item", "add", "NEW", "New", "--price", "1", "--tax-rate", "1e999999999"),
    ("sell", "CAB", "--pay", "cash:1e999999999"),
    ("labels", "PH1", "--received-batch", "99999999999999999999999", "--out", "x.pdf"),
    ("--as", "\udcff\udcfe", "stock"),  # $'\xff\xfe' as Python decodes argv
    ("item", "add", "NEW", "New", "--price", "1e2"),
    ("item", "add", "NEW", "New", "--price", "1_000"),
    ("item", "add", "NEW", "New", "--price", "1e-999999999"),
    ("item", "add", "NEW", "New", "--price", "١٢"),
    ("item", "add", "NEW", "New", "--price", "１２"),
    ("item", "add", "NEW", "New", "--price", "\x1d221"),  # str.strip() would eat the GS
    ("sell", "CAB", "--pay", "\x1dcash"),
    ("serials", "--limit", "\x1d5"),
]


@pytest.mark.parametrize("args", KNOWN_CRASHERS)
def test_the_known_crashers_are_one_line_refusals(shop: Shop, args: tuple[str, ...]) -> None:
    before = shop.tables()
    code, _, err = shop(*args)
    assert code == 2 and err.count("\n") == 1, err
    assert shop.tables() == before
