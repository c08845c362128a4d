"""A count's variance written out: every unit of every group, read a page at a time and
written as it is read (a shelf with 100,000 units missing is never held at once)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO

from app.db.uow import Store
from app.errors import InvalidInput
from app.files import write_atomically, write_csv_rows
from app.stock.count_apply import variance_page
from app.stock.count_records import CountedUnit, VarianceKind
from app.users.roles import Actor, Permission, require

VARIANCE_HEADER = ("group", "sku", "serial", "status", "location", "state")


def variance_units(
    store: Store, actor: Actor, count_id: int, kind: VarianceKind
) -> Iterator[CountedUnit]:
    """Every unit of one variance group, in order, a page at a time."""
    after: int | None = 0
    while after is not None:
        page = variance_page(store, actor, count_id, kind, after=after)
        yield from page.units
        after = page.next_after


def write_variance_csv(store: Store, actor: Actor, count_id: int, path: Path) -> int:
    """Writes the variance as CSV through a temporary file (a failed export leaves no half
    file); returns how many units it lists."""
    require(actor, Permission.COUNT_STOCK)
    rows = (
        (kind.value, u.sku, u.serial, u.status, u.location, u.state)
        for kind in VarianceKind
        for u in variance_units(store, actor, count_id, kind)
    )
    written = 0

    def write(out: TextIO) -> None:
        nonlocal written
        written = write_csv_rows(out, chain([VARIANCE_HEADER], rows))

    try:
        write_atomically(path, write)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return written
