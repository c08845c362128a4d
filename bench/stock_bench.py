"""Stock benchmarks on a million-unit store: the service path beside the raw-SQLite floor.

Every SerialPOS number goes through the public functions a till or the back office calls
(`queries.find_units`, `queries.list_units`, `receive_serials`) with a real
`Actor`, so it includes permission checks, SQLAlchemy, the unit of work and building the
returned records. The floor does the same SQL with the stdlib sqlite3 module on the same
file: the gap between the two columns is what our Python layers cost.

The cached store is never written to: the benchmark works on a fresh copy of it, so
every run starts from the same data and the receive ranges never collide.

When a target is missed the workload is profiled with cProfile and the hot spots are
printed and saved (bench/out/profile-*.txt). The exit status is 0 either way: MISSED in
the table is for the lead to decide on.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Select, bindparam

from app.db.uow import Store, open_store, sqlite_url
from app.stock import contains, queries
from app.stock.models import SerialUnit, UnitStatus
from app.stock.records import UnitRecord
from app.stock.serials import serial_key
from app.users import services as users
from app.users.roles import Actor, Permission, require
from bench import backoffice_bench, receive_bench
from bench.generate import DEFAULT_UNITS, OUT_DIR, Manifest, cached_store

PAGE_SIZE = 100
WARM_UP = 100
# The targets set for this suite: a scan must feel instant, a page must not stutter.
LOOKUP_TARGET_MS = 0.2
PAGE_TARGET_MS = 50.0

# The page of find_units / list_units as plain SQL: the same columns and joins as
# app.stock.queries.unit_select, so the floor runs the query the service runs.
_UNIT_SELECT = """
SELECT u.id, u.item_id, i.sku, i.name, u.serial, u.asset_tag, u.status, l.name, c.name,
       u.cost, u.received_at, u.batch_id, u.supplier_warranty_end, u.warranty_type,
       u.warranty_start, u.warranty_end
FROM serial_units u
JOIN items i ON i.id = u.item_id
LEFT OUTER JOIN locations l ON l.id = u.location_id
LEFT OUTER JOIN customers c ON c.id = u.customer_id
"""
_LOOKUP_SQL = _UNIT_SELECT + "WHERE u.serial_key = ?"
_PAGE_SQL = (
    _UNIT_SELECT + "WHERE u.status = ? AND u.serial_key >= ? AND u.serial_key < ? "
    "ORDER BY u.serial_key, u.id LIMIT ?"
)
_NEXT_PAGE_SQL = (
    _UNIT_SELECT + "WHERE u.status = ? AND u.serial_key >= ? AND u.serial_key < ? "
    "AND u.serial_key >= ? AND (u.serial_key > ? OR (u.serial_key = ? AND u.id > ?)) "
    "ORDER BY u.serial_key, u.id LIMIT ?"
)


# ---------------------------------------------------------------- results


@dataclass
class Metric:
    """One row of the results table; values in `unit`, lower is better."""

    key: str
    label: str
    unit: str  # "ms", "s" or "B"
    serialpos: float
    floor: float | None
    target: float | None  # must stay under; None: reported, not judged
    note: str = ""
    ratio_target: float | None = None  # SerialPOS / floor must stay at or under this

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.serialpos / self.floor

    @property
    def passed(self) -> bool | None:
        verdicts = []
        if self.target is not None:
            verdicts.append(self.serialpos <= self.target)
        if self.ratio_target is not None and self.ratio is not None:
            verdicts.append(self.ratio <= self.ratio_target)
        return all(verdicts) if verdicts else None


@dataclass
class Report:
    metrics: list[Metric] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)

    def add(self, metric: Metric) -> None:
        self.metrics.append(metric)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "µs":
        return f"{value:.1f} µs"
    return f"{value:,.0f} {unit}"


def markdown_table(metrics: Sequence[Metric]) -> str:
    lines = [
        "| metric | SerialPOS | raw floor | ratio | target | pass? |",
        "|---|---:|---:|---:|---:|:---:|",
    ]
    for m in metrics:
        targets = [f"≤ {_fmt(m.target, m.unit)}"] if m.target is not None else []
        if m.ratio_target is not None:
            targets.append(f"≤ {m.ratio_target:g}×")
        verdict = {True: "pass", False: "**MISSED**", None: "—"}[m.passed]
        label = f"{m.label} ({m.note})" if m.note else m.label
        ratio = "—" if m.ratio is None else f"{m.ratio:.1f}×"
        lines.append(
            f"| {label} | {_fmt(m.serialpos, m.unit)} | {_fmt(m.floor, m.unit)} "
            f"| {ratio} | {', '.join(targets) or '—'} | {verdict} |"
        )
    return "\n".join(lines)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter_ns()
    result = call()
    return (time.perf_counter_ns() - start) / 1e6, result


# ---------------------------------------------------------------- the raw floor


def floor_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection set up as app.db.engine sets up the app's (same pragmas),
    in autocommit so it never holds a read snapshot open between statements."""
    conn = sqlite3.connect(path, isolation_level=None, cached_statements=64)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _prefix_bounds(prefix: str) -> tuple[str, str]:
    key = serial_key(prefix)
    return key, key[:-1] + chr(ord(key[-1]) + 1)


def floor_page(
    conn: sqlite3.Connection, prefix: str, after: tuple[str, int] | None
) -> tuple[list[tuple[Any, ...]], tuple[str, int] | None]:
    """The list_units page as one prepared statement; returns rows and the next cursor."""
    low, high = _prefix_bounds(prefix)
    status = UnitStatus.IN_STOCK.value
    if after is None:
        rows = conn.execute(_PAGE_SQL, (status, low, high, PAGE_SIZE + 1)).fetchall()
    else:
        key, unit_id = after
        params = (status, low, high, key, key, key, unit_id, PAGE_SIZE + 1)
        rows = conn.execute(_NEXT_PAGE_SQL, params).fetchall()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, (serial_key(rows[-1][4]), rows[-1][0]) if more else None


# ---------------------------------------------------------------- samples


def sample_serials(
    conn: sqlite3.Connection, units: int, count: int, rng: random.Random
) -> list[str]:
    """`count` serials of random existing units (any status), as they were entered."""
    ids = rng.sample(range(1, units + 1), min(count, units))
    marks = ",".join("?" * len(ids))
    found = dict(conn.execute(f"SELECT id, serial FROM serial_units WHERE id IN ({marks})", ids))
    return [found[i] for i in ids if i in found]


def sample_prefixes(
    conn: sqlite3.Connection, units: int, count: int, rng: random.Random
) -> list[str]:
    """Serial prefixes a clerk would type into the filter (2 to 5 leading characters of
    a unit's serial): narrow ones give short pages, wide ones many pages."""
    prefixes: list[str] = []
    for serial in sample_serials(conn, units, count * 3, rng):
        if len(prefixes) == count:
            break
        if len(serial) > 2:
            prefixes.append(serial[: rng.randint(2, min(5, len(serial) - 1))])
    return prefixes


# ---------------------------------------------------------------- measurements


@dataclass(frozen=True)
class Bench:
    """Everything a measurement needs: the store both ways, the actor, the samples."""

    store: Store
    conn: sqlite3.Connection
    actor: Actor
    manifest: Manifest
    serials: list[str]
    prefixes: list[str]


def _spread(
    report: Report,
    key: str,
    label: str,
    timings: tuple[Sequence[float], Sequence[float]],
    target: tuple[float, tuple[str, ...]],
    note: str = "",
) -> None:
    """Adds the percentile rows of one sample of timings in ms: `timings` is (service,
    floor), `target` the limit and which percentiles it judges, e.g. (0.2, ("median",))."""
    service, floor = timings
    limit, judged = target
    shown = ("median", "p95", "p99") if key == "lookup" else ("median", "p95")
    for name in shown:
        pct = {"median": 50, "p95": 95, "p99": 99}[name]
        report.add(
            Metric(
                key=f"{key}_{name}",
                label=f"{label}, {name}",
                unit="ms",
                serialpos=percentile(service, pct),
                floor=percentile(floor, pct),
                target=limit if name in judged else None,
                note=note if name == "median" else "",
            )
        )


def _floor_lookup(conn: sqlite3.Connection, serial: str) -> list[tuple[Any, ...]]:
    return conn.execute(_LOOKUP_SQL, (serial_key(serial),)).fetchall()


def measure_lookups(b: Bench, report: Report) -> None:
    """find_units over the sampled serials (the scan path at the till), interleaved with
    the floor so both see the same cache state."""
    for serial in b.serials[:WARM_UP]:
        queries.find_units(b.store, b.actor, serial)
        _floor_lookup(b.conn, serial)
    service: list[float] = []
    floor: list[float] = []
    for serial in b.serials:
        ms, units = _timed(partial(queries.find_units, b.store, b.actor, serial))
        if not units:
            raise RuntimeError(f"find_units did not find {serial!r}, which exists")
        service.append(ms)
        floor.append(_timed(partial(_floor_lookup, b.conn, serial))[0])
    judged = (LOOKUP_TARGET_MS, ("median",))  # the target is on the typical scan
    note = f"{len(service):,} serials"
    _spread(report, "lookup", "Look-up by serial", (service, floor), judged, note)


def _service_pages(b: Bench, prefix: str) -> tuple[float, float | None, list[int]]:
    """Page 1 and, when there is one, page 2 of list_units: (ms, ms or None, unit ids)."""
    f = queries.UnitFilter(status=UnitStatus.IN_STOCK.value, prefix=prefix)
    first_ms, page = _timed(partial(queries.list_units, b.store, b.actor, f, limit=PAGE_SIZE))
    ids = [u.id for u in page.units]
    if page.next_after is None:
        return first_ms, None, ids
    call = partial(queries.list_units, b.store, b.actor, f, limit=PAGE_SIZE, after=page.next_after)
    next_ms, nxt = _timed(call)
    return first_ms, next_ms, ids + [u.id for u in nxt.units]


def _floor_pages(b: Bench, prefix: str) -> tuple[float, float | None, list[int]]:
    first_ms, (rows, after) = _timed(partial(floor_page, b.conn, prefix, None))
    ids = [r[0] for r in rows]
    if after is None:
        return first_ms, None, ids
    next_ms, (more, _) = _timed(partial(floor_page, b.conn, prefix, after))
    return first_ms, next_ms, ids + [r[0] for r in more]


def measure_pages(b: Bench, report: Report) -> None:
    """list_units, in stock, by serial prefix: the back office's unit list, page 1 and 2."""
    for prefix in b.prefixes[:20]:
        _service_pages(b, prefix)
        _floor_pages(b, prefix)
    first: list[float] = []
    nxt: list[float] = []
    floor_first: list[float] = []
    floor_next: list[float] = []
    full_pages = 0
    for prefix in b.prefixes:
        s1, s2, service_ids = _service_pages(b, prefix)
        f1, f2, floor_ids = _floor_pages(b, prefix)
        # The floor is only a floor if it returns the very same units.
        if service_ids != floor_ids:
            raise RuntimeError(f"floor and service pages differ for prefix {prefix!r}")
        first.append(s1)
        floor_first.append(f1)
        full_pages += len(service_ids) >= PAGE_SIZE
        if s2 is not None and f2 is not None:
            nxt.append(s2)
            floor_next.append(f2)
    note = f"{len(first)} prefixes, {full_pages} of them a full page of {PAGE_SIZE}"
    judged = (PAGE_TARGET_MS, ("median", "p95"))
    label = "Unit list page 1 (in stock + prefix)"
    _spread(report, "page", label, (first, floor_first), judged, note)
    if nxt:
        note = f"{len(nxt)} prefixes with a 2nd page"
        _spread(report, "next_page", "Next page via `after`", (nxt, floor_next), judged, note)


_MATCH = "SELECT rowid FROM serial_units_search WHERE serial_units_search MATCH ?"
# The page's ids first (sorted by key alone), then their rows.
_PAGE_IDS = "WHERE u.id IN (SELECT id FROM serial_units WHERE {} ORDER BY serial_key, id LIMIT ?)"
_CONTAINS_SQL = (
    _UNIT_SELECT + _PAGE_IDS.format(f"id IN ({_MATCH})") + " ORDER BY u.serial_key, u.id LIMIT ?"
)
_AHEAD = "FROM (SELECT id, serial_key, asset_tag FROM serial_units ORDER BY serial_key, id LIMIT ?)"
_WINDOW_HOLDS_SQL = (
    "SELECT count(*) FROM (SELECT serial_key FROM (SELECT serial_key FROM serial_units"
    " ORDER BY serial_key, id LIMIT ?) WHERE serial_key LIKE ? ESCAPE '\\')"
)
_WINDOW_SQL = (
    _UNIT_SELECT + f"WHERE u.id IN (SELECT id {_AHEAD} WHERE serial_key LIKE ? ESCAPE '\\'"
    " OR lower(asset_tag) LIKE ? ESCAPE '\\') ORDER BY u.serial_key, u.id LIMIT ?"
)
_LIKE_SQL = (
    _UNIT_SELECT
    + _PAGE_IDS.format("serial_key LIKE ? ESCAPE '\\' OR lower(asset_tag) LIKE ? ESCAPE '\\'")
    + " ORDER BY u.serial_key, u.id LIMIT ?"
)
CONTAINS_TARGET_MS = 20.0


def floor_contains(conn: sqlite3.Connection, needle: str) -> list[tuple[Any, ...]]:
    """list_units' 'contains' page 1 in plain SQL: if more than a page of the first WINDOW
    serial keys match, the page from those units (serial or tag); else count the trigram
    matches (up to DENSE_MATCHES), then the matching units' page, or for a common needle
    the LIKE walk."""
    key = serial_key(needle)
    phrase = '"' + key.replace('"', '""') + '"'
    pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    if len(key) >= contains.TRIGRAM and key.isascii():
        (held,) = conn.execute(_WINDOW_HOLDS_SQL, (contains.WINDOW, pattern)).fetchone()
        if held > PAGE_SIZE:
            window = (contains.WINDOW, pattern, pattern, PAGE_SIZE + 1)
            rows = conn.execute(_WINDOW_SQL, window).fetchall()
            if len(rows) > PAGE_SIZE:
                return rows[:PAGE_SIZE]
    dense = contains.DENSE_MATCHES
    (count,) = conn.execute(f"SELECT count(*) FROM ({_MATCH} LIMIT ?)", (phrase, dense)).fetchone()
    if count < dense:
        page = (phrase, PAGE_SIZE + 1, PAGE_SIZE + 1)
        return conn.execute(_CONTAINS_SQL, page).fetchall()[:PAGE_SIZE]
    page = (pattern, pattern, PAGE_SIZE + 1, PAGE_SIZE + 1)
    return conn.execute(_LIKE_SQL, page).fetchall()[:PAGE_SIZE]


def contains_needles(serials: Sequence[str], rng: random.Random) -> list[str]:
    """What a clerk types into 'contains': 3 to 6 characters from inside a serial (some
    match thousands of units, some a handful), and codes that match nothing."""
    needles = []
    for serial in serials:
        if len(serial) >= 4:
            size = rng.randint(3, min(6, len(serial)))
            start = rng.randint(0, len(serial) - size)
            needles.append(serial[start : start + size])
    return needles + [f"qz{n}x" for n in range(max(1, len(needles) // 10))]


def measure_contains(b: Bench, report: Report) -> None:
    """list_units with a 'contains' needle (serial or asset tag), first page, beside the floor."""
    needles = contains_needles(b.serials[:200], random.Random(3))
    for needle in needles[:20]:
        queries.list_units(b.store, b.actor, queries.UnitFilter(search=needle), limit=PAGE_SIZE)
        floor_contains(b.conn, needle)
    service: list[float] = []
    floor: list[float] = []
    for needle in needles:
        f = queries.UnitFilter(search=needle)
        ms, page = _timed(partial(queries.list_units, b.store, b.actor, f, limit=PAGE_SIZE))
        floor_ms, rows = _timed(partial(floor_contains, b.conn, needle))
        if [u.id for u in page.units] != [r[0] for r in rows]:
            raise RuntimeError(f"floor and service 'contains' pages differ for {needle!r}")
        service.append(ms)
        floor.append(floor_ms)
    note = f"{len(needles)} needles of 3-6 characters, 1 in 11 matching nothing"
    judged = (CONTAINS_TARGET_MS, ("median", "p95"))
    label = "'Contains' search, page 1 (serial or asset tag)"
    _spread(report, "contains", label, (service, floor), judged, note)


def measure_size(path: Path, manifest: Manifest, report: Report) -> None:
    """Bytes per unit of the pristine store, WAL checkpointed into the file first."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        by_object = {name: int(size) for name, size in sizes}
    finally:
        conn.close()
    size = path.stat().st_size
    table_only = by_object.get("serial_units", 0) / manifest.units
    report.add(
        Metric(
            "size_per_unit",
            "Store size per unit",
            "B",
            size / manifest.units,
            table_only,
            None,
            "floor column: the serial_units rows alone",
        )
    )
    report.facts["store_bytes"] = size
    report.facts["bytes_per_unit_by_object"] = {
        name: round(n / manifest.units, 1) for name, n in by_object.items() if n > 100_000
    }


# ---------------------------------------------------------------- what-ifs for the look-up


def _lookup_select(key: Any) -> Select[*tuple[Any, ...]]:
    """The find_units statement, built fresh (as it was before the fix) so the bench can
    time alternatives without touching app code."""
    return queries.unit_select().where(SerialUnit.serial_key == key)  # type: ignore[no-any-return]


def lookup_what_ifs(b: Bench) -> str:
    """Times find_units' parts and a candidate fix on the same serials; returns Markdown.

    Each variant must return the same records as find_units, or this raises.
    """
    prebuilt = _lookup_select(bindparam("key"))

    def service(serial: str) -> list[UnitRecord]:
        return queries.find_units(b.store, b.actor, serial)

    def build_only(serial: str) -> list[UnitRecord]:
        _lookup_select(serial_key(serial))
        return []

    def prebuilt_per_call(serial: str) -> list[UnitRecord]:
        require(b.actor, Permission.VIEW_STOCK)
        with b.store.engine.connect() as conn:
            rows = conn.execute(prebuilt, {"key": serial_key(serial)})
            return [UnitRecord(*row) for row in rows]

    held = b.store.engine.connect()

    def prebuilt_held(serial: str) -> list[UnitRecord]:
        rows = held.execute(prebuilt, {"key": serial_key(serial)})
        return [UnitRecord(*row) for row in rows]

    def floor(serial: str) -> list[tuple[Any, ...]]:
        return _floor_lookup(b.conn, serial)

    variants: list[tuple[str, Callable[[str], Sequence[Any]]]] = [
        ("`queries.find_units` as it is", service),
        ("building its Select only (no execution)", build_only),
        ("Select built once, `bindparam` key, new connection per call (fix)", prebuilt_per_call),
        ("… and one connection held open (no pool checkout, BEGIN, ROLLBACK)", prebuilt_held),
        ("stdlib sqlite3, same SQL (the floor)", floor),
    ]
    try:
        for serial in b.serials[:200]:
            expected = service(serial)
            for name, call in variants[2:4]:
                if call(serial) != expected:
                    raise RuntimeError(f"what-if {name!r} returned other records for {serial!r}")
        lines = ["| variant | median | p95 |", "|---|---:|---:|"]
        for name, call in variants:
            for serial in b.serials[:WARM_UP]:
                call(serial)
            times = [_timed(partial(call, s))[0] for s in b.serials]
            lines.append(
                f"| {name} | {percentile(times, 50):.3f} ms | {percentile(times, 95):.3f} ms |"
            )
    finally:
        held.close()
    return "\n".join(lines)


# ---------------------------------------------------------------- profiling


def _layer(filename: str, name: str) -> str:
    if "sqlite3" in name or "sqlite3" in filename:
        return "sqlite3 (C: SQLite itself)"
    if "/sqlalchemy/" in filename:
        return "SQLAlchemy"
    if f"{os.sep}app{os.sep}" in filename:
        return "app"
    if f"{os.sep}bench{os.sep}" in filename:
        return "bench harness"
    return "Python stdlib/builtins"


def profile(call: Callable[[], Any], title: str, out: Path) -> str:
    """Runs `call` under cProfile; returns a summary (time per layer, top functions by own
    time and by cumulative time) and saves the full listing to `out`."""
    prof = cProfile.Profile()
    prof.enable()
    call()
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in raw.values()) or 1e-9
    layers: dict[str, float] = {}
    for (filename, _line, name), (_cc, _nc, tt, _ct, _callers) in raw.items():
        layer = _layer(filename, name)
        layers[layer] = layers.get(layer, 0.0) + tt

    def where(key: tuple[str, int, str]) -> str:
        filename, line, name = key
        if filename == "~":
            return name
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        return f"{short}:{line} {name}"

    lines = [
        f"#### {title}",
        "",
        f"profiled total {total * 1000:.0f} ms (cProfile adds overhead to Python code)",
        "",
    ]
    lines += ["Own time by layer:", ""]
    for layer, tt in sorted(layers.items(), key=lambda kv: -kv[1]):
        lines.append(f"- {layer}: {tt / total:.0%}")
    lines += [
        "",
        "Top functions by own time:",
        "",
        "| own % | calls | function |",
        "|---:|---:|---|",
    ]
    for key, (_cc, nc, tt, _ct, _callers) in sorted(raw.items(), key=lambda kv: -kv[1][2])[:15]:
        lines.append(f"| {tt / total:.1%} | {nc:,} | `{where(key)}` |")
    lines += [
        "",
        "Top app/SQLAlchemy functions by cumulative time:",
        "",
        "| cum % | calls | function |",
        "|---:|---:|---|",
    ]
    ranked = sorted(
        (kv for kv in raw.items() if _layer(kv[0][0], kv[0][2]) in ("app", "SQLAlchemy")),
        key=lambda kv: -kv[1][3],
    )
    for key, (_cc, nc, _tt, ct, _callers) in ranked[:15]:
        lines.append(f"| {ct / total:.0%} | {nc:,} | `{where(key)}` |")
    full = io.StringIO()
    pstats.Stats(prof, stream=full).sort_stats("tottime").print_stats(60)
    pstats.Stats(prof, stream=full).sort_stats("cumulative").print_stats(60)
    out.write_text(full.getvalue(), encoding="utf-8")
    lines += ["", f"Full listing: {out}", ""]
    return "\n".join(lines)


def profile_misses(b: Bench, report: Report, out_dir: Path) -> None:
    """Profiles the workload behind every missed target, once per workload."""
    missed = {m.key.split("_")[0] for m in report.metrics if m.passed is False}
    if "lookup" in missed:
        report.profiles["lookup"] = profile(
            lambda: [queries.find_units(b.store, b.actor, s) for s in b.serials],
            f"find_units x {len(b.serials):,}",
            out_dir / "profile-lookup.txt",
        ) + (
            "\nWhere a look-up's time goes (same serials, each variant checked to return "
            "the same records):\n\n" + lookup_what_ifs(b) + "\n"
        )
    if "page" in missed or "next" in missed:
        report.profiles["page"] = profile(
            lambda: [_service_pages(b, p) for p in b.prefixes],
            f"list_units page 1 + 2 x {len(b.prefixes)} prefixes",
            out_dir / "profile-page.txt",
        )
    if "receive" in missed:
        report.profiles["receive"] = profile(
            lambda: receive_bench.receive_service(
                b, receive_bench.range_text("BX", 30_001, 10_000)
            ),
            "receive_serials of 10,000 (one more range)",
            out_dir / "profile-receive.txt",
        )


# ---------------------------------------------------------------- running


def run(
    units: int = DEFAULT_UNITS,
    *,
    lookups: int = 2_000,
    pages: int = 300,
    out_dir: Path = OUT_DIR,
    fresh: bool = False,
    profile_missed: bool = True,
    seed: int = 7,
    log: Callable[[str], None] = print,
) -> Report:
    """Generates or reuses the store, measures, and returns the report (nothing printed
    but progress)."""
    report = Report()
    out_dir.mkdir(parents=True, exist_ok=True)
    path, manifest, reused = cached_store(units, out_dir=out_dir, fresh=fresh, log=log)
    report.facts.update(
        units=manifest.units,
        items=manifest.items,
        movements=manifest.movements,
        generation_seconds=manifest.seconds,
        store_reused=reused,
        bench_item=manifest.bench_sku,
        python=platform.python_version(),
        sqlite=sqlite3.sqlite_version,
        sqlalchemy=sqlalchemy.__version__,
        cpus=os.cpu_count(),
        # Other work on the machine shows in the tails: say how busy it was.
        load_before=round(os.getloadavg()[0], 2),
    )
    measure_size(path, manifest, report)

    work = out_dir / f"work-{os.getpid()}.sqlite3"  # a scratch copy; parallel runs never share
    for stale in (work, work.with_name(work.name + "-wal"), work.with_name(work.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(path, work)
    store = open_store(sqlite_url(work))
    conn = floor_connection(work)
    try:
        rng = random.Random(seed)
        b = Bench(
            store=store,
            conn=conn,
            actor=users.actor_by_name(store, manifest.actor),
            manifest=manifest,
            serials=sample_serials(conn, manifest.units, lookups, rng),
            prefixes=sample_prefixes(conn, manifest.units, pages, rng),
        )
        log(f"look-ups: {len(b.serials):,} serials ...")
        measure_lookups(b, report)
        log(f"unit list: {len(b.prefixes)} prefixes ...")
        measure_pages(b, report)
        log("'contains' search ...")
        measure_contains(b, report)
        log("receiving: 3 x 10,000, 1 x 100,000 ...")
        receive_bench.measure_receiving(b, report)
        log("product list, count of 5,000 scans, recall by range ...")
        backoffice_bench.measure_product_list(b, report)
        backoffice_bench.measure_count(b, report)
        backoffice_bench.measure_recall(b, report)
        report.facts["query_plans"] = {
            "lookup": _plan(conn, _LOOKUP_SQL, ("x",)),
            "page": _plan(conn, _PAGE_SQL, ("in_stock", "a", "b", 101)),
        }
        if profile_missed:
            profile_misses(b, report, out_dir)
    finally:
        conn.close()
        store.dispose()
        for scratch in (
            work,
            work.with_name(work.name + "-wal"),
            work.with_name(work.name + "-shm"),
        ):
            scratch.unlink(missing_ok=True)
    return report


def rows_alone(name: str, *measures: Callable[[Bench, Report], None]) -> int:
    """Runs some rows of this suite alone on a scratch copy of the cached store and prints
    them (`python -m bench.backoffice_bench`, `python -m bench.receive_bench`)."""
    path, manifest, _reused = cached_store(out_dir=OUT_DIR, log=print)
    work = OUT_DIR / f"{name}-{os.getpid()}.sqlite3"
    shutil.copyfile(path, work)
    store = open_store(sqlite_url(work))
    conn = floor_connection(work)
    report = Report()
    load = os.getloadavg()[0]
    try:
        actor = users.actor_by_name(store, manifest.actor)
        b = Bench(store, conn, actor, manifest, [], [])
        for measure in measures:
            measure(b, report)
    finally:
        conn.close()
        store.dispose()
        for suffix in ("", "-wal", "-shm"):
            work.with_name(work.name + suffix).unlink(missing_ok=True)
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(markdown_table(report.metrics))
    return 0


def _plan(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[str]:
    return [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def render(report: Report) -> str:
    f = report.facts
    head = (
        f"## Stock benchmark: {f['units']:,} units, {f['items']:,} items, "
        f"{f['movements']:,} ledger rows\n\n"
        f"Store generated in {f['generation_seconds']:.1f} s"
        f"{' (cached store reused)' if f['store_reused'] else ''}; "
        f"Python {f['python']}, SQLite {f['sqlite']}, SQLAlchemy {f['sqlalchemy']}, "
        f"{f['cpus']} CPUs, load average {f['load_before']} before, "
        f"{f.get('load_after', '?')} after (other work on the machine widens the tails).\n"
    )
    body = markdown_table(report.metrics)
    notes = (
        "\nSerialPOS: the public service/query call with a real Actor (receive includes "
        "parse_range). Floor: the same SQL through the stdlib sqlite3 module on the same "
        "file; for receiving it also checks for clashes, adds the batch, executemany's the "
        "units and derives the ledger rows, in one transaction.\n"
    )
    by_object = f.get("bytes_per_unit_by_object", {})
    if by_object:
        parts = ", ".join(f"{name} {size:.0f} B" for name, size in by_object.items())
        notes += f"\nStore bytes per unit by table and index: {parts}.\n"
    profiles = ""
    if report.profiles:
        profiles = "\n### Why targets were missed (cProfile)\n\n" + "\n".join(
            report.profiles.values()
        )
    return head + "\n" + body + "\n" + notes + profiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--units", type=int, default=DEFAULT_UNITS, help="store size (default 1,000,000)"
    )
    parser.add_argument("--lookups", type=int, default=2_000, help="serials to look up")
    parser.add_argument("--pages", type=int, default=300, help="prefixes to page through")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="cache and results folder")
    parser.add_argument("--fresh", action="store_true", help="regenerate the store")
    parser.add_argument("--no-profile", action="store_true", help="skip profiling misses")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = run(
        args.units,
        lookups=args.lookups,
        pages=args.pages,
        out_dir=args.out,
        fresh=args.fresh,
        profile_missed=not args.no_profile,
    )
    report.facts["bench_seconds"] = round(time.perf_counter() - started, 1)
    report.facts["load_after"] = round(os.getloadavg()[0], 2)
    text = render(report)
    print()
    print(text)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    payload = {
        "facts": report.facts,
        "metrics": [asdict(m) | {"passed": m.passed} for m in report.metrics],
        "profiles": report.profiles,
    }
    (args.out / "results.json").write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(
        f"written {args.out / 'results.md'} and results.json in {report.facts['bench_seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
