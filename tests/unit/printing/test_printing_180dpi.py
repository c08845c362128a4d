"""A 180 dpi head (TM-T88) and the one rule for what fits (issue 12): its narrowest bar is
two dots, 0.282 mm, so it takes fewer modules across the same paper than a 203 dpi head.
The shared rule counts with that width for it, so a label the rule lets through prints —
raster or printer-drawn, read back by zxing-cpp and zbar — and one it refuses is refused
before anything renders, in one line naming the 180 dpi printer; 203 dpi is unchanged."""

from __future__ import annotations

import string

import pytest

from app.printing import escpos, raster
from app.printing.barcodes import BarcodeFitError, module_mm
from app.printing.documents import LABEL_SIZES, Label, roll_label_size
from tests.support.bars import label_fits, narrowest_element
from tests.support.decoders import zbar, zxing
from tests.support.escpos_decode import Barcode, Raster, decode

# Letters (code set B, one symbol each) around where 180 and 203 dpi part on both rolls.
SERIALS = [string.ascii_uppercase[:n] for n in range(10, 24)] + ["1234567890" * 4]
ROLLS = {"TM-T88V": 180, "TM-T20II": 203}


def test_two_dots_of_a_180_dpi_head_are_the_rules_bar() -> None:
    assert module_mm(180) == pytest.approx(2 * 25.4 / 180)
    assert module_mm(203) == module_mm(300) == module_mm(600) == module_mm(None) == 0.254


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("profile", list(ROLLS))
def test_the_rule_and_the_printer_agree_at_each_resolution(width: int, profile: str) -> None:
    size, dpi = roll_label_size(width), ROLLS[profile]
    agreed = 0
    for serial in SERIALS:
        label = Label(serial, "Router", "€49.00")
        fits = label_fits(label, size, dpi)
        for native in (None, False):
            try:
                stream = escpos.render_labels([label], width_mm=width, profile=profile,
                                              native_barcodes=native)  # fmt: skip
            except BarcodeFitError as refused:
                assert not fits, (serial, native, refused.message)
                assert "\n" not in refused.message
                continue
            assert fits, (serial, native)
            events = decode(stream, profile)
            for event in events:
                if isinstance(event, Barcode):
                    assert event.module_dots >= 2
                elif isinstance(event, Raster):
                    assert narrowest_element(event.image) >= 2
            agreed += 1
    assert agreed >= 6  # some fit at every width and resolution, both ways of drawing


def test_a_serial_too_long_for_the_180_dpi_head_is_refused_saying_so() -> None:
    label = Label(string.ascii_uppercase[:21], "Router", "€49.00")
    assert label_fits(label, roll_label_size(80), 203)  # the 203 dpi head prints it
    escpos.render_labels([label], width_mm=80, profile="TM-T20II")
    with pytest.raises(BarcodeFitError) as refused:
        escpos.render_labels([label], width_mm=80, profile="TM-T88V")
    message = refused.value.message
    assert "too long for a 80mm label on a 180 dpi printer" in message
    assert "2 printer dots" in message and "about 20 letters" in message


def test_what_the_180_dpi_head_prints_decodes_with_zxing_and_zbar() -> None:
    images, expected = [], []
    for width in (58, 80):
        for serial in SERIALS:
            label = Label(serial, "Router", "€49.00")
            if not label_fits(label, roll_label_size(width), 180):
                continue
            stream = escpos.render_labels([label], width_mm=width, profile="TM-T88V",
                                          native_barcodes=False)  # fmt: skip
            images += [e.image for e in decode(stream, "TM-T88V") if isinstance(e, Raster)]
            expected.append([serial])
    assert len(expected) >= 8
    assert [zxing(image) for image in images] == expected
    assert zbar(images) == expected


def test_a_png_label_at_180_dpi_follows_the_same_rule() -> None:
    size = LABEL_SIZES["50x25"]
    for serial in SERIALS:
        label = Label(serial, "Router", "€49.00")
        if label_fits(label, size, 180):
            assert narrowest_element(raster.label_image(label, size, dpi=180)) >= 2
        else:
            with pytest.raises(BarcodeFitError, match="on a 180 dpi printer"):
                raster.label_image(label, size, dpi=180)
