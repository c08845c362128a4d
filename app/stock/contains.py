"""'Contains' on serials and asset tags (case ignored), for the unit list.

SQLite answers from its trigram index (migration 0009: FTS5 over serial_key and asset_tag,
kept by triggers); PostgreSQL's LIKE uses its pg_trgm indexes. A needle under three
characters, which a trigram cannot hold, is a LIKE walk in key order.

A page of a common needle (thousands of matches, '003' or 'SN-0') was the slow case: the
index hands over every match, and each had to be read and sorted by serial before the
page's first hundred were known (30-45 ms on a million units). Such a page is first looked
for in a window: the next WINDOW units in key order from where the page starts. Their
serial keys are tested in the key index itself, with no row read (about a millisecond);
if more of them match than the page shows, the page is read from the window's units,
serial or asset tag (a few milliseconds): nothing before them in key order was left out.
Otherwise the index answers, as it does for a rarer needle.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, table
from sqlalchemy.orm import Session

from app.stock.models import SerialUnit

_SEARCH = table("serial_units_search", column("rowid"))
TRIGRAM = 3  # the index answers needles of three characters or more
# Above this many matches (a tenth of a million-unit store) a page is found faster by
# walking the units in key order and testing each than by sorting every match.
DENSE_MATCHES = 100_000
WINDOW = 5_000  # units in key order a page is first looked for in


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'  # one quoted phrase: a substring


def _like_pattern(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(phrase: str) -> Select:  # type: ignore[type-arg]
    return select(_SEARCH.c.rowid).where(literal_column(_SEARCH.name).op("MATCH")(phrase))


def _indexed(session: Session, needle: str) -> bool:
    """True if SQLite's trigram index can answer `needle`."""
    return len(needle) >= TRIGRAM and session.get_bind().dialect.name == "sqlite"


def uses_window(session: Session, needle: str) -> bool:
    """True if a page for `needle` is first looked for in a window (SQLite's index). Not
    for a needle beyond ASCII: the window tests with SQLite's lower() and LIKE, which fold
    ASCII letters only, where the trigram index folds every letter."""
    return needle.isascii() and _indexed(session, needle)


def window_holds(
    session: Session,
    needle: str,
    window: Select,  # type: ignore[type-arg]
    page: int,
) -> bool:
    """True if more than `page` serial keys of `window` (the units' serial_key, in key
    order, limited) contain `needle`: counted in the key index alone, no row read."""
    walked = window.subquery()
    like = walked.c.serial_key.like(_like_pattern(needle), escape="\\")
    counted = select(func.count()).select_from(select(walked.c.serial_key).where(like).subquery())
    return (session.scalar(counted) or 0) > page


def in_window(needle: str, window: Select) -> ColumnElement[bool]:  # type: ignore[type-arg]
    """Units of `window` (a select of the units' id, serial_key and asset_tag, in key order,
    limited) whose serial key or asset tag contains `needle`."""
    walked = window.subquery()
    pattern = _like_pattern(needle)
    return SerialUnit.id.in_(
        select(walked.c.id).where(
            or_(
                walked.c.serial_key.like(pattern, escape="\\"),
                func.lower(walked.c.asset_tag).like(pattern, escape="\\"),
            )
        )
    )


def contains(session: Session, needle: str) -> ColumnElement[bool]:
    """Serial or asset tag contains `needle` (already a serial key: trimmed, lower case).
    From three characters on SQLite asks its trigram index for the unit ids, and
    PostgreSQL's LIKE uses the pg_trgm indexes; shorter or very common needles walk the
    units in key order with LIKE."""
    if _indexed(session, needle):
        matching = _matching(_phrase(needle))
        counted = select(func.count()).select_from(matching.limit(DENSE_MATCHES).subquery())
        if (session.scalar(counted) or 0) < DENSE_MATCHES:
            return SerialUnit.id.in_(matching)
    pattern = _like_pattern(needle)
    return or_(
        SerialUnit.serial_key.like(pattern, escape="\\"),
        func.lower(SerialUnit.asset_tag).like(pattern, escape="\\"),
    )
