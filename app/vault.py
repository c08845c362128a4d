"""Secrets at rest: Fernet with a key kept OUTSIDE the store.

Device passcodes on tickets and the SMTP password in the settings file are sealed with
one key held in a 0600 file beside the settings (SERIALPOS_KEY_FILE moves it), created
on first use. A copy of the store alone, or of the settings file alone, reveals nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from app.config import config_path
from app.errors import Conflict

KEY_ENV = "SERIALPOS_KEY_FILE"
_lock = threading.Lock()


def key_path() -> Path:
    override = os.environ.get(KEY_ENV)
    return Path(override) if override else config_path().parent / "secret.key"


def read_or_create_secret(path: Path, make: Callable[[], bytes] = Fernet.generate_key) -> bytes:
    """The secret in `path`, made by `make` and written owner-only (0600) on first use."""
    with _lock:
        try:
            return path.read_bytes().strip()
        except FileNotFoundError:
            pass
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = make()
        try:
            # O_EXCL: of two processes creating it at once, one writes and both read it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as out:
            out.write(key)
            out.flush()
            os.fsync(out.fileno())
        return key


def _fernet() -> Fernet:
    return Fernet(read_or_create_secret(key_path()))


def seal(plain: str) -> str:
    """The text encrypted (and authenticated) with the shop's key, as ASCII."""
    return _fernet().encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    """The plain text back; Conflict if the key is not the one it was sealed with."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise Conflict(
            f"a secret cannot be read with the key in {key_path()}: it was sealed with another"
        ) from None
