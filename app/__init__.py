"""SerialPOS: point of sale, repair tickets and stock for serialized goods."""

from importlib.metadata import PackageNotFoundError, version

from app.escpos_cache import use_user_cache

try:
    __version__ = version("serialpos")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

use_user_cache()
