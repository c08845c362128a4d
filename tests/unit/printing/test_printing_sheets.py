"""PDF label sheets, read back with pdf_sheet_reader: every barcode scans as its label's
text, in order, inside its label; the serial is printed as text; pages hold the grid."""

from __future__ import annotations

import math

import pytest
import zxingcpp
from pdf_sheet_reader import Page, PlacedImage, read_pdf
from PIL import Image

from app.printing.barcodes import MIN_MODULE_MM, BarcodeFitError
from app.printing.documents import LABEL_50X25, Label, LabelSize, Symbology
from app.printing.sheets import BARCODE_DPI, label_sheet_pdf, sheet_layout

GTIN14 = "09506000134352"


def scan(placed: PlacedImage) -> list[str]:
    """The barcode as a printer draws it: the few stored rows stretched along the bars."""
    image = placed.image.resize((placed.image.width, 60), Image.Resampling.NEAREST)
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.Code128, text_mode=zxingcpp.TextMode.Plain
    )
    return [barcode.text for barcode in found]


def labels_on(pages: list[Page]) -> list[tuple[int, PlacedImage]]:
    return [(n, image) for n, page in enumerate(pages) for image in page.images]


@pytest.fixture(scope="module")
def thousand() -> list[Label]:
    return [
        Label(
            f"SN{i:07d}-{'abcxyz'[i % 6]}",
            f"Item {i} Apple iPhone 13",
            f"${i}.00",
            asset_tag=f"AT-{i}" if i % 3 == 0 else None,
        )
        for i in range(1000)
    ]


@pytest.fixture(scope="module")
def thousand_pages(thousand: list[Label]) -> list[Page]:
    return read_pdf(label_sheet_pdf(thousand))


def test_1000_labels_fill_23_a4_pages_of_44(thousand_pages: list[Page]) -> None:
    layout = sheet_layout()
    assert (layout.columns, layout.rows, layout.per_page) == (4, 11, 44)
    assert len(thousand_pages) == math.ceil(1000 / 44) == 23
    assert [len(p.images) for p in thousand_pages] == [44] * 22 + [1000 - 22 * 44]
    assert round(thousand_pages[0].width, 1) == 210.0 and round(thousand_pages[0].height) == 297


def test_every_barcode_on_the_sheets_scans_as_its_label_in_order(
    thousand: list[Label], thousand_pages: list[Page]
) -> None:
    placed = labels_on(thousand_pages)
    assert [scan(image) for _, image in placed] == [[label.serial] for label in thousand]


def test_each_barcode_with_its_quiet_zones_lies_inside_its_own_label(
    thousand_pages: list[Page],
) -> None:
    layout = sheet_layout()
    for index, (_, image) in enumerate(labels_on(thousand_pages)):
        x, y = layout.origin(index)
        assert x + LABEL_50X25.margin_mm - 1e-3 <= image.x
        assert image.x + image.width <= x + LABEL_50X25.width_mm - LABEL_50X25.margin_mm + 1e-3
        assert y < image.top and image.top + image.height < y + LABEL_50X25.height_mm


def test_bars_sit_on_the_300_dpi_grid_and_are_never_too_thin(thousand_pages: list[Page]) -> None:
    for _, image in labels_on(thousand_pages)[:50]:
        # The image is placed at exactly one image pixel per 1/300 inch, on a whole dot.
        assert image.x * BARCODE_DPI / 25.4 == pytest.approx(
            round(image.x * BARCODE_DPI / 25.4), abs=0.02
        )
        assert image.width == pytest.approx(image.image.width * 25.4 / BARCODE_DPI, abs=0.01)
        row = image.image.tobytes()[: image.image.width]
        runs = [len(r) for r in row.replace(b"\xff", b" ").split()]
        assert min(runs) * 25.4 / BARCODE_DPI >= MIN_MODULE_MM - 1e-9


def test_name_price_serial_and_asset_tag_are_printed_as_text(
    thousand: list[Label], thousand_pages: list[Page]
) -> None:
    texts = [t.text for t in thousand_pages[0].texts]
    for label in thousand[:44]:
        assert label.serial in texts
        assert label.price in texts
        if label.asset_tag:
            assert f"Asset {label.asset_tag}" in texts
    names = [t for t in texts if t.startswith("Item ")]
    assert len(names) == 44 and all(n.endswith(("…", "13")) for n in names)


def test_serials_that_are_hard_for_printers_scan_from_the_pdf() -> None:
    serials = [
        "00123",
        "99123456",
        "99",
        "abc-def",
        "A1B2C3D4E5F6",  # the most letters a 50x25 label takes at two dots a bar
        "12345678901234567890",
        "x~y^z_\\",
        "a{b}c",
        "SN 001",
        "(01)x",
    ]
    (page,) = read_pdf(label_sheet_pdf([Label(s, "Item", "$1.00") for s in serials], page="Letter"))
    assert [scan(image) for image in page.images] == [[serial] for serial in serials]
    texts = [t.text for t in page.texts]
    assert all(serial in texts for serial in serials)


def test_gs1_labels_scan_as_element_strings() -> None:
    labels = [
        Label(f"ABC{i:05d}", "Cam", "$1", symbology=Symbology.GS1_128, gtin="9506000134352")
        for i in range(5)
    ]
    wide = LabelSize("100x30", 100.0, 30.0)  # GTIN and serial need more than 50 mm
    (page,) = read_pdf(label_sheet_pdf(labels, label_size=wide))
    for label, image in zip(labels, page.images, strict=True):
        stretched = image.image.resize((image.image.width, 60), Image.Resampling.NEAREST)
        (found,) = zxingcpp.read_barcodes(stretched, text_mode=zxingcpp.TextMode.Plain)
        assert found.text == "01" + GTIN14 + "21" + label.serial
        assert found.content_type == zxingcpp.ContentType.GS1
        assert f"(01){GTIN14}(21){label.serial}" in [t.text for t in page.texts]


def test_letter_sheet_with_explicit_grid_gaps_and_margins() -> None:
    avery = LabelSize("66.7x25.4", 66.7, 25.4, margin_mm=2.0)  # 30 per US Letter sheet
    labels = [Label(f"SN{i}", "Item", "$1") for i in range(31)]
    pages = read_pdf(
        label_sheet_pdf(
            labels,
            page="Letter",
            label_size=avery,
            columns=3,
            rows=10,
            margin_left_mm=4.8,
            margin_top_mm=12.7,
            gap_x_mm=3.2,
            gap_y_mm=0.0,
            outlines=True,
        )
    )
    assert [len(p.images) for p in pages] == [30, 1]
    assert round(pages[0].width, 1) == 215.9 and round(pages[0].height, 1) == 279.4
    third = pages[0].images[2]  # first row, third column
    assert 4.8 + 2 * (66.7 + 3.2) < third.x < 4.8 + 2 * (66.7 + 3.2) + 66.7 - third.width
    assert scan(pages[1].images[0]) == ["SN30"]


def test_a_grid_that_overflows_the_page_is_refused() -> None:
    with pytest.raises(ValueError, match="do not fit on a A4 page"):
        sheet_layout(columns=5)
    with pytest.raises(ValueError, match="does not fit"):
        sheet_layout(label_size=LabelSize("huge", 300, 20))
    with pytest.raises(ValueError, match="page must be"):
        sheet_layout(page="A5")  # type: ignore[arg-type]


def test_no_labels_and_unprintable_serials_are_refused() -> None:
    with pytest.raises(ValueError, match="no labels"):
        label_sheet_pdf([])
    with pytest.raises(BarcodeFitError):
        label_sheet_pdf(
            [Label("ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz", "Item", "$1")]
        )
