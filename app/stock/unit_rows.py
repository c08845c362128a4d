"""A unit list's rows as records that share what they repeat.

A scrolled Stock list holds tens of thousands of rows, mostly the same few thousand
values (its memory is measured, bench.start_bench).
"""

from __future__ import annotations

from collections.abc import Sequence
from sys import intern
from typing import Any, TypeVar, cast

from app.stock.records import UnitRecord

T = TypeVar("T")

# Values repeated across list rows (an item's cost, a delivery's batch and day, warranty
# dates), one object each: a scrolled Stock list holds tens of thousands of rows, mostly
# the same few thousand values. Bounded; immutable values only, so sharing is safe.
_SHARED: dict[object, Any] = {}
_SHARED_MAX = 50_000


def _shared(value: T) -> T:
    if value is None:
        return value
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        _SHARED[value] = found = value
    return cast(T, found)


def compact_unit(row: Sequence[Any]) -> UnitRecord:
    """A list row as a record whose repeated texts (item, SKU, place, customer) and other
    repeated values are shared between rows; only the unit's own id, serial and tag are its
    own."""
    (unit_id, item_id, sku, name, serial, tag, status, location, customer, *rest) = row
    return UnitRecord(
        unit_id,
        _shared(item_id),
        intern(sku),
        intern(name),
        serial,
        tag,
        status,
        None if location is None else intern(location),
        None if customer is None else intern(customer),
        *(_shared(value) for value in rest),
    )
