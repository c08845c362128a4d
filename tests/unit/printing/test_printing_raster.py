"""PNG previews: every barcode drawn must scan back (zxing-cpp) to its exact text."""

from __future__ import annotations

import io
import os

import pytest
import zxingcpp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter

from app.errors import UserError
from app.printing.barcodes import BarcodeFitError, min_module_px
from app.printing.documents import (
    LABEL_50X25,
    ROLL_58,
    ROLL_80,
    Label,
    LabelSize,
    Receipt,
    ReceiptLine,
    Symbology,
    Tag,
    TotalLine,
)
from app.printing.raster import (
    barcode_image,
    font_path,
    label_image,
    receipt_image,
    roll_columns,
    tag_image,
    to_png,
)
from tests.support.bars import label_fits

GTIN13 = "9506000134352"
GTIN14 = "09506000134352"

SERIALS = [
    "00123",  # leading zeros are significant
    "99123456",  # python-barcode 0.16.1 would scan this as "123456"
    "99",
    "000000000000",
    "7",
    "abc-def",  # lowercase and dashes
    "sn-0001-x",
    "SN0098",
    "A1B2C3D4E5F6G7H8I9J0",  # 20 characters, no digit run to pack
    "12345678901234567890",  # 20 digits
    "a{b}c|d",  # characters ESC/POS and ZPL treat specially
    "x~y^z_\\",
    "SN 001",  # an inner space
    "!\"#$%&'()*+,./:;<=>?@[]`",
]


def scan(image: Image.Image, *, hri: bool = False) -> list[str]:
    """Every Code 128 barcode zxing-cpp finds, as text (plain, or GS1 with (AI)s)."""
    mode = zxingcpp.TextMode.HRI if hri else zxingcpp.TextMode.Plain
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128, text_mode=mode)
    return [barcode.text for barcode in found]


def narrowest_bar(image: Image.Image) -> int:
    """Width in pixels of the thinnest bar, measured across the middle of the barcode."""
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    assert found, "no barcode to measure"
    position = found[0].position
    y = (position.top_left.y + position.bottom_left.y) // 2
    row = [image.getpixel((x, y)) for x in range(image.width)]
    runs, run = [], 0
    for value in row:
        if value < 128:  # type: ignore[operator]
            run += 1
        elif run:
            runs.append(run)
            run = 0
    return min(runs)


@pytest.mark.parametrize("serial", SERIALS)
@pytest.mark.parametrize("size", [LABEL_50X25, ROLL_58, ROLL_80], ids=lambda s: s.name)
def test_label_png_scans_as_its_serial(serial: str, size: LabelSize) -> None:
    label = Label(serial, "Apple iPhone 13 128GB", "$699.00", asset_tag="AT-0042")
    if not label_fits(label, size):  # the rule every format shares (test_printing_scannable.py)
        with pytest.raises(BarcodeFitError):
            label_image(label, size)
        return
    image = label_image(label, size)
    assert image.size == (round(size.width_mm * 203 / 25.4), round(size.height_mm * 203 / 25.4))
    assert scan(image) == [serial]


@pytest.mark.parametrize("dpi", [203, 300, 600])
def test_label_scans_at_other_resolutions(dpi: int) -> None:
    label = Label("A1B2C3D4E5F6", "Drill", "$99.00")
    image = label_image(label, LABEL_50X25, dpi=dpi)
    assert scan(image) == [label.serial]
    assert narrowest_bar(image) >= min_module_px(dpi)


@settings(max_examples=40, deadline=None)
@given(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12).filter(
        lambda s: s == s.strip()
    )
)
def test_any_printable_serial_up_to_12_characters_scans_on_a_50x25_label(serial: str) -> None:
    assert scan(label_image(Label(serial, "Item", "$1.00"))) == [serial]


@settings(max_examples=40, deadline=None)
@given(st.from_regex(r"[0-9]{1,12}[A-Za-z/-]{0,3}[0-9]{0,5}", fullmatch=True))
def test_digit_heavy_serials_scan_exactly(serial: str) -> None:
    # Digit runs are packed in code set C; this is where a leading "99" once went missing.
    label = Label(serial, "Item", "$1.00")
    assume(label_fits(label, LABEL_50X25))
    assert scan(label_image(label)) == [serial]


def test_12_character_serial_fits_50x25_with_two_dot_bars_and_survives_print_blur() -> None:
    image = label_image(Label("C02XK1ABJGH5", "Laptop", "$99.00"), LABEL_50X25, 203)
    assert narrowest_bar(image) == 2  # never one dot: heat spread eats those
    # A phone-camera-like look at the printed label: three times larger and soft.
    photo = image.resize((image.width * 3, image.height * 3), Image.Resampling.BILINEAR)
    assert scan(photo.filter(ImageFilter.GaussianBlur(1.2))) == ["C02XK1ABJGH5"]


def test_short_serial_gets_wider_bars() -> None:
    image = label_image(Label("00123", "Phone", "$9.00"))
    assert narrowest_bar(image) == 3  # 0.375 mm, the widest we allow


def test_serial_too_long_for_the_label_is_refused_with_the_sizes() -> None:
    label = Label("ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijkl", "Item", "$1.00")
    with pytest.raises(BarcodeFitError, match=r"its bars need \d+\.\d mm at 2 printer dots") as e:
        label_image(label, LABEL_50X25)
    assert isinstance(e.value, UserError) and isinstance(e.value, ValueError)
    wider = Label("ABCDEFGHIJKLMNOPQRST", "Item", "$1.00")
    assert scan(label_image(wider, ROLL_80)) == [wider.serial]  # a wider label takes more


def test_label_too_short_for_scannable_bars_is_refused() -> None:
    with pytest.raises(BarcodeFitError, match="taller label"):
        label_image(Label("SN1", "Item", "$1.00"), LabelSize("strip", 50, 8, margin_mm=1))


@pytest.mark.parametrize("serial", ["ABC-12345", "0", "abc_12.3/4", "12345678901"])
def test_gs1_label_scans_as_gtin_and_serial(serial: str) -> None:
    # GTIN and serial mostly need a roll label: 50 mm takes only the shortest serials.
    label = Label(serial, "Camera", "$1,299.00", symbology=Symbology.GS1_128, gtin=GTIN13)
    assert label_fits(label, LABEL_50X25) is (len(serial) == 1)
    image = label_image(label, ROLL_80)
    found = zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)
    assert [(b.text, b.symbology_identifier, b.content_type) for b in found] == [
        ("01" + GTIN14 + "21" + serial, "]C1", zxingcpp.ContentType.GS1)
    ]
    assert scan(image, hri=True) == [f"(01){GTIN14}(21){serial}"]
    assert label.barcode_text == "01" + GTIN14 + "21" + serial


def test_gs1_label_with_20_character_serial_needs_a_wider_label() -> None:
    label = Label("A1B2C3D4E5F6G7H8I9J0", "Cam", "$1", symbology=Symbology.GS1_128, gtin=GTIN13)
    for size in (LABEL_50X25, ROLL_58, ROLL_80):
        with pytest.raises(BarcodeFitError, match="too long for a"):
            label_image(label, size)
    shorter = Label("A1B2C3D4E5", "Cam", "$1", symbology=Symbology.GS1_128, gtin=GTIN13)
    assert scan(label_image(shorter, ROLL_80)) == ["01" + GTIN14 + "21A1B2C3D4E5"]


def _receipt(number: str = "R-000812") -> Receipt:
    return Receipt(
        store_lines=("GADGET FIX & SELL",),
        title="SALE",
        number=number,
        date="2024-05-01",
        cashier="Ann",
        lines=(
            ReceiptLine(
                "Phone", 1, "$699.00", "$699.00", serial="00123", warranty_end="2025-05-01"
            ),
        ),
        totals=(TotalLine("TOTAL", "$699.00"),),
    )


@pytest.mark.parametrize("width_mm", [58, 80])
def test_receipt_preview_scans_as_its_number(width_mm: int) -> None:
    image = receipt_image(_receipt(), width_mm)
    assert image.width == round(width_mm * 203 / 25.4)
    assert scan(image) == ["R-000812"]


def test_paper_columns_at_203_dpi_are_32_and_48() -> None:
    assert (roll_columns(58), roll_columns(80)) == (32, 48)
    with pytest.raises(ValueError):
        roll_columns(72)


@pytest.mark.parametrize("width_mm", [58, 80])
def test_tag_preview_scans_as_its_ticket_number(width_mm: int) -> None:
    tag = Tag(
        ticket_number="T-004211",
        customer="Carol",
        device="MacBook Air",
        serial="C02DX1ABQ6L4",
        problem="No power",
        date="2024-05-02",
        accessories=None,
    )
    assert scan(tag_image(tag, width_mm)) == ["T-004211"]


def test_png_keeps_size_and_resolution() -> None:
    image = label_image(Label("SN1", "Item", "$1.00"))
    png = to_png(image)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    reopened = Image.open(io.BytesIO(png))
    assert reopened.size == image.size
    assert round(reopened.info["dpi"][0]) == 203
    assert scan(reopened) == ["SN1"]


def test_barcode_image_has_whole_pixel_modules_and_quiet_zones() -> None:
    image = barcode_image("SN1", module_px=2, height_px=10)
    assert image.height == 10
    assert image.width == (68 + 20) * 2  # start, 3 characters, check: 68 modules + 2 x 10
    row = [image.getpixel((x, 0)) for x in range(image.width)]
    assert set(row[:20]) == {255} and set(row[-20:]) == {255}


@pytest.mark.parametrize("kind", ["sans", "sans-bold", "mono", "mono-bold"])
def test_a_font_file_is_always_found(kind: str) -> None:
    path, _real = font_path(kind)  # type: ignore[arg-type]
    assert os.path.isfile(path)
