"""A small reader for the PDFs fpdf2 writes, enough to check label sheets without a PDF
renderer: pages, the images placed on them (decoded to Pillow) and the text shown (mapped
back to Unicode through each font's ToUnicode CMap), all positioned in mm from the top."""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from PIL import Image

PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class PlacedImage:
    image: Image.Image = field(compare=False)
    x: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class PlacedText:
    text: str
    x: float
    baseline: float
    size_pt: float


@dataclass
class Page:
    width: float
    height: float
    images: list[PlacedImage]
    texts: list[PlacedText]


def read_pdf(data: bytes) -> list[Page]:
    """Every page of ``data``, in order."""
    objects = _objects(data)
    (pages_dict,) = [d for d, _ in objects.values() if b"/Type /Pages" in d]
    media = [float(v) for v in re.search(rb"/MediaBox \[([^\]]*)\]", pages_dict).group(1).split()]
    width, height = media[2] / PT_PER_MM, media[3] / PT_PER_MM
    kids = [
        int(n)
        for n in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[([^\]]*)\]", pages_dict).group(1))
    ]
    return [_page(objects, objects[kid][0], width, height) for kid in kids]


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number -> (dictionary, stream as stored, or b"")."""
    objects: dict[int, tuple[bytes, bytes]] = {}
    for match in re.finditer(rb"(?m)^(\d+) 0 obj\n", data):
        start = match.end()
        end_dict = data.index(b"\n>>\n", start) + 4 if data[start : start + 2] == b"<<" else start
        dictionary = data[start:end_dict]
        stream = b""
        if data[end_dict : end_dict + 7] == b"stream\n":
            length = int(re.search(rb"/Length (\d+)", dictionary).group(1))
            stream = data[end_dict + 7 : end_dict + 7 + length]
        objects[int(match.group(1))] = (dictionary, stream)
    return objects


def _decoded(obj: tuple[bytes, bytes]) -> bytes:
    dictionary, stream = obj
    return zlib.decompress(stream) if b"/FlateDecode" in dictionary else stream


def _ref(dictionary: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb" (\d+) 0 R", dictionary).group(1))


def _named_refs(resources: bytes, kind: bytes) -> dict[bytes, int]:
    block = re.search(rb"/" + kind + rb" <<(.*?)>>", resources, re.S)
    return (
        {}
        if block is None
        else {name: int(num) for name, num in re.findall(rb"/(\w+) (\d+) 0 R", block.group(1))}
    )


def _page(
    objects: dict[int, tuple[bytes, bytes]], page: bytes, width: float, height: float
) -> Page:
    resources = objects[_ref(page, b"Resources")][0]
    xobjects = _named_refs(resources, b"XObject")
    fonts = {
        name: _cmap(objects, objects[num][0])
        for name, num in _named_refs(resources, b"Font").items()
    }
    content = _decoded(objects[_ref(page, b"Contents")])
    images: list[PlacedImage] = []
    texts: list[PlacedText] = []
    stack: list[bytes | float] = []
    font: dict[int, str] = {}
    size = 0.0
    for token in _tokens(content):
        if isinstance(token, tuple):  # an operator
            op = token[0]
            if op == b"Tf":
                font, size = fonts[stack[-2][1:]], float(stack[-1])  # type: ignore[index,arg-type]
            elif op == b"Td":
                position = (float(stack[-2]), float(stack[-1]))  # type: ignore[arg-type]
            elif op == b"Tj":
                raw = stack[-1]
                assert isinstance(raw, bytes)
                text = "".join(
                    font[int.from_bytes(raw[i : i + 2], "big")] for i in range(0, len(raw), 2)
                )
                texts.append(
                    PlacedText(
                        text, position[0] / PT_PER_MM, height - position[1] / PT_PER_MM, size
                    )
                )
            elif op == b"cm":
                matrix = [float(v) for v in stack[-6:]]  # type: ignore[arg-type]
            elif op == b"Do":
                name = stack[-1]
                assert isinstance(name, bytes)
                w, h = matrix[0] / PT_PER_MM, matrix[3] / PT_PER_MM
                x, y = matrix[4] / PT_PER_MM, matrix[5] / PT_PER_MM
                image = _image(*objects[xobjects[name[1:]]])
                images.append(PlacedImage(image, x, height - y - h, w, h))
            stack = []
        else:
            stack.append(token)
    return Page(width, height, images, texts)


_ESCAPES = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}


def _tokens(content: bytes) -> Iterator[float | bytes | tuple[bytes]]:
    """Numbers (float), names and strings (bytes), operators (1-tuples of bytes)."""
    i = 0
    while i < len(content):
        c = content[i]
        if c in b" \t\r\n":
            i += 1
        elif c == ord("("):
            out, depth, i = bytearray(), 1, i + 1
            while True:
                c = content[i]
                if c == ord("\\"):
                    nxt = content[i + 1]
                    if nxt in b"01234567":
                        digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4]).group(0)
                        out.append(int(digits, 8))
                        i += 1 + len(digits)
                        continue
                    out.append(_ESCAPES.get(nxt, nxt))
                    i += 2
                    continue
                if c == ord("("):
                    depth += 1
                elif c == ord(")"):
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                out.append(c)
                i += 1
            yield bytes(out)
        else:
            match = re.compile(rb"[^\s()]+").match(content, i)
            word = match.group(0)
            i = match.end()
            if word.startswith(b"/"):
                yield word
            elif re.fullmatch(rb"[-+]?[\d.]+", word):
                yield float(word)
            else:
                yield (word,)


def _cmap(objects: dict[int, tuple[bytes, bytes]], font: bytes) -> dict[int, str]:
    cmap = _decoded(objects[_ref(font, b"ToUnicode")])
    mapping = {
        int(a, 16): chr(int(b, 16))
        for a, b in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>\n", cmap)
    }
    for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap):
        for offset in range(int(hi, 16) - int(lo, 16) + 1):
            mapping[int(lo, 16) + offset] = chr(int(dst, 16) + offset)
    return mapping


def _image(dictionary: bytes, stream: bytes) -> Image.Image:
    """A DeviceGray 8-bit image. fpdf2 stores it Flate-compressed with PNG row predictors
    (Predictor 15), which is exactly a PNG's IDAT: wrap it in a PNG and let Pillow decode."""
    assert b"/ColorSpace /DeviceGray" in dictionary and b"/BitsPerComponent 8" in dictionary
    width = int(re.search(rb"/Width (\d+)", dictionary).group(1))
    height = int(re.search(rb"/Height (\d+)", dictionary).group(1))
    if b"/Predictor 15" not in dictionary:
        return Image.frombytes("L", (width, height), _decoded((dictionary, stream)))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", stream)
    image = Image.open(io.BytesIO(png + chunk(b"IEND", b"")))
    image.load()
    return image
