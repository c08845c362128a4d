"""Two barcode decoders nobody here wrote, for the print tests: zxing-cpp and zbar.

A barcode both read back to its exact text is one a shop's scanner reads too; each has
its own quirks (zbar gave up on one-dot bars that zxing still read).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

ZBAR_MISSING = (
    "zbarimg is not installed and could not be (make test installs Debian's zbar-tools"
    " when run as root)"
)


_ZBAR_XML = "{http://zbar.sourceforge.net/2008/barcode}"  # iter() takes no {*} wildcard


def zxing(image: Image.Image) -> list[str]:
    """Every Code 128 barcode zxing-cpp finds, as plain text (GS1: without parentheses)."""
    found = zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.Code128, text_mode=zxingcpp.TextMode.Plain
    )
    return [barcode.text for barcode in found]


def zbar(images: Sequence[Image.Image]) -> list[list[str]]:
    """What zbarimg reads in each image (one process for all: it starts slowly)."""
    tool = shutil.which("zbarimg")
    if tool is None:
        pytest.skip(ZBAR_MISSING)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index, image in enumerate(images):
            path = Path(folder) / f"{index}.png"
            image.convert("L").save(path)
            paths.append(path)
        # Exit status 4 means "no barcode in some image": a result, not a failure.
        done = subprocess.run(
            [tool, "--xml", "-q", "-Sdisable", "-Scode128.enable", *map(str, paths)],
            capture_output=True,
            check=False,
            timeout=120,
        )
        assert done.returncode in (0, 4), done.stderr.decode(errors="replace")
        found: dict[str, list[str]] = {str(p): [] for p in paths}
        for source in ET.fromstring(done.stdout).iter(f"{_ZBAR_XML}source"):
            texts = [d.text or "" for d in source.iter(f"{_ZBAR_XML}data")]
            found[str(Path(source.attrib["href"]))] = texts
    return [found[str(p)] for p in paths]
