"""Set up before python-escpos is first imported (see below)."""

import importlib
import os
import sys
import tempfile

import platformdirs

# python-escpos caches its printer database as a pickle in a new mkdtemp() folder on every
# import unless told where: /tmp would fill with tmpXXXXXXXX folders. Our own cache folder
# (never a shared one: a pickle someone else could write is code they could run).
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
    _cache = platformdirs.user_cache_path("serialpos", ensure_exists=True) / "escpos"
    _cache.mkdir(mode=0o700, exist_ok=True)
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_cache)

if "escpos.capabilities" not in sys.modules:
    # It calls mkdtemp() for its default even when the folder is given: an empty folder
    # left in /tmp by every process. Hand it the folder it will not use instead.
    _mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *args, **kwargs: os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]  # type: ignore[assignment]
    try:
        # import_module: a plain import would bind `escpos` here, hiding app.printing.escpos.
        importlib.import_module("escpos.capabilities")
    finally:
        tempfile.mkdtemp = _mkdtemp
