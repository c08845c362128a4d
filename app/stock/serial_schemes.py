"""An item's serial scheme and the new serials it makes, never colliding with taken ones."""

from __future__ import annotations

import random as _random
import secrets
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from app.errors import InvalidInput
from app.stock.serials import (
    MAX_PREFIX_LENGTH,
    MAX_SERIAL_LENGTH,
    MAX_SERIALS,
    _clean,
    _count,
    _trim,
    serial_key,
)

# items.serial_next is a BIGINT: a sequential scheme stops before the next number overflows it.
_MAX_NEXT_NUMBER = 2**63 - 1


# How many candidate keys generate() hands to taken() at once: small enough for one
# "WHERE serial_key IN (...)" on any backend (old SQLite allows 999 parameters).
TAKEN_BATCH = 500


# 32 symbols without 0/O and 1/I, so a serial read aloud or retyped from a label survives.
RANDOM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


# Exactly 32 = 2**5 symbols, so 5 random bits pick one with no modulo bias.
_BITS_PER_SYMBOL = 5
assert len(RANDOM_ALPHABET) == 1 << _BITS_PER_SYMBOL == len(set(RANDOM_ALPHABET))


@dataclass(frozen=True, slots=True)
class SerialScheme:
    """How an item's serials are generated: prefix + ``digits`` characters, either a
    zero-padded sequential number or random symbols from ``RANDOM_ALPHABET``.

    The prefix is trimmed on construction (stored trimmed); an invalid scheme raises
    ``InvalidInput``.
    """

    prefix: str = ""
    digits: int = 6
    random: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.digits, bool) or not isinstance(self.digits, int):
            raise InvalidInput(
                f"serial scheme: number length must be a whole number, got {self.digits!r}"
            )
        if not 1 <= self.digits <= 20:
            raise InvalidInput(f"serial scheme: number length must be 1 to 20, got {self.digits}")
        prefix = ""
        if _trim(self.prefix):
            prefix = _clean(self.prefix, "serial scheme", "prefix", MAX_PREFIX_LENGTH)
        if len(prefix) + self.digits > MAX_SERIAL_LENGTH:
            raise InvalidInput(
                f"serial scheme: prefix and number together are {len(prefix) + self.digits} "
                f"characters (limit {MAX_SERIAL_LENGTH})"
            )
        # Frozen: the trimmed prefix is stored through object.__setattr__.
        object.__setattr__(self, "prefix", prefix)

    @property
    def pattern(self) -> str:
        """The scheme as shown to a user: "SN######" (sequential) or "SN??????" (random)."""
        return self.prefix + ("?" if self.random else "#") * self.digits


def _keys_taken(taken: Callable[[list[str]], AbstractSet[str]], keys: list[str]) -> set[str]:
    # Re-keyed so a caller returning serials as stored (any case) still matches.
    return {serial_key(k) for k in taken(keys)}


def generate(
    scheme: SerialScheme,
    count: int,
    *,
    next_number: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    rng: _random.Random | None = None,
    batch_size: int = TAKEN_BATCH,
) -> tuple[list[str], int]:
    """Generate ``count`` new serials from ``scheme``; return them and the new next number.

    ``taken(keys)`` receives up to ``batch_size`` candidate serial keys (see
    ``serial_key``) at a time and returns those already used, so a caller can ask the
    database once per batch. Taken candidates are skipped, never returned.

    Sequential: numbers from ``next_number`` up, zero-padded to ``scheme.digits``; the new
    next number is one past the last number used (it is returned unchanged for a random
    scheme). Refused when the numbers left under the scheme's width cannot supply
    ``count`` serials. Random: ``scheme.digits`` symbols drawn from ``RANDOM_ALPHABET``
    with ``rng`` (default ``secrets.SystemRandom()``), re-drawing duplicates within the
    batch and taken ones; refused when the space is too small or too full to find
    ``count`` free serials in a bounded number of draws (it never loops forever).
    """
    if isinstance(count, bool) or not 1 <= count <= MAX_SERIALS:
        raise InvalidInput(f"number of serials must be 1 to {MAX_SERIALS:,}, got {count}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if scheme.random:
        return _generate_random(scheme, count, taken, rng, batch_size), next_number
    return _generate_sequential(scheme, count, next_number, taken, batch_size)


def _generate_sequential(
    scheme: SerialScheme,
    count: int,
    next_number: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    batch_size: int,
) -> tuple[list[str], int]:
    if next_number < 0:
        raise InvalidInput(f"scheme {scheme.pattern}: next number cannot be negative")
    # The returned next number (highest + 1) must still fit items.serial_next.
    highest = min(10**scheme.digits - 1, _MAX_NEXT_NUMBER - 1)
    room = max(0, highest - next_number + 1)

    def exhausted(found: int) -> InvalidInput:
        return InvalidInput(
            f"scheme {scheme.pattern} is exhausted: {_count(count, 'serial')} needed, "
            f"only {found:,} free from number {next_number:,} up to {highest:,}; "
            f"lengthen the number or change the prefix"
        )

    if room < count:
        raise exhausted(room)
    serials: list[str] = []
    number = next_number
    last_used = next_number - 1
    while len(serials) < count:
        if number > highest:
            raise exhausted(len(serials))
        # Always a full batch (not just the shortfall): a long run of taken numbers then
        # costs one call per batch, not one per serial. Numbers checked but not needed stay
        # free, since the new next number is one past the last number used.
        size = min(batch_size, highest - number + 1)
        candidates = [f"{scheme.prefix}{n:0{scheme.digits}d}" for n in range(number, number + size)]
        used = _keys_taken(taken, [serial_key(c) for c in candidates])
        for offset, candidate in enumerate(candidates):
            if serial_key(candidate) not in used:
                serials.append(candidate)
                last_used = number + offset
                if len(serials) == count:
                    break
        number += size
    return serials, last_used + 1


def _generate_random(
    scheme: SerialScheme,
    count: int,
    taken: Callable[[list[str]], AbstractSet[str]],
    rng: _random.Random | None,
    batch_size: int,
) -> list[str]:
    space = len(RANDOM_ALPHABET) ** scheme.digits
    if count > space:
        raise InvalidInput(
            f"random scheme {scheme.pattern} has only {space:,} possible serials, "
            f"{count:,} needed; use more characters"
        )
    draw = rng if rng is not None else secrets.SystemRandom()
    bits = _BITS_PER_SYMBOL * scheme.digits
    mask = (1 << _BITS_PER_SYMBOL) - 1

    def candidate() -> str:
        # One getrandbits call per serial (a single urandom read with SystemRandom),
        # 5 bits per symbol: uniform because the alphabet has exactly 32 symbols.
        value = draw.getrandbits(bits)
        symbols = []
        for _ in range(scheme.digits):
            symbols.append(RANDOM_ALPHABET[value & mask])
            value >>= _BITS_PER_SYMBOL
        return scheme.prefix + "".join(symbols)

    # Draw budget: generous for any sane scheme (a half-full space needs ~2 draws per
    # serial), but finite, so a nearly full space is refused instead of spinning.
    budget = 20 * count + 1000
    draws = 0
    seen: set[str] = set()  # keys returned or found taken: never drawn again
    serials: list[str] = []
    while len(serials) < count:
        batch: dict[str, str] = {}
        need = count - len(serials)
        # A few spare candidates per round, so a space with some taken serials is filled
        # in one or two calls to taken(); never more than the serials not yet tried.
        want = min(batch_size, 2 * need + 16, space - len(seen))
        if want == 0:
            raise InvalidInput(
                f"random scheme {scheme.pattern} is full: all {space:,} serials are taken; "
                f"use more characters"
            )
        while len(batch) < want:
            if draws >= budget:
                raise InvalidInput(
                    f"random scheme {scheme.pattern} is too full: found only "
                    f"{len(serials):,} of {count:,} free serials in {draws:,} tries; "
                    f"use more characters"
                )
            draws += 1
            serial = candidate()
            key = serial_key(serial)
            if key not in seen and key not in batch:
                batch[key] = serial
        used = _keys_taken(taken, list(batch))
        for key, serial in batch.items():
            seen.add(key)
            if key not in used and len(serials) < count:
                serials.append(serial)
    return serials
