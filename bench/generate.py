"""Builds a big, realistic SerialPOS store fast: 1,000,000 serial units over 1,000 items.

The schema comes from the app itself (`open_store` runs the Alembic migrations) and the
users and locations from its services, so PIN hashes, audit rows and defaults are the
real ones. Items, receiving batches, units and their ledger rows are then bulk-loaded with
the stdlib sqlite3 module, because going through `receive_serials` a million times would
take an hour. The rows are the ones the services write:

* one receiving batch per item, its units `in_stock` at the batch's location, one
  `receive` movement per unit with `document = 'batch:<id>'` (as `insert_units` does);
* later moves as `move_unit` writes them (sale, refund_defective, to_vendor, write_off,
  transfer): the unit row carries the final state, each move has its ledger row, and a
  write-off has its audit row;
* `serial_key` is `app.stock.serials.serial_key(serial)`; dates and times are rendered
  by the model columns' own SQLAlchemy types, so they read back like service-written ones.

Not generated: POS documents (sales, sale lines, receipts). A sold unit has its stock
ledger row (`sale`, as `move_unit` writes it) but no sale document behind it, so the
`sales` tables stay empty; size and timings here are those of the stock side.

Run `python -m bench.generate --units N` to build one by hand; `python -m bench` calls
`cached_store`, which reuses a store built by the same generator version and schema.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy.dialects import sqlite as sqlite_dialect

from app.db.migrate import head_revision
from app.db.types import utcnow
from app.db.uow import open_store, sqlite_url
from app.stock.lifecycle import Move
from app.stock.locations import create_location
from app.stock.models import SerialUnit, UnitStatus
from app.stock.serial_schemes import RANDOM_ALPHABET
from app.stock.serials import serial_key
from app.users import services as users
from app.users.roles import Role

# Bump when the generated data changes shape: a cached store of another version is rebuilt.
GENERATOR_VERSION = 2
DEFAULT_UNITS = 1_000_000
DEFAULT_ITEMS = 1_000
SEED = 20_261_122
OUT_DIR = Path(__file__).resolve().parent / "out"

MANAGER = ("manager", "9999")
BACK_OFFICE = ("backoffice", "3333")
CASHIER = ("cashier", "1111")
# (name, sellable, share of receivings). Nothing is received into the repair bench.
LOCATIONS = (
    ("Front store", True, 40),
    ("Back room", True, 20),
    ("Warehouse", True, 35),
    ("Van 1", True, 5),
    ("Repairs", False, 0),
)
BENCH_LOCATION = "Front store"
# The benchmark receives BX… and FX… ranges into an existing item: never generate them.
RESERVED_PREFIXES = frozenset({"BX", "FX"})

# Cumulative thresholds of the final-status mix (the rest is adjusted_out), and the share
# of in-stock units that were moved once between locations.
_IN_STOCK, _SOLD, _DEFECTIVE, _AT_VENDOR = 0.70, 0.95, 0.97, 0.985
TRANSFER_SHARE = 0.04
WRITE_OFF_REASONS = ("damaged in store", "lost in stock count", "display unit scrapped")

# (style, share of items). Each style is a way shops really get serials, and the pools
# of shared prefixes and start numbers make some serials exist under several items.
STYLES = (
    ("generated", 35),  # item scheme, sequential: PX0000001 (method "generate")
    ("random", 8),  # item scheme, random symbols: 7KQ2M9XH4D (method "generate")
    ("padded_range", 20),  # SN00098...SN01097 typed as a range (shared prefixes/starts)
    ("plain_number", 10),  # 250000...250999, no padding (shared starts)
    ("mixed_case", 8),  # pasted list, case as printed: Sn-004711
    ("imei", 12),  # CSV from the supplier: 15-digit IMEI with Luhn digit, own costs
    ("mac", 7),  # CSV: 00:1A:2B:3C:4D:5E
)
_METHOD = {
    "generated": "generate",
    "random": "generate",
    "padded_range": "range",
    "plain_number": "range",
    "mixed_case": "list",
    "imei": "csv",
    "mac": "csv",
}
_SHARED_PREFIXES = ("SN", "SN-", "S", "R", "X")
_SHARED_STARTS = (1, 1_001, 10_001)
_PLAIN_STARTS = (100_000, 250_000, 1_000_000, 5_000_000)
_MIXED_PREFIXES = ("sn", "Sn-", "sN", "abc-", "Ser")
_BRANDS = ("Acme", "Nordic", "Kestrel", "Orion", "Vega", "Polar", "Tessa", "Lumen")
_KINDS = ("Phone", "Laptop", "Tablet", "Camera", "Drill", "Router", "Watch", "Console")

_UNIT_COLUMNS = (
    "id, item_id, serial, serial_key, asset_tag, status, location_id, customer_id, cost, "
    "received_at, batch_id, supplier_warranty_end, warranty_type, warranty_start, "
    "warranty_end, lot"
)
_ITEM_COLUMNS = (
    "id, sku, name, price, cost, barcode, tax_rate_bp, serialized, warranty_days, "
    "serial_prefix, serial_digits, serial_random, serial_next, active, created_at"
)
_MOVE_COLUMNS = (
    "at, user_id, kind, item_id, unit_id, qty, from_status, to_status, from_location_id, "
    "to_location_id, customer_id, document, reason"
)
_BULK_TABLES = ("serial_units", "movements")

Log = Callable[[str], None]


@dataclass(frozen=True)
class Manifest:
    """What a generated store holds; saved beside it so a later run can trust the cache."""

    version: int
    revision: str
    seed: int
    units: int
    items: int
    movements: int
    seconds: float
    bench_sku: str  # a big sequential item: the receive benchmark adds units to it
    bench_location: str
    actor: str  # the user the benchmark acts as (back office: may view and receive)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Manifest | None:
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


@dataclass(frozen=True)
class ItemPlan:
    """One item and its single receiving batch (batch id = item id)."""

    id: int
    sku: str
    name: str
    price: int
    cost: int
    barcode: str | None
    warranty_days: int
    style: str
    scheme_prefix: str
    scheme_digits: int
    scheme_random: bool
    count: int
    location_id: int
    supplier_warranty_days: int
    received_at: datetime
    serials: list[str]


# ---------------------------------------------------------------- value rendering

_DIALECT = sqlite_dialect.dialect()
_render_datetime = SerialUnit.__table__.c.received_at.type.bind_processor(_DIALECT)
_render_date = SerialUnit.__table__.c.supplier_warranty_end.type.bind_processor(_DIALECT)


def _dt(value: datetime) -> Any:
    """A datetime as SQLAlchemy stores it in SQLite ('YYYY-MM-DD HH:MM:SS.ffffff')."""
    return _render_datetime(value) if _render_datetime else value


def _d(value: date | None) -> Any:
    if value is None:
        return None
    return _render_date(value) if _render_date else value


# ---------------------------------------------------------------- planning


def _allocate(total: int, n: int, rng: random.Random) -> list[int]:
    """Split `total` units over `n` items, at least one each, with a long tail of big ones.

    Pareto weights, capped so no item holds more than ~2 % of the store (a 6-digit
    padded range still fits it).
    """
    weights = [min(rng.paretovariate(1.16), 60.0) for _ in range(n)]
    spare, weight_sum = total - n, sum(weights)
    counts = [1 + int(spare * w / weight_sum) for w in weights]
    by_weight = sorted(range(n), key=lambda i: -weights[i])
    for k in range(total - sum(counts)):
        counts[by_weight[k % n]] += 1
    return counts


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # every second digit from the right, the check digit not yet there
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _ean13(number: int) -> str:
    body = f"20{number:010d}"  # 20-29: in-store numbers, never a real product's
    weighted = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - weighted % 10) % 10)


def _serials_for(style: str, count: int, rng: random.Random) -> tuple[list[str], str, int]:
    """The item's serials in receiving order, plus the scheme prefix and digits it keeps."""
    if style == "generated":
        prefix = _letters(rng, 2)
        while prefix in RESERVED_PREFIXES:
            prefix = _letters(rng, 2)
        prefix += rng.choice(("", "", str(rng.randrange(10))))
        digits = max(rng.choice((6, 7, 8)), len(str(count)))
        return [f"{prefix}{n:0{digits}d}" for n in range(1, count + 1)], prefix, digits
    if style == "random":
        prefix = rng.choice(("", "", _letters(rng, 1)))
        made: dict[str, str] = {}
        while len(made) < count:
            value = rng.getrandbits(50)  # 10 symbols x 5 bits, as generate() draws them
            symbols = []
            for _ in range(10):
                symbols.append(RANDOM_ALPHABET[value & 31])
                value >>= 5
            serial = prefix + "".join(symbols)
            made.setdefault(serial_key(serial), serial)
        return list(made.values()), prefix, 10
    if style in ("padded_range", "mixed_case"):
        pool = _SHARED_PREFIXES if style == "padded_range" else _MIXED_PREFIXES
        prefix, start = rng.choice(pool), rng.choice(_SHARED_STARTS)
        digits = max(rng.choice((5, 6, 7)), len(str(start + count - 1)))
        return [f"{prefix}{n:0{digits}d}" for n in range(start, start + count)], "", 6
    if style == "plain_number":
        start = rng.choice(_PLAIN_STARTS)
        return [str(n) for n in range(start, start + count)], "", 6
    if style == "imei":
        tac = f"35{rng.randrange(10**6):06d}"
        numbers = rng.sample(range(10**6), count)
        return [f"{tac}{n:06d}{_luhn_digit(f'{tac}{n:06d}')}" for n in numbers], "", 6
    if style == "mac":
        oui = rng.randrange(2**24)
        out = []
        for nic in rng.sample(range(2**24), count):
            raw = f"{oui:06X}{nic:06X}"
            out.append(":".join(raw[i : i + 2] for i in range(0, 12, 2)))
        return out, "", 6
    raise ValueError(f"unknown serial style {style!r}")


def plan_items(
    units: int, items: int, rng: random.Random, now: datetime, location_ids: list[int]
) -> list[ItemPlan]:
    """Every item with its serials; receivings spread over the year before last."""
    counts = _allocate(units, items, rng)
    styles = [s for s, _ in STYLES]
    style_weights = [w for _, w in STYLES]
    loc_weights = [w for _, _, w in LOCATIONS]
    first = now - timedelta(days=730)
    plans = []
    for index, count in enumerate(counts, start=1):
        style = rng.choices(styles, style_weights)[0]
        serials, prefix, digits = _serials_for(style, count, rng)
        price = rng.randrange(999, 199_999)
        # Evenly spaced, jittered within the slot, so batch ids keep time order.
        received = first + timedelta(days=365 * (index - 1 + 0.9 * rng.random()) / items)
        plans.append(
            ItemPlan(
                id=index,
                sku=f"SKU-{index:05d}",
                name=f"{rng.choice(_BRANDS)} {rng.choice(_KINDS)} {_letters(rng, 1)}{index}",
                price=price,
                cost=price * rng.randrange(55, 85) // 100,
                barcode=_ean13(index) if rng.random() < 0.5 else None,
                warranty_days=rng.choice((0, 90, 365, 730)),
                style=style,
                scheme_prefix=prefix,
                scheme_digits=digits,
                scheme_random=style == "random",
                count=count,
                location_id=rng.choices(location_ids, loc_weights)[0],
                supplier_warranty_days=rng.choice((0, 365)),
                received_at=received,
                serials=serials,
            )
        )
    return plans


# ---------------------------------------------------------------- rows


@dataclass
class _Later:
    """What happened to units after receiving, collected while the units stream out."""

    moves: list[tuple[Any, ...]]
    audits: list[tuple[Any, ...]]

    def move(
        self,
        at: datetime,
        user_id: int,
        move: Move,
        unit: tuple[int, int],
        states: tuple[str, str],
        locations: tuple[int | None, int | None],
        reason: str | None = None,
    ) -> None:
        """The ledger row `move_unit` adds: (item, unit), (from, to) status and location."""
        (item_id, unit_id), (from_status, to_status) = unit, states
        from_loc, to_loc = locations
        self.moves.append(
            (at, user_id, move.value, item_id, unit_id, 1, from_status, to_status,
             from_loc, to_loc, None, None, reason)
        )  # fmt: skip


def _unit_rows(
    plans: list[ItemPlan],
    rng: random.Random,
    now: datetime,
    ids: dict[str, int],
    sellable: list[int],
    later: _Later,
) -> Iterator[tuple[Any, ...]]:
    """Yields serial_units rows in id order and fills `later` with their later moves.

    Each unit's row holds its final state; each move is the row `move_unit` would add.
    """
    manager, backoffice, cashier = ids["manager"], ids["backoffice"], ids["cashier"]
    in_stock, sold = UnitStatus.IN_STOCK.value, UnitStatus.SOLD.value
    year_ago = now - timedelta(days=365)
    rand = rng.random
    unit_id = 0
    for plan in plans:
        received = _dt(plan.received_at)
        supplier_end = (
            _d(plan.received_at.date() + timedelta(days=plan.supplier_warranty_days))
            if plan.supplier_warranty_days
            else None
        )
        loc, item = plan.location_id, plan.id
        others = [x for x in sellable if x != loc] or [loc]
        from_csv = _METHOD[plan.style] == "csv"
        for serial in plan.serials:
            unit_id += 1
            unit = (item, unit_id)
            # A CSV row may carry its own cost and asset tag; other methods use item cost.
            cost, tag = plan.cost, None
            if from_csv:
                cost = plan.cost * rng.randrange(90, 111) // 100
                if rand() < 0.3:
                    tag = f"AT-{unit_id:07d}"
            # Within the last year, early enough that a refund 1-21 days later is past.
            at = year_ago + timedelta(seconds=rand() * 340 * 86_400)
            r = rand()
            status: str = in_stock
            location: int | None = loc
            if r < _IN_STOCK:
                if rand() < TRANSFER_SHARE:
                    location = rng.choice(others)
                    later.move(
                        at, backoffice, Move.TRANSFER, unit, (in_stock, in_stock), (loc, location)
                    )
            elif r < _DEFECTIVE:
                status, location = sold, None
                later.move(at, cashier, Move.SALE, unit, (in_stock, sold), (loc, None))
                if r >= _SOLD:  # came back broken: refunded as defective into its shop
                    status, location = UnitStatus.DEFECTIVE.value, loc
                    back = at + timedelta(days=1 + rand() * 20)
                    later.move(
                        back, cashier, Move.REFUND_DEFECTIVE, unit, (sold, status), (None, loc)
                    )
            elif r < _AT_VENDOR:
                status, location = UnitStatus.AT_VENDOR.value, None
                later.move(at, backoffice, Move.TO_VENDOR, unit, (in_stock, status), (loc, None))
            else:
                status, location = UnitStatus.ADJUSTED_OUT.value, None
                reason = rng.choice(WRITE_OFF_REASONS)
                later.move(
                    at, manager, Move.WRITE_OFF, unit, (in_stock, status), (loc, None), reason
                )
                # A manager writing off approves it themselves: approved_by stays empty.
                later.audits.append((at, manager, "unit.write_off", serial[:200], reason, None))
            yield (
                unit_id, item, serial, serial_key(serial), tag, status, location, None, cost,
                received, item, supplier_end, None, None, None, None,
            )  # fmt: skip


def _item_rows(plans: list[ItemPlan]) -> Iterator[tuple[Any, ...]]:
    for p in plans:
        # A generated sequential scheme has handed out 1..count, as generate_serials does.
        serial_next = p.count + 1 if p.style == "generated" else 1
        created = _dt(p.received_at - timedelta(days=1))
        yield (
            p.id, p.sku, p.name, p.price, p.cost, p.barcode, 2000, 1, p.warranty_days,
            p.scheme_prefix, p.scheme_digits, int(p.scheme_random), serial_next, 1, created,
        )  # fmt: skip


# ---------------------------------------------------------------- building


def _set_up_through_services(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """Schema (migrations), users and locations the way the app makes them."""
    store = open_store(sqlite_url(path))
    try:
        manager = users.create_first_manager(store, name=MANAGER[0], pin=MANAGER[1])
        users.add_user(
            store, manager, name=BACK_OFFICE[0], role=Role.BACK_OFFICE, pin=BACK_OFFICE[1]
        )
        users.add_user(store, manager, name=CASHIER[0], role=Role.CASHIER, pin=CASHIER[1])
        locations = {
            name: create_location(store, manager, name=name, sellable=sellable).id
            for name, sellable, _ in LOCATIONS
        }
        user_ids = {a.name: a.id for a in users.list_users(store)}
    finally:
        store.dispose()
    return user_ids, locations


def _bulk_connection(path: Path) -> sqlite3.Connection:
    """A connection tuned for one big load into a file nobody else has open yet.

    No journal and no syncing: a crash leaves a broken temporary file, which is deleted
    and rebuilt, never a broken cached store (the file is renamed into place at the end).
    """
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=DELETE",  # leave WAL: a WAL-mode load would write every page twice
        "journal_mode=OFF",
        "synchronous=OFF",
        "locking_mode=EXCLUSIVE",
        "temp_store=MEMORY",
        "cache_size=-400000",  # 400 MB: index builds sort in memory
    ):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _drop_secondary_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drops the big tables' indexes and returns their exact CREATE statements.

    Building an index once over sorted data is several times faster than updating it a
    million times; recreating from sqlite_master's own SQL keeps the schema identical to
    what the migrations made. The UNIQUE (item_id, serial_key) constraint stays: units
    arrive item by item, so it is filled almost in order.
    """
    marks = ",".join("?" for _ in _BULK_TABLES)
    rows = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        _BULK_TABLES,
    ).fetchall()
    for name, _sql in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in rows]


def _load(
    conn: sqlite3.Connection,
    plans: list[ItemPlan],
    rng: random.Random,
    now: datetime,
    user_ids: dict[str, int],
    sellable: list[int],
    log: Log,
) -> None:
    started = time.perf_counter()
    backoffice, manager = user_ids["backoffice"], user_ids["manager"]
    conn.execute("BEGIN")
    conn.executemany(
        f"INSERT INTO items ({_ITEM_COLUMNS}) VALUES ({','.join('?' * 15)})", _item_rows(plans)
    )
    conn.executemany(
        "INSERT INTO audit_log (at, user_id, action, subject, detail, approved_by) "
        "VALUES (?, ?, 'item.create', ?, ?, NULL)",
        ((_dt(p.received_at - timedelta(days=1)), manager, p.sku, p.name) for p in plans),
    )
    conn.executemany(
        "INSERT INTO receiving_batches "
        "(id, at, user_id, item_id, location_id, qty, method, supplier_warranty_days) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                p.id,
                _dt(p.received_at),
                backoffice,
                p.id,
                p.location_id,
                p.count,
                _METHOD[p.style],
                p.supplier_warranty_days,
            )
            for p in plans
        ),
    )
    later = _Later([], [])
    conn.executemany(
        f"INSERT INTO serial_units ({_UNIT_COLUMNS}) VALUES ({','.join('?' * 16)})",
        _unit_rows(plans, rng, now, user_ids, sellable, later),
    )
    log(f"  units written ({time.perf_counter() - started:.1f} s)")
    # The receive ledger exactly as insert_units writes it: one INSERT ... SELECT from the
    # units, in unit order, at the batch's time, by the batch's user, into its location.
    conn.execute(
        f"INSERT INTO movements ({_MOVE_COLUMNS}) "
        "SELECT b.at, b.user_id, 'receive', u.item_id, u.id, 1, NULL, 'in_stock', NULL, "
        "b.location_id, NULL, 'batch:' || b.id, NULL "
        "FROM serial_units u JOIN receiving_batches b ON b.id = u.batch_id ORDER BY u.id"
    )
    # Later moves in time order, so the ledger's ids run with its clock as in a real shop.
    later.moves.sort(key=itemgetter(0))
    conn.executemany(
        f"INSERT INTO movements ({_MOVE_COLUMNS}) VALUES ({','.join('?' * 13)})",
        ((_dt(m[0]), *m[1:]) for m in later.moves),
    )
    later.audits.sort(key=itemgetter(0))
    conn.executemany(
        "INSERT INTO audit_log (at, user_id, action, subject, detail, approved_by) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((_dt(a[0]), *a[1:]) for a in later.audits),
    )
    conn.execute("COMMIT")
    log(f"  ledger written ({time.perf_counter() - started:.1f} s)")


def build_store(
    path: Path,
    *,
    units: int = DEFAULT_UNITS,
    items: int = DEFAULT_ITEMS,
    seed: int = SEED,
    log: Log | None = None,
) -> Manifest:
    """Builds the store at `path` (replacing any file there) and returns its manifest."""
    say: Log = log or (lambda _msg: None)
    if units < 1:
        raise ValueError("a store needs at least one unit")
    items = min(items, units)
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for leftover in (building, *_sidecars(building), path, *_sidecars(path)):
        leftover.unlink(missing_ok=True)

    user_ids, locations = _set_up_through_services(building)
    rng = random.Random(seed)
    now = utcnow()
    sellable = [locations[name] for name, is_sellable, _ in LOCATIONS if is_sellable]
    plans = plan_items(units, items, rng, now, [locations[name] for name, _, _ in LOCATIONS])
    say(f"  planned {units:,} serials over {items:,} items ({time.perf_counter() - started:.1f} s)")

    conn = _bulk_connection(building)
    try:
        indexes = _drop_secondary_indexes(conn)
        _load(conn, plans, rng, now, user_ids, sellable, say)
        conn.execute("BEGIN")
        for sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        say(f"  indexes built ({time.perf_counter() - started:.1f} s)")
        movements = conn.execute("SELECT count(*) FROM movements").fetchone()[0]
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("PRAGMA journal_mode=WAL")  # the mode the app runs in, kept in the file
    finally:
        conn.close()

    # Opened once the app's way: proves the store is at the head revision and usable.
    store = open_store(sqlite_url(building))
    try:
        users.actor_by_name(store, BACK_OFFICE[0])
        with store.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.dispose()
    building.replace(path)

    # A big sequential item, like the popular phone a shop restocks; a tiny store may have
    # none, and then any item does (BX/FX serials are never generated for any item).
    sequential = [p for p in plans if p.style == "generated"] or plans
    bench_item = max(sequential, key=lambda p: p.count)
    return Manifest(
        version=GENERATOR_VERSION,
        revision=head_revision() or "",
        seed=seed,
        units=units,
        items=items,
        movements=movements,
        seconds=round(time.perf_counter() - started, 2),
        bench_sku=bench_item.sku,
        bench_location=BENCH_LOCATION,
        actor=BACK_OFFICE[0],
    )


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


# ---------------------------------------------------------------- the cache


def cached_path(units: int, out_dir: Path = OUT_DIR) -> Path:
    """Where the store for this generator version, schema revision and size is cached."""
    return out_dir / f"stock-v{GENERATOR_VERSION}-r{head_revision()}-{units}.sqlite3"


def manifest_path(store: Path) -> Path:
    return store.with_name(store.name + ".json")


def _still_valid(path: Path, manifest: Manifest | None, units: int) -> bool:
    if manifest is None or not path.exists():
        return False
    if (manifest.version, manifest.revision, manifest.units) != (
        GENERATOR_VERSION,
        head_revision() or "",
        units,
    ):
        return False
    # If the serial_key rule changed since the store was built, look-ups would miss: spot
    # check a sample against today's rule and rebuild on any difference.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT serial, serial_key FROM serial_units WHERE id % ? = 0 LIMIT 500",
            (max(1, units // 500),),
        ).fetchall()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(rows) and all(serial_key(s) == k for s, k in rows)


def _migrated_from_older(path: Path, units: int, say: Log) -> Manifest | None:
    """A cached store of this generator version and size at an older schema revision,
    brought to head with the app's own migrations (what a shop's store goes through);
    None when there is none. The data is the same, so it saves a regeneration."""
    for older in sorted(path.parent.glob(f"stock-v{GENERATOR_VERSION}-r*-{units}.sqlite3")):
        manifest = Manifest.load(manifest_path(older))
        if older == path or manifest is None or manifest.version != GENERATOR_VERSION:
            continue
        say(f"migrating {older.name} from {manifest.revision} to {head_revision()} ...")
        started = time.perf_counter()
        for suffix in ("", "-wal", "-shm"):
            source = older.with_name(older.name + suffix)
            if source.exists():
                source.rename(path.with_name(path.name + suffix))
        manifest_path(older).unlink()
        open_store(sqlite_url(path)).dispose()
        migrated = Manifest(**{**asdict(manifest), "revision": head_revision() or ""})
        migrated.save(manifest_path(path))
        say(f"migrated in {time.perf_counter() - started:.1f} s")
        return migrated
    return None


def cached_store(
    units: int = DEFAULT_UNITS,
    *,
    out_dir: Path = OUT_DIR,
    fresh: bool = False,
    log: Log | None = None,
) -> tuple[Path, Manifest, bool]:
    """The cached store of this size, built if missing or stale: (path, manifest, reused)."""
    say: Log = log or (lambda _msg: None)
    path = cached_path(units, out_dir)
    manifest = Manifest.load(manifest_path(path))
    if not fresh and _still_valid(path, manifest, units):
        assert manifest is not None
        say(f"reusing {path} (built in {manifest.seconds:.1f} s)")
        return path, manifest, True
    migrated = _migrated_from_older(path, units, say)
    if migrated is not None:
        return path, migrated, True
    say(f"generating {units:,} units into {path} ...")
    manifest_path(path).unlink(missing_ok=True)
    manifest = build_store(path, units=units, log=say)
    manifest.save(manifest_path(path))  # written last: its presence means the store is whole
    say(f"generated in {manifest.seconds:.1f} s")
    return path, manifest, False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS)
    parser.add_argument("--out", type=Path, default=None, help="build here instead of caching")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    if args.out is not None:
        manifest = build_store(args.out, units=args.units, log=print)
        manifest.save(manifest_path(args.out))
        print(f"built {args.out} in {manifest.seconds:.1f} s")
    else:
        cached_store(args.units, fresh=args.fresh, log=print)
    return 0


if __name__ == "__main__":
    sys.exit(main())
