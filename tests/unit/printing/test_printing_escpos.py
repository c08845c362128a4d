"""ESC/POS bytes, read back with tests.support.escpos_decode.

Printer-drawn barcodes are checked twice: the GS k payload must be exactly the bytes we
expect, and the bars a printer draws from it (emulated) must scan as the exact text.
Raster barcodes (GS v 0) are scanned from the image in the stream.
"""

from __future__ import annotations

import pytest
import zxingcpp
from escpos.capabilities import get_profile
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.printing.barcodes import BarcodeFitError
from app.printing.documents import (
    Label,
    Receipt,
    ReceiptLine,
    Symbology,
    Tag,
    TenderLine,
    TotalLine,
    check_label_fits,
    roll_label_size,
)
from app.printing.escpos import (
    drawer_kick,
    native_code128_payload,
    paper,
    paper_columns,
    render_labels,
    render_receipt,
    render_tag,
)
from tests.support.escpos_decode import (
    Barcode,
    Cut,
    DrawerKick,
    Event,
    Feed,
    Raster,
    Text,
    code128_image,
    code128_symbols,
    code128_text,
    decode,
    lines,
)

GTIN14 = "09506000134352"
PROFILES = ["TM-T88V", "TM-T20II", "POS-5890", "simple", "default"]
SERIALS = [
    "00123",
    "99123456",
    "99",
    "abc-def",
    "A1B2C3D4E5F6G7H8I9J0",
    "12345678901234567890",
    "a{b}c",
    "x~y^z_\\",
    "SN 001",
    "7",
    "{{",
    "{B",
]


def scan(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    return [barcode.text for barcode in found]


def as_printed(barcode: Barcode) -> Image.Image:
    """The bars a printer draws for a GS k Code 128 command (module width and height)."""
    assert barcode.symbology == "CODE128"
    return code128_image(
        code128_symbols(barcode.data), module_px=barcode.module_dots, height=barcode.height_dots
    )


def barcodes(events: list[Event]) -> list[Barcode]:
    return [e for e in events if isinstance(e, Barcode)]


def rasters(events: list[Event]) -> list[Raster]:
    return [e for e in events if isinstance(e, Raster)]


def receipt(**changes: object) -> Receipt:
    fields: dict[str, object] = dict(
        store_lines=("GADGET FIX & SELL", "12 High Street, Springfield", "VAT GB123456789"),
        title="SALE",
        number="R-000812",
        date="2024-05-01 14:03",
        cashier="Ann",
        customer="Bob Smith",
        lines=(
            ReceiptLine(
                "Apple iPhone 13 128GB Midnight",
                1,
                "€699.00",
                "€699.00",
                serial="356789012345678",
                warranty_end="2025-05-01",
            ),
            ReceiptLine(
                "Café crème USB-C to Lightning cable, braided, 2 m",
                3,
                "$9.99",
                "$29.97",
                discount="-$3.00",
            ),
        ),
        totals=(
            TotalLine("Subtotal", "$725.97"),
            TotalLine("Tax 20% incl.", "$121.00"),
            TotalLine("TOTAL", "$725.97"),
        ),
        tenders=(TenderLine("Cash", "$100.00"), TenderLine("Card", "$625.97", "VISA ****1234")),
        change="$0.00",
        footer_lines=("Thank you for shopping with us!", "Returns within 30 days."),
    )
    fields.update(changes)
    return Receipt(**fields)  # type: ignore[arg-type]


# --- Paper ------------------------------------------------------------------------------


def test_characters_per_line_follow_the_paper_and_the_printer() -> None:
    assert (paper_columns(58, "TM-T20II"), paper_columns(80, "TM-T20II")) == (32, 48)
    assert (paper_columns(58, "default"), paper_columns(80, "default")) == (32, 48)
    # A 180 dpi TM-T88 prints 512 dots on 80 mm: 42 columns, as its own profile says.
    assert paper_columns(80, "TM-T88V") == get_profile("TM-T88V").get_columns("a") == 42
    assert paper_columns(58, "TM-T88V") == 30
    # A 58 mm printer stays 32 columns even if asked for 80 mm paper.
    assert paper_columns(80, "POS-5890") == 32
    with pytest.raises(ValueError, match="58 or 80"):
        paper(76)
    with pytest.raises(ValueError, match="unknown printer profile 'TM-NOPE'"):
        paper(80, "TM-NOPE")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("width_mm", [58, 80])
def test_no_receipt_line_is_wider_than_the_paper(profile: str, width_mm: int) -> None:
    events = decode(render_receipt(receipt(), width_mm=width_mm, profile=profile), profile)
    printed = lines(events)
    columns = paper_columns(width_mm, profile)
    assert max(line.columns for line in printed) == columns  # full-width rules and totals
    assert all(line.columns <= columns for line in printed)
    texts = [line.text for line in printed]
    assert "  S/N: 356789012345678" in texts
    assert "  Warranty until 2025-05-01" in texts
    assert any(t.startswith("Café crème") for t in texts)  # code pages switched, not '?'
    # "simple" knows only CP437, which has no euro sign: the printer gets "?" in its place.
    euro = "?" if profile == "simple" else "€"
    assert any(t.startswith("Apple iPhone") and t.endswith(f"{euro}699.00") for t in texts)


def test_receipt_title_is_double_size_and_total_is_bold() -> None:
    printed = lines(decode(render_receipt(receipt(), width_mm=58, profile="TM-T20II")))
    title = next(line for line in printed if line.text == "SALE")
    assert title.columns == 8 and title.styles[0].height == 2 and title.styles[0].bold
    total = next(line for line in printed if line.text.startswith("TOTAL"))
    assert total.styles[0].bold and total.text.endswith("$725.97")
    plain = next(line for line in printed if line.text.startswith("Subtotal"))
    assert not plain.styles[0].bold


# --- Barcodes the printer draws ---------------------------------------------------------


def test_receipt_number_is_a_native_code128_barcode() -> None:
    events = decode(render_receipt(receipt()))
    (barcode,) = barcodes(events)
    assert barcode.data == b"{BR-{C\x00\x08\x0c"  # R- in set B, 000812 as pairs 00 08 12
    assert barcode.text == "R-000812"
    assert barcode.hri == 0 and barcode.module_dots in (2, 3)
    assert scan(as_printed(barcode)) == ["R-000812"]
    assert any(isinstance(e, Text) and e.text == "R-000812" for e in events)


@pytest.mark.parametrize(
    ("serial", "payload"),
    [
        ("abc-DEF", b"{Babc-DEF"),
        ("a{b", b"{Ba{{b"),
        ("SN 001", b"{BSN 001"),
        ("00123", b"{B0{C\x01\x17"),
        ("12345678901234567890", b"{C" + bytes([12, 34, 56, 78, 90, 12, 34, 56, 78, 90])),
    ],
)
def test_native_label_payload_is_exact(serial: str, payload: bytes) -> None:
    (barcode,) = barcodes(decode(render_labels([Label(serial, "Item", "$1.00")])))
    assert barcode.symbology == "CODE128"
    assert barcode.data == payload
    assert code128_text(barcode.data) == (serial, False)


@pytest.mark.parametrize("serial", SERIALS)
@pytest.mark.parametrize("width_mm", [58, 80])
def test_native_label_barcode_scans_as_its_serial(serial: str, width_mm: int) -> None:
    label = Label(serial, "Item", "$1.00")
    try:
        check_label_fits(label, roll_label_size(width_mm))
    except BarcodeFitError:  # the rule every format shares: refused, not printed thin
        with pytest.raises(BarcodeFitError):
            render_labels([label], width_mm=width_mm)
        return
    events = decode(render_labels([label], width_mm=width_mm))
    found = barcodes(events)
    if found:
        assert scan(as_printed(found[0])) == [serial]
    else:  # too wide for the printer's own barcode: sent as an image instead
        assert scan(rasters(events)[0].image) == [serial]
    assert any(isinstance(e, Text) and e.text == serial for e in events)


def test_gs1_native_payload_starts_in_set_c_with_fnc1() -> None:
    label = Label("ABC-12", "Cam", "$1", symbology=Symbology.GS1_128, gtin="9506000134352")
    (barcode,) = barcodes(decode(render_labels([label], profile="TM-T20II")))
    digits = "01" + GTIN14 + "21"
    assert barcode.data == (
        b"{C{1" + bytes(int(digits[i : i + 2]) for i in range(0, 18, 2)) + b"{BABC-12"
    )
    assert code128_text(barcode.data) == ("01" + GTIN14 + "21ABC-12", True)
    (found,) = zxingcpp.read_barcodes(as_printed(barcode), text_mode=zxingcpp.TextMode.Plain)
    assert found.text == "01" + GTIN14 + "21ABC-12"
    assert found.content_type == zxingcpp.ContentType.GS1


@settings(max_examples=30, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20).filter(
        lambda s: s == s.strip()
    )
)
@example("99")
@example("991234")
def test_any_serial_payload_prints_as_itself(serial: str) -> None:
    payload = native_code128_payload(serial).encode("ascii")
    assert code128_text(payload) == (serial, False)
    assert scan(code128_image(code128_symbols(payload))) == [serial]


# --- Barcodes sent as images ---------------------------------------------------------------


@pytest.mark.parametrize("profile", ["simple", "POS-5890", "ZJ-5870"])
def test_printer_without_barcodes_gets_a_raster_image_that_scans(profile: str) -> None:
    events = decode(render_labels([Label("sn-00123", "Item", "$1.00")], profile=profile), profile)
    assert barcodes(events) == []
    (raster,) = rasters(events)
    assert raster.image.width == paper(80, profile).dots
    assert scan(raster.image) == ["sn-00123"]


@pytest.mark.parametrize("serial", SERIALS)
def test_raster_barcodes_can_be_forced_and_scan(serial: str) -> None:
    events = decode(render_labels([Label(serial, "Item", "$1")], native_barcodes=False))
    assert barcodes(events) == []
    assert scan(rasters(events)[0].image) == [serial]


def test_gs1_too_wide_for_the_printer_falls_back_to_an_image() -> None:
    # 244 modules: fits the 180 dpi head's 512 dots at two dots a module, but not with the
    # quiet zones the printer would add itself; our image lets them reach the paper's edge.
    label = Label("ABCDEFGH", "Cam", "$1", symbology=Symbology.GS1_128, gtin="9506000134352")
    events = decode(render_labels([label]))
    assert barcodes(events) == []
    (found,) = zxingcpp.read_barcodes(rasters(events)[0].image, text_mode=zxingcpp.TextMode.Plain)
    assert (found.text, found.content_type) == (label.barcode_text, zxingcpp.ContentType.GS1)
    with pytest.raises(BarcodeFitError, match="too wide for the printer"):
        render_labels([label], native_barcodes=True)


def test_native_barcodes_on_a_printer_without_them_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot draw Code 128"):
        render_labels([Label("SN1", "Item", "$1")], profile="simple", native_barcodes=True)


def test_receipt_on_a_printer_without_barcodes_still_has_a_scannable_number() -> None:
    events = decode(render_receipt(receipt(), width_mm=58, profile="POS-5890"), "POS-5890")
    assert scan(rasters(events)[0].image) == ["R-000812"]


# --- Cuts, drawer, chatter, injection --------------------------------------------------------


def test_receipt_and_tag_end_with_feed_and_cut() -> None:
    tag = Tag(
        ticket_number="T-004211",
        customer="Carol",
        device="MacBook",
        serial="C02DX1ABQ6L4",
        problem="No power",
        date="2024-05-02",
        accessories="Charger",
    )
    for stream in (render_receipt(receipt()), render_tag(tag, width_mm=58)):
        events = decode(stream)
        assert events[-2:] == [Feed(6), Cut(partial=False)]
        assert stream.startswith(b"\x1b@")  # initialise: no style left from the last job
    tag_events = decode(render_tag(tag, width_mm=58))
    assert [b.text for b in barcodes(tag_events)] == ["T-004211"]
    assert all(line.columns <= 30 for line in lines(tag_events))


def test_each_label_is_cut_off_and_1000_labels_carry_their_serials() -> None:
    labels = [Label(f"SN{i:06d}-{i % 7}x", "Item", "$1.00") for i in range(1000)]
    events = decode(render_labels(labels))
    assert sum(isinstance(e, Cut) for e in events) == 1000
    assert [b.text for b in barcodes(events)] == [label.serial for label in labels]


def test_drawer_kick_pulses_pin_2_or_5() -> None:
    assert drawer_kick() == b"\x1bp\x00\x32\x32"
    assert decode(drawer_kick(5)) == [DrawerKick(pin=5, on_ms=100, off_ms=100)]
    with pytest.raises(ValueError):
        drawer_kick(3)


def test_python_escpos_chatter_does_not_reach_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    render_labels([Label("SN1", "Item", "$1")], profile="default")
    render_labels([Label("SN1", "Item", "$1")], profile="default", native_barcodes=False)
    assert capsys.readouterr().out == ""


def test_printer_commands_in_an_item_name_are_not_sent() -> None:
    evil = receipt(lines=(ReceiptLine("Cable\x1dV\x00\x1bp\x00\x19\x19", 1, "$1", "$1"),))
    events = decode(render_receipt(evil))
    assert sum(isinstance(e, Cut) for e in events) == 1
    assert not any(isinstance(e, DrawerKick) for e in events)


def _code_pages_selected(stream: bytes) -> set[int]:
    # ESC t n outside of any image: these receipts carry no raster data.
    return {stream[i + 2] for i in range(len(stream) - 2) if stream[i : i + 2] == b"\x1bt"}


@pytest.mark.parametrize("profile", ["TM-T88V", "TM-T20II", "default"])
def test_euro_goes_out_through_a_western_code_page(profile: str) -> None:
    shop = Receipt(
        store_lines=("Café", ), title="SALE", number="R1", date="2024-05-01", cashier="Zoë",
        lines=(ReceiptLine(description="Crème brûlée", qty=1, unit_price="€4.50", total="€4.50"),),
        totals=(TotalLine("TOTAL", "€4.50"),),
    )  # fmt: skip
    stream = render_receipt(shop, width_mm=80, profile=profile)
    pages = _code_pages_selected(stream)
    assert 15 not in pages  # ISO 8859-7, missing on many printers
    assert pages == {19}  # PC858: €, and every letter here, without switching
    texts = [line.text for line in lines(decode(stream, profile))]
    assert any(t.startswith("Crème brûlée") and t.endswith("€4.50") for t in texts)
    assert any(t.startswith("TOTAL") and t.endswith("€4.50") for t in texts)


@pytest.mark.parametrize("profile", ["TM-T88V", "TM-T20II"])
@pytest.mark.parametrize("serial", ["SN-2024-000000000000000001", "A" * 31, "X" * 45])
def test_a_long_serial_is_never_broken_on_58mm_paper(profile: str, serial: str) -> None:
    item = ReceiptLine(description="Phone", qty=1, unit_price="€1.00", total="€1.00", serial=serial)
    shop = Receipt(
        store_lines=("Shop",), title="SALE", number="R1", date="2024-05-01", cashier="Al",
        lines=(item,), totals=(TotalLine("TOTAL", "€1.00"),),
    )  # fmt: skip
    columns = paper_columns(58, profile)
    texts = [
        line.text.strip()
        for line in lines(decode(render_receipt(shop, width_mm=58, profile=profile), profile))
    ]
    if len(serial) <= 4 * columns // 3:
        assert serial in texts  # whole, on a line of its own (small font if need be)
    else:  # longer than any line: continued, nothing cut off
        at = texts.index("S/N:")
        assert "".join(texts[at + 1 : at + 3]) == serial
