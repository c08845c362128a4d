"""ZPL II labels. No Zebra here, so a small reader plays the printer: it parses the
formats, undoes ^FH escapes, turns ^BC field data (invocation codes) into Code 128
symbols and draws them, and zxing-cpp scans the result."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import zxingcpp

from app.printing.barcodes import QUIET_EDGE_MM, BarcodeFitError
from app.printing.documents import LABEL_50X25, ROLL_80, Label, Symbology
from app.printing.zpl import render_labels_zpl, zpl_barcode_data, zpl_text
from tests.support.escpos_decode import code128_image

GTIN14 = "09506000134352"
SERIALS = [
    "00123",
    "99123456",
    "99",
    "abc-def",
    "A1B2C3D4E5F6G7H8I9J0",
    "12345678901234567890",
    "SN^0>9~_x",
    "a{b}c|d",
    "x\\y",
    "SN 001",
    ">",
    "^~",
    "7",
    "_5E",
]


@dataclass
class Field:
    origin: tuple[int, int] = (0, 0)
    commands: dict[str, str] = field(default_factory=dict)
    data: str = ""

    @property
    def text(self) -> str:
        """Field data as printed: ^FH_ hex escapes decoded as UTF-8 (^CI28)."""
        raw = self.data
        if "FH" in self.commands:
            assert self.commands["FH"] == "_"
            raw_bytes = re.sub(
                rb"_([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw.encode()
            )
            return raw_bytes.decode("utf-8")
        return raw


@dataclass
class Format:
    settings: dict[str, str]
    fields: list[Field]

    def barcode(self) -> Field:
        (bar,) = [f for f in self.fields if "BC" in f.commands]
        return bar

    def texts(self) -> list[str]:
        return [f.text for f in self.fields if "BC" not in f.commands]


def parse(zpl: str) -> list[Format]:
    """Split ZPL into formats and fields. Any ^ or ~ inside field data would show up here
    as a bogus command, so the parse itself proves the escaping."""
    assert "~" not in zpl
    formats: list[Format] = []
    current: Format | None = None
    item: Field | None = None
    for token in zpl.split("^")[1:]:
        token = token.rstrip("\n")
        name, args = ("A", token[1:]) if token.startswith("A") else (token[:2], token[2:])
        if name == "XA":
            current = Format({}, [])
        elif name == "XZ":
            assert current is not None and item is None
            formats.append(current)
            current = None
        elif name == "FO":
            assert current is not None
            x, y = args.split(",")
            item = Field((int(x), int(y)))
        elif name == "FS":
            assert current is not None and item is not None
            current.fields.append(item)
            item = None
        elif name == "FD":
            assert item is not None
            item.data = args
        elif item is not None:
            item.commands[name] = args
        else:
            assert current is not None, f"^{name} outside ^XA…^XZ"
            current.settings[name] = args
    assert current is None, "format without ^XZ"
    return formats


_INVOCATION = {"<": 62, "0": 30, "=": 94, "5": 99, "6": 100, "8": 102}


def bc_symbols(data: str) -> list[int]:
    """Code 128 symbol values (with check) a Zebra encodes from ^BC mode N field data."""
    starts = {">9": ("A", 103), ">:": ("B", 104), ">;": ("C", 105)}
    code_set, start = starts.get(data[:2], ("B", 104))
    i = 2 if data[:2] in starts else 0
    values = [start]
    while i < len(data):
        if data[i] == ">":
            value = _INVOCATION[data[i + 1]]
            if value == 99:
                code_set = "C"
            elif value == 100:
                assert code_set == "C", ">6 in subset B would be FNC4"
                code_set = "B"
            values.append(value)
            i += 2
        elif code_set == "C":
            pair = data[i : i + 2]
            assert pair.isdigit() and len(pair) == 2, f"odd digit in subset C: {data!r}"
            values.append(int(pair))
            i += 2
        else:
            assert " " <= data[i] <= "~" and data[i] not in "^~>"
            values.append(ord(data[i]) - 32)
            i += 1
    check = (values[0] + sum(n * v for n, v in enumerate(values[1:], 1))) % 103
    return [*values, check]


def scan_format(fmt: Format) -> list[zxingcpp.Barcode]:
    bar = fmt.barcode()
    module = int(bar.commands["BY"].split(",")[0])
    image = code128_image(bc_symbols(bar.data), module_px=module, height=80)
    return list(zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain))


# --- Structure -----------------------------------------------------------------------------


def test_label_format_has_page_setup_text_fields_and_a_code128() -> None:
    label = Label("SN-000123", "Apple iPhone 13", "$699.00", asset_tag="AT-0042")
    (fmt,) = parse(render_labels_zpl([label]))
    assert fmt.settings == {"CI": "28", "PW": "400", "LL": "200", "LH": "0,0", "PQ": "1"}
    assert fmt.texts() == ["Apple iPhone 13", "$699.00", "SN-000123", "Asset AT-0042"]
    bar = fmt.barcode()
    assert bar.commands["BC"] == f"N,{bar.commands['BY'].split(',')[2]},N,N,N,N"
    assert bar.data == ">:SN->5000123"  # SN- in subset B, then 000123 as digit pairs
    price = fmt.fields[1]
    assert price.commands["FB"].endswith(",1,0,R,0")  # flush right in the label's width


def test_gs1_starts_in_subset_c_with_fnc1_and_switches_to_b_for_the_serial() -> None:
    label = Label("ABC-12", "Cam", "$1", symbology=Symbology.GS1_128, gtin="9506000134352")
    (fmt,) = parse(render_labels_zpl([label], ROLL_80))  # too long for 50 mm at two dots
    assert fmt.barcode().data == ">;>8" + "01" + GTIN14 + "21" + ">6ABC-12"
    assert "(01)09506000134352(21)ABC-12" in fmt.texts()
    (found,) = scan_format(fmt)
    assert found.text == "01" + GTIN14 + "21ABC-12"
    assert found.content_type == zxingcpp.ContentType.GS1


def test_zpl_syntax_characters_are_escaped_in_barcode_and_text() -> None:
    assert zpl_barcode_data("SN^0>9~_x") == ">:SN><0>09>=_x"
    assert zpl_text("SN^0>9~_x\\") == "SN_5E0>9_7E_5Fx_5C"
    assert zpl_text("Café €5") == "Caf_C3_A9 _E2_82_AC5"
    assert zpl_text("Cable\x1e^XZ\n") == "Cable _5EXZ"
    label = Label("SN^0>9~_x", "Café ^XZ~JA", "€5", asset_tag="_^~")
    (fmt,) = parse(render_labels_zpl([label]))
    assert fmt.texts() == ["Café ^XZ~JA", "€5", "SN^0>9~_x", "Asset _^~"]


@pytest.mark.parametrize("serial", SERIALS)
def test_every_zpl_barcode_scans_as_its_serial(serial: str) -> None:
    (fmt,) = parse(render_labels_zpl([Label(serial, "Item", "$1.00")], ROLL_80))
    assert [b.text for b in scan_format(fmt)] == [serial]
    assert serial in fmt.texts()


@pytest.mark.parametrize("serial", SERIALS)
def test_barcode_and_its_quiet_zones_lie_inside_the_label(serial: str) -> None:
    label = Label(serial, "Item", "$1.00")
    if len(serial) > 12 and not serial.isdigit():  # more than 50 mm takes at two dots a bar
        with pytest.raises(BarcodeFitError, match="too long for a 50x25 label"):
            render_labels_zpl([label], LABEL_50X25)
        return
    (fmt,) = parse(render_labels_zpl([label], LABEL_50X25))
    bar = fmt.barcode()
    module = int(bar.commands["BY"].split(",")[0])
    assert module >= 2
    modules = (len(bc_symbols(bar.data)) * 11) + 13
    x, y = bar.origin
    edge = round(QUIET_EDGE_MM * 203 / 25.4)  # quiet zones may reach into the margins
    assert x >= 10 * module + edge
    assert x + (modules + 10) * module <= int(fmt.settings["PW"]) - edge
    assert y + int(bar.commands["BY"].split(",")[2]) <= int(fmt.settings["LL"])


def test_one_format_per_label() -> None:
    labels = [Label(f"SN{i:04d}", "Item", "$1") for i in range(25)]
    formats = parse(render_labels_zpl(labels, ROLL_80, dpi=300))
    assert [f.barcode().data for f in formats] == [f">:SN>5{i:04d}" for i in range(25)]
    assert formats[0].settings["PW"] == str(round(80 * 300 / 25.4))


def test_serial_too_long_for_the_label_is_refused() -> None:
    with pytest.raises(BarcodeFitError):
        render_labels_zpl([Label("ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijkl", "Item", "$1")])
