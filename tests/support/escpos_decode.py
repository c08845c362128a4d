"""Read an ESC/POS byte stream back, the way a printer would, for tests.

``decode(stream)`` walks the bytes and returns what the printer would do: text runs (with
the style in force), ``GS k`` barcodes (symbology and exact data), ``GS v 0`` raster
images (as Pillow images, black on white), cuts, feeds and drawer kicks. Commands of
known length that change nothing we check (line spacing, density, …) are skipped; any
other byte sequence raises, so a renderer cannot emit garbage unnoticed.

``code128_symbols`` / ``code128_image`` play the printer's part for a ``GS k`` Code 128
payload: they turn ``{B``/``{C``/``{1`` data into symbol values and bars, so a test can
scan what the printer would have drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from barcode.charsets import code128 as code128_charset
from escpos.capabilities import get_profile
from escpos.magicencode import Encoder
from PIL import Image, ImageOps

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT = 0x0A, 0x0D, 0x09

# GS k function B (m = 65…78) barcode systems.
SYMBOLOGIES_B = {
    65: "UPC-A",
    66: "UPC-E",
    67: "EAN13",
    68: "EAN8",
    69: "CODE39",
    70: "ITF",
    71: "CODABAR",
    72: "CODE93",
    73: "CODE128",
    74: "GS1-128",
    75: "GS1 DATABAR OMNIDIRECTIONAL",
    76: "GS1 DATABAR TRUNCATED",
    77: "GS1 DATABAR LIMITED",
    78: "GS1 DATABAR EXPANDED",
}
SYMBOLOGIES_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR"}

# Commands whose argument count is fixed: (prefix, command byte) -> argument bytes.
_FIXED: dict[tuple[int, int], int] = {
    (ESC, ord("@")): 0,
    (ESC, ord("!")): 1,
    (ESC, ord("E")): 1,
    (ESC, ord("-")): 1,
    (ESC, ord("a")): 1,
    (ESC, ord("M")): 1,
    (ESC, ord("t")): 1,
    (ESC, ord("d")): 1,
    (ESC, ord("J")): 1,
    (ESC, ord("2")): 0,
    (ESC, ord("3")): 1,
    (ESC, ord("p")): 3,
    (ESC, ord("{")): 1,
    (ESC, ord("G")): 1,
    (ESC, ord("V")): 1,
    (ESC, ord("R")): 1,
    (ESC, ord("=")): 1,
    (ESC, ord("r")): 1,
    (ESC, ord(" ")): 1,
    (ESC, ord("$")): 2,
    (ESC, ord("\\")): 2,
    (ESC, ord("c")): 2,
    (ESC, ord("B")): 2,
    (ESC, ord("+")): 1,
    (ESC, ord("A")): 1,
    (ESC, ord("U")): 1,
    (GS, ord("!")): 1,
    (GS, ord("B")): 1,
    (GS, ord("b")): 1,
    (GS, ord("h")): 1,
    (GS, ord("w")): 1,
    (GS, ord("H")): 1,
    (GS, ord("f")): 1,
    (GS, ord("L")): 2,
    (GS, ord("W")): 2,
    (GS, ord("|")): 1,
    (GS, ord("a")): 1,
    (GS, ord("r")): 1,
    (GS, ord("I")): 1,
    (DLE, 0x04): 1,
}


class EscposDecodeError(ValueError):
    """The stream holds bytes no printer would understand."""


@dataclass(frozen=True)
class Style:
    bold: bool = False
    width: int = 1  # character width multiplier
    height: int = 1
    align: str = "left"


@dataclass(frozen=True)
class Text:
    """Printable text between two commands; ``ends_line`` if a line feed follows."""

    text: str
    style: Style
    ends_line: bool = False


@dataclass(frozen=True)
class Barcode:
    symbology: str
    data: bytes
    module_dots: int
    height_dots: int
    hri: int  # GS H: 0 none, 1 above, 2 below, 3 both

    @property
    def text(self) -> str:
        """What a scanner reads (Code 128 only): code-set escapes resolved."""
        return code128_text(self.data)[0]


@dataclass(frozen=True)
class Raster:
    image: Image.Image = field(compare=False)
    density: int = 0


@dataclass(frozen=True)
class Cut:
    partial: bool


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class DrawerKick:
    pin: int
    on_ms: int
    off_ms: int


Event = Text | Barcode | Raster | Cut | Feed | DrawerKick


@dataclass(frozen=True)
class Line:
    """A printed line: its runs joined, and how many Font A columns it takes."""

    text: str
    columns: int
    styles: tuple[Style, ...]


def decode(stream: bytes, profile: str = "TM-T88V") -> list[Event]:
    """Every event of ``stream``, in order. Raises EscposDecodeError on unknown bytes."""
    return list(_Decoder(stream, profile).events())


def lines(events: Iterable[Event]) -> list[Line]:
    """Text events joined into printed lines (split at line feeds)."""
    out: list[Line] = []
    text, columns, styles = "", 0, []
    for event in events:
        if not isinstance(event, Text):
            continue
        text += event.text
        columns += len(event.text) * event.style.width
        styles.append(event.style)
        if event.ends_line:
            out.append(Line(text, columns, tuple(styles)))
            text, columns, styles = "", 0, []
    if text:
        out.append(Line(text, columns, tuple(styles)))
    return out


class _Decoder:
    def __init__(self, stream: bytes, profile: str) -> None:
        self.data = stream
        self.pos = 0
        self.style = Style()
        self.bar_width = 3
        self.bar_height = 162
        self.hri = 0
        self.codepage: str | None = None
        self.code_pages = {int(v): k for k, v in get_profile(profile).get_code_pages().items()}
        self.text = bytearray()

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise EscposDecodeError(f"stream ends inside a command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def flush(self, ends_line: bool = False) -> Iterator[Event]:
        if self.text or ends_line:
            yield Text(self._decode_text(bytes(self.text)), self.style, ends_line)
            self.text.clear()

    def _decode_text(self, raw: bytes) -> str:
        if all(b < 0x80 for b in raw):
            return raw.decode("ascii")
        if self.codepage is None:
            raise EscposDecodeError("text above 0x7F before any code page was selected")
        table = Encoder._get_codepage_char_list(self.codepage)
        return "".join(chr(b) if b < 0x80 else table[b - 0x80] for b in raw)

    def events(self) -> Iterator[Event]:
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            if byte == LF:
                self.pos += 1
                yield from self.flush(ends_line=True)
            elif byte == CR:
                self.pos += 1
            elif byte >= 0x20 or byte == HT:
                self.text.append(byte)
                self.pos += 1
            elif byte in (ESC, GS, DLE, FS):
                yield from self.flush()
                yield from self.command()
            else:
                raise EscposDecodeError(f"control byte 0x{byte:02x} at {self.pos}")
        yield from self.flush()

    def command(self) -> Iterator[Event]:
        start = self.pos
        prefix, code = self.take(2)
        if prefix == GS and code == ord("k"):
            yield self.barcode()
            return
        if prefix == GS and code == ord("v"):
            yield self.raster()
            return
        if prefix == GS and code == ord("V"):
            mode = self.take(1)[0]
            if mode in (65, 66):
                self.take(1)
            elif mode not in (0, 1, 48, 49):
                raise EscposDecodeError(f"GS V with mode {mode} at {start}")
            yield Cut(partial=mode in (1, 49, 66))
            return
        if prefix == GS and code == ord("("):
            low, high = self.take(2)
            self.take(low + 256 * high)
            return
        if (prefix, code) not in _FIXED:
            raise EscposDecodeError(f"unknown command {bytes([prefix, code])!r} at {start}")
        args = self.take(_FIXED[(prefix, code)])
        yield from self.apply(prefix, code, args)

    def apply(self, prefix: int, code: int, args: bytes) -> Iterator[Event]:
        cmd = (prefix, chr(code))
        if cmd == (ESC, "@"):
            self.style, self.codepage, self.hri = Style(), None, 0
        elif cmd == (ESC, "!"):
            mode = args[0]
            self.style = Style(
                bold=bool(mode & 0x08),
                width=2 if mode & 0x20 else 1,
                height=2 if mode & 0x10 else 1,
                align=self.style.align,
            )
        elif cmd == (GS, "!"):
            self.style = Style(
                self.style.bold, (args[0] >> 4) + 1, (args[0] & 7) + 1, self.style.align
            )
        elif cmd == (ESC, "E"):
            self.style = Style(
                bool(args[0] & 1), self.style.width, self.style.height, self.style.align
            )
        elif cmd == (ESC, "a"):
            align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
            self.style = Style(self.style.bold, self.style.width, self.style.height, align[args[0]])
        elif cmd == (ESC, "t"):
            if args[0] not in self.code_pages:
                raise EscposDecodeError(f"code page {args[0]} is not in the profile")
            self.codepage = self.code_pages[args[0]]
        elif cmd == (ESC, "d"):
            yield Feed(args[0])
        elif cmd == (ESC, "p"):
            yield DrawerKick(
                pin=2 if args[0] in (0, 48) else 5, on_ms=args[1] * 2, off_ms=args[2] * 2
            )
        elif cmd == (GS, "w"):
            self.bar_width = args[0]
        elif cmd == (GS, "h"):
            self.bar_height = args[0]
        elif cmd == (GS, "H"):
            self.hri = args[0] & 3

    def barcode(self) -> Barcode:
        system = self.take(1)[0]
        if system in SYMBOLOGIES_B:
            data = self.take(self.take(1)[0])
            name = SYMBOLOGIES_B[system]
        elif system in SYMBOLOGIES_A:
            end = self.data.index(0, self.pos)
            data = self.take(end - self.pos)
            self.take(1)
            name = SYMBOLOGIES_A[system]
        else:
            raise EscposDecodeError(f"GS k with unknown barcode system {system}")
        return Barcode(name, bytes(data), self.bar_width, self.bar_height, self.hri)

    def raster(self) -> Raster:
        if self.take(1) != b"0":
            raise EscposDecodeError("only GS v 0 raster images are known")
        density, xl, xh, yl, yh = self.take(5)
        width_bytes, height = xl + 256 * xh, yl + 256 * yh
        bits = self.take(width_bytes * height)
        # ESC/POS: bit set = dot printed (black); Pillow "1": bit set = white.
        image = Image.frombytes("1", (width_bytes * 8, height), bits)
        return Raster(ImageOps.invert(image.convert("L")), density)


# --- Code 128 as the printer sees it -------------------------------------------------------

_FNC = {ord("1"): 102, ord("2"): 97, ord("3"): 96}
_START = {"A": 103, "B": 104, "C": 105}
_SWITCH = {"A": 101, "B": 100, "C": 99}


def code128_symbols(data: bytes) -> list[int]:
    """Symbol values (start, data, check) a printer encodes from GS k 73 ``data``."""
    if len(data) < 2 or data[0] != ord("{") or chr(data[1]) not in _START:
        raise EscposDecodeError(f"Code 128 data must start with {{A, {{B or {{C: {data[:4]!r}")
    code_set = chr(data[1])
    values = [_START[code_set]]
    i = 2
    while i < len(data):
        byte = data[i]
        if byte == ord("{"):
            if i + 1 >= len(data):
                raise EscposDecodeError("Code 128 data ends with a lone '{'")
            escape = data[i + 1]
            i += 2
            if chr(escape) in _SWITCH:
                if chr(escape) == code_set:
                    raise EscposDecodeError(f"switch to code set {code_set} while in it")
                values.append(_SWITCH[chr(escape)])
                code_set = chr(escape)
            elif escape in _FNC:
                values.append(_FNC[escape])
            elif escape == ord("{") and code_set == "B":
                values.append(ord("{") - 32)
            else:
                raise EscposDecodeError(
                    f"unknown Code 128 escape {{{chr(escape)} in set {code_set}"
                )
            continue
        if code_set == "C":
            if byte > 99:
                raise EscposDecodeError(f"code set C byte {byte} is not a digit pair")
            values.append(byte)
        elif code_set == "B":
            if not 0x20 <= byte <= 0x7F:
                raise EscposDecodeError(f"byte 0x{byte:02x} is not in code set B")
            values.append(byte - 32)
        else:
            if byte > 0x5F:
                raise EscposDecodeError(f"byte 0x{byte:02x} is not in code set A")
            values.append(byte + 64 if byte < 0x20 else byte - 32)
        i += 1
    check = (values[0] + sum(pos * value for pos, value in enumerate(values[1:], 1))) % 103
    return [*values, check]


def code128_text(data: bytes) -> tuple[str, bool]:
    """(text a scanner reads, is GS1) for GS k 73 ``data``; FNC1 inside becomes GS (0x1D)."""
    values = code128_symbols(data)[:-1]
    code_set = {103: "A", 104: "B", 105: "C"}[values[0]]
    text: list[str] = []
    gs1 = False
    for index, value in enumerate(values[1:], start=1):
        if value == 102:
            if index == 1:
                gs1 = True
            else:
                text.append("\x1d")
        elif code_set == "C" and value < 100:
            text.append(f"{value:02d}")
        elif value in (99, 100, 101):
            target = {99: "C", 100: "B", 101: "A"}[value]
            if target == code_set:  # 100 in set B and 101 in set A are FNC4
                raise EscposDecodeError("FNC4 (extended ASCII) is not expected here")
            code_set = target
        elif code_set == "B":
            text.append(chr(value + 32))
        elif code_set == "A":
            text.append(chr(value - 64) if value >= 64 else chr(value + 32))
    return "".join(text), gs1


def code128_image(values: list[int], *, module_px: int = 2, height: int = 80) -> Image.Image:
    """Bars of the symbol values (ending with the check value), with quiet zones."""
    pattern = "".join(code128_charset.CODES[v] for v in values) + code128_charset.STOP + "11"
    quiet = "0" * 10
    row = bytes(0 if m == "1" else 255 for m in quiet + pattern + quiet for _ in range(module_px))
    strip = Image.frombytes("L", (len(row), 1), row)
    return strip.resize((len(row), height), Image.Resampling.NEAREST)
