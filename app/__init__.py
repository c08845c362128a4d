"""SerialPOS: point of sale, repair tickets and stock for serialized goods."""

from app.escpos_cache import use_user_cache


def __getattr__(name: str) -> str:
    # __version__ on first use (--version, a backup's header): importlib.metadata is not
    # for every start.
    if name != "__version__":
        raise AttributeError(f"module 'app' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("serialpos")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


use_user_cache()
