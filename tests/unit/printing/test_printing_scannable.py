"""Labels a scanner reads the first time, in every format: one rule decides what fits, no
bar or space is narrower than two printer dots, and two decoders nobody here wrote
(zxing-cpp and zbar) read every barcode back to its exact text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from app.printing import escpos, raster, sheets, zpl
from app.printing.barcodes import BarcodeFitError
from app.printing.documents import (
    LABEL_SIZES,
    Label,
    LabelSize,
    Symbology,
    roll_label_size,
)
from app.printing.sheets import label_sheet_pdf, sheet_layout
from tests.support.bars import label_fits, narrowest_element
from tests.support.decoders import zbar, zxing
from tests.support.escpos_decode import Barcode, Raster, decode

GTIN13 = "9506000134352"
SERIALS = [
    "7",
    "00123",
    "99123456",  # python-barcode 0.16.1 would lose the "99"
    "SN0098",
    "sn-0001-x",
    "a{b}c|d",
    "C02XK1ABJGH5",  # twelve letters and digits: the most a 50x25 label takes
    "356789012345678",  # an IMEI: digits pack two to a bar pattern
    "A1B2C3D4E5F6G7H8I9J0",
    "12345678901234567890123456",
    "SN-2024-000000000000000001",  # 30 characters: too long for every format on 50 mm
]
LABELS = [Label(s, "Apple iPhone 13 128GB", "€699.00", asset_tag="AT-7") for s in SERIALS] + [
    Label(s, "Camera", "€1,299.00", symbology=Symbology.GS1_128, gtin=GTIN13)
    for s in ("0", "ABC-12345", "A1B2C3D4E5F6G7H8I9J0")
]
IDS = [f"{label.symbology.value}:{label.serial}" for label in LABELS]
ROLL_PROFILES = {"TM-T20II": 203, "TM-T88V": 180}  # a 203 and a 180 dpi head


def scannable(label: Label) -> str:
    """What a scanner sends for the label (GS1: the element string, no parentheses)."""
    return label.barcode_text


def escpos_images(stream: bytes, profile: str) -> list[Image.Image]:
    return [event.image for event in decode(stream, profile) if isinstance(event, Raster)]


def pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm is not installed (make test installs Debian's poppler-utils)")
    return tool


def rasterised_labels(labels: list[Label], *, printer_dpi: int, dpi: int, tmp: Path) -> list[
    Image.Image
]:  # fmt: skip
    """The labels on one PDF sheet, rasterised by poppler at ``dpi``, one image each."""
    pdf = tmp / f"sheet-{printer_dpi}.pdf"
    pdf.write_bytes(label_sheet_pdf(labels, printer_dpi=printer_dpi))
    stem = tmp / f"page-{printer_dpi}-{dpi}"
    layout = sheet_layout()
    last = layout.origin(len(labels) - 1)[1] + layout.label_size.height_mm
    width, height = (round(mm * dpi / 25.4) for mm in (layout.page_width_mm, last))
    subprocess.run(  # only the rows with labels: a whole A4 page at 600 dpi is slow
        [pdftoppm(), "-r", str(dpi), "-gray", "-f", "1", "-l", "1", "-png", "-singlefile",
         "-x", "0", "-y", "0", "-W", str(width), "-H", str(height), str(pdf), str(stem)],
        check=True, timeout=60,
    )  # fmt: skip
    page = Image.open(f"{stem}.png")
    out = []
    for index in range(len(labels)):
        x, y = layout.origin(index)
        box = (x, y, x + layout.label_size.width_mm, y + layout.label_size.height_mm)
        out.append(page.crop(tuple(round(v * dpi / 25.4) for v in box)))  # type: ignore[arg-type]
    return out


# --- one rule ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS, ids=IDS)
def test_every_format_prints_or_refuses_the_same_labels(label: Label) -> None:
    for size in LABEL_SIZES.values():
        expected = label_fits(label, size)
        outcomes = {}
        renders: dict[str, Callable[[LabelSize], object]] = {
            "png": lambda size: raster.label_image(label, size),
            "pdf": lambda size: label_sheet_pdf([label], label_size=size),
            "zpl": lambda size: zpl.render_labels_zpl([label], size),
        }
        for name, render in renders.items():
            try:
                render(size)
                outcomes[name] = True
            except BarcodeFitError as exc:
                assert "\n" not in exc.message
                outcomes[name] = False
        assert outcomes == dict.fromkeys(outcomes, expected), size.name
    for width in (58, 80):
        expected = label_fits(label, roll_label_size(width))
        try:
            escpos.render_labels([label], width_mm=width, profile="TM-T20II")
            printed = True
        except BarcodeFitError:
            printed = False
        assert printed is expected, f"{width} mm roll"


def test_a_refusal_says_why_in_one_line() -> None:
    label = Label("SN-2024-000000000000000001", "Phone", "€1")
    with pytest.raises(BarcodeFitError) as caught:
        label_sheet_pdf([label])
    message = caught.value.message
    assert "too long for a 50x25 label" in message and "2 printer dots" in message
    assert "about 12 letters or 24 digits fit" in message and "\n" not in message


# --- two dots ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS, ids=IDS)
def test_no_bar_is_narrower_than_two_printer_dots(label: Label) -> None:
    for size in LABEL_SIZES.values():
        if label_fits(label, size):
            for dpi in (203, 300):
                image = raster.label_image(label, size, dpi=dpi)
                assert narrowest_element(image) >= 2, (size.name, dpi)
            match = re.search(r"\^BY(\d+),", zpl.render_labels_zpl([label], size))
            assert match and int(match.group(1)) >= 2
    for width in (58, 80):
        for profile, dpi in ROLL_PROFILES.items():
            if not label_fits(label, roll_label_size(width), dpi):
                continue  # a coarser head takes fewer modules: refused by the rule itself
            stream = escpos.render_labels(
                [label], width_mm=width, profile=profile, native_barcodes=False
            )
            (image,) = escpos_images(stream, profile)
            assert narrowest_element(image) >= 2, (width, profile)
            native = escpos.render_labels([label], width_mm=width, profile=profile)
            for event in decode(native, profile):
                if isinstance(event, Barcode):
                    assert event.module_dots >= 2


@pytest.mark.slow
@pytest.mark.parametrize("printer_dpi", [203, 300, 600])
def test_pdf_bars_land_on_whole_dots_of_the_printer(printer_dpi: int, tmp_path: Path) -> None:
    labels = [label for label in LABELS if label_fits(label, LABEL_SIZES["50x25"])]
    module = {203: 2, 300: 3, 600: 6}[printer_dpi]
    for image in rasterised_labels(labels, printer_dpi=printer_dpi, dpi=printer_dpi, tmp=tmp_path):
        assert narrowest_element(image) >= max(2, module)
    if printer_dpi == 300:  # the same sheet on a 600 dpi printer: twice the dots, exactly
        for image in rasterised_labels(labels, printer_dpi=300, dpi=600, tmp=tmp_path):
            assert narrowest_element(image) >= 6


# --- two decoders ------------------------------------------------------------------------------


def _decoded_by_both(images: list[Image.Image], labels: list[Label]) -> None:
    expected = [[scannable(label)] for label in labels]
    assert [zxing(image) for image in images] == expected
    assert zbar(images) == expected


@pytest.mark.parametrize("dpi", [203, 300])
def test_png_labels_decode_with_zxing_and_zbar(dpi: int) -> None:
    images, labels = [], []
    for size in LABEL_SIZES.values():
        for label in LABELS:
            if label_fits(label, size):
                images.append(raster.label_image(label, size, dpi=dpi))
                labels.append(label)
    _decoded_by_both(images, labels)


def test_escpos_raster_labels_decode_with_zxing_and_zbar() -> None:
    images, labels = [], []
    for width in (58, 80):
        for profile in ROLL_PROFILES:
            for label in LABELS:
                try:
                    stream = escpos.render_labels(
                        [label], width_mm=width, profile=profile, native_barcodes=False
                    )
                except BarcodeFitError:
                    continue
                images += escpos_images(stream, profile)
                labels.append(label)
    assert len(labels) > 20
    _decoded_by_both(images, labels)


@pytest.mark.slow
@pytest.mark.parametrize("dpi", [203, 300])
def test_pdf_sheets_decode_with_zxing_and_zbar(dpi: int, tmp_path: Path) -> None:
    # A sheet is laid out for its printer's dots (sheets.py): no width is whole at both.
    printer_dpi = dpi
    labels = [label for label in LABELS if label_fits(label, LABEL_SIZES["50x25"])]
    images = rasterised_labels(labels, printer_dpi=printer_dpi, dpi=dpi, tmp=tmp_path)
    _decoded_by_both(images, labels)


def test_escpos_labels_take_the_paper_width_and_profile() -> None:
    label = Label("C02XK1ABJGH5", "Phone", "€1")
    narrow = escpos.render_labels([label], width_mm=58, profile="TM-T20II", native_barcodes=False)
    wide = escpos.render_labels([label], width_mm=80, profile="TM-T88V", native_barcodes=False)
    assert escpos_images(narrow, "TM-T20II")[0].width == 384
    assert escpos_images(wide, "TM-T88V")[0].width == 512  # 180 dpi head, 72 mm
    assert sheets.BARCODE_DPI == 300


def test_label_file_for_a_58mm_printer_takes_width_and_profile() -> None:
    from app.errors import InvalidInput
    from app.paperwork.labels import render_labels

    label = Label("SN0098", "Phone", "€1")
    data = render_labels([label], ".bin", LABEL_SIZES["50x25"], profile="TM-T20II", width_mm=58)
    assert data == escpos.render_labels([label], width_mm=58, profile="TM-T20II")
    with pytest.raises(InvalidInput, match="58 or 80 mm"):
        render_labels([label], ".bin", LABEL_SIZES["50x25"], width_mm=76)
    with pytest.raises(InvalidInput, match="unknown printer profile"):
        render_labels([label], ".bin", LABEL_SIZES["50x25"], profile="TM-NOPE")
