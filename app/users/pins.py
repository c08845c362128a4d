"""PINs are stored only as a salted scrypt hash: slow to guess, nothing to reverse."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from app.errors import InvalidInput

# 2**14 rounds takes ~30-60 ms here: slow for a guesser, quick enough for a login.
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"
MIN_PIN, MAX_PIN = 4, 12


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not pin.isascii():
        raise InvalidInput("a PIN is digits only")
    if not MIN_PIN <= len(pin) <= MAX_PIN:
        raise InvalidInput(f"a PIN has {MIN_PIN} to {MAX_PIN} digits")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """'scrypt$n$r$p$salt$hash' — parameters kept so they can be raised later."""
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = _derive(pin, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    expected = base64.b64decode(digest)
    actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, expected)
