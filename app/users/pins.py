"""PINs are stored only as a slow, peppered scrypt hash: nothing to reverse, and a copy of the
store alone is not enough to guess them.

The PIN alone says who is acting at the till, so a log-in must find its user without trying
every user's hash. The current scheme ("pscrypt") salts with the shop's pepper — a secret
kept outside the store, in a 0600 file beside the settings (SERIALPOS_PIN_KEY_FILE moves
it) — so one PIN always gives the same hash and a log-in is one slow hash and one indexed
lookup. PINs are unique per store, so a per-user salt would add nothing against a guesser
who holds both the store and the pepper: they would sweep the PIN space once either way.
Hashes of the old per-user-salted scheme ("scrypt") still verify and are replaced by the
current scheme on the user's next successful log-in.

Several tills on one PostgreSQL store need the same pepper: copy pin.key from the first
till's config folder to the others (like secret.key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from app.config import config_path
from app.errors import InvalidInput, StoreUnavailable

# Measured on the shop's 2-core machine: 2**16 x 8 takes 150-300 ms (64 MiB), above the
# 100 ms a guesser must pay per try and still one quick pause at log-in (one hash per log-in).
COST_N, COST_R, COST_P = 2**16, 8, 1
_MAXMEM = 256 * 1024 * 1024
SCHEME, LEGACY_SCHEME = "pscrypt", "scrypt"
MIN_PIN, MAX_PIN = 4, 12
PEPPER_ENV = "SERIALPOS_PIN_KEY_FILE"


def check_pin_format(pin: str) -> None:
    if not pin.isdigit() or not pin.isascii():
        raise InvalidInput("a PIN is digits only")
    if not MIN_PIN <= len(pin) <= MAX_PIN:
        raise InvalidInput(f"a PIN has {MIN_PIN} to {MAX_PIN} digits")


def pepper_path() -> Path:
    override = os.environ.get(PEPPER_ENV)
    return Path(override) if override else config_path().parent / "pin.key"


def _pepper() -> bytes:
    # cryptography (app.vault's Fernet) comes with the first PIN checked, not with the
    # locked screen, which only needs MAX_PIN from here.
    from app.vault import read_or_create_secret

    try:
        return read_or_create_secret(pepper_path(), lambda: secrets.token_hex(32).encode())
    except OSError as exc:
        raise StoreUnavailable(f"cannot read the PIN key {pepper_path()}: {exc.strerror}") from None


def session_key() -> bytes:
    """A key for signing command-line sessions, derived from the pepper (never stored)."""
    return hmac.new(_pepper(), b"serialpos session", hashlib.sha256).digest()


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """'pscrypt$n$r$p$hash': the same PIN gives the same text, so it is also the lookup key."""
    check_pin_format(pin)
    digest = _derive(pin, _pepper(), COST_N, COST_R, COST_P)
    return f"{SCHEME}${COST_N}${COST_R}${COST_P}${_b64(digest)}"


def is_current(stored: str) -> bool:
    """Hashed with today's scheme and cost (else it is upgraded at the next log-in)."""
    return stored.startswith(f"{SCHEME}${COST_N}${COST_R}${COST_P}$")


def verify_pin(pin: str, stored: str) -> bool:
    """One slow check of `pin` against a stored hash of either scheme."""
    parts = stored.split("$")
    try:
        if parts[0] == SCHEME and len(parts) == 5:
            n, r, p, digest = int(parts[1]), int(parts[2]), int(parts[3]), parts[4]
            salt = _pepper()
        elif parts[0] == LEGACY_SCHEME and len(parts) == 6:
            n, r, p, digest = int(parts[1]), int(parts[2]), int(parts[3]), parts[5]
            salt = base64.b64decode(parts[4])
        else:
            return False
    except ValueError:
        return False
    actual = _derive(pin, salt, n, r, p)
    return hmac.compare_digest(actual, base64.b64decode(digest))
