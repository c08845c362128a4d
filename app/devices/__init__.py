"""Set up before python-escpos is first imported (see below)."""

import os

import platformdirs

# python-escpos caches its printer database as a pickle in a new mkdtemp() folder on every
# import unless told where: /tmp would fill with tmpXXXXXXXX folders. Our own cache folder
# (never a shared one: a pickle someone else could write is code they could run).
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
    _cache = platformdirs.user_cache_path("serialpos", ensure_exists=True) / "escpos"
    _cache.mkdir(mode=0o700, exist_ok=True)
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(_cache)
