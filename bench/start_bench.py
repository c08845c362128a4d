"""Start-up, memory and the scanned row, on the million-unit store, each in a fresh process
(offscreen Qt), each beside its floor.

- cold start: `python` spawned -> the locked screen's PIN field painted, through the
  window's own start path (app.cli imported as `serialpos` does, `Till.start` with the
  store's URL: the store is opened after that paint); floor: a bare PySide6 window with a
  line edit, painted, by the same Python. The probe also lists what it imported of
  NOT_AT_START (it should be nothing), then says when the store is open (noted beside
  the row), and the run counts the temporary folders left behind (it should be none).
- memory: the window's process, logged in as back office, the Stock view's own unit list
  model scrolled through 50,000 rows page by page as the view fetches them; floor: the
  same process before the store is opened (imports and Qt only).
- wedge Enter -> cart row painted: the POS view, logged in as a cashier, the app's wedge
  filter installed; each serial is keyed into the scan field at scanner speed and the time
  runs from its Enter to the cart's paint that shows the new row (the scan resolved on a
  worker thread, as at the till); floor: the same keys into a bare line edit whose Enter
  appends a row to a bare QTableView.

Runs on a scratch copy of the cached store. `python -m bench --start-only` runs it alone.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.generate import BENCH_LOCATION, CASHIER, DEFAULT_UNITS, OUT_DIR, cached_store

START_S = 0.8
RSS_MB = 180.0
ROW_PAINTED_P99_MS = 8.0
ROWS = 50_000
STARTS = 5
SCANS = 200
RUNS = 3  # each row is the median of this many runs (spread beside it)

# What the locked screen does not use: migrations, printing, PDF sheets, GS1 parsing,
# barcodes, images, money and date formatting, the views behind the lock; the ORM, its
# models and the services (they come with the PIN), the CLI's commands, pyserial (a serial
# scanner's), cryptography (the PIN key's); SQLAlchemy and the store itself (opened once
# the PIN field is painted, app.ui.store_opening).
NOT_AT_START = (
    "alembic",
    "mako",
    "escpos",
    "yaml",
    "fpdf",
    "fontTools",
    "biip",
    "barcode",
    "PIL",
    "babel",
    "app.cli.selling",
    "app.demo",
    "app.paperwork",
    "app.scan",
    "app.ui.pos.pos_view",
    "app.ui.stock.stock_view",
    "sqlalchemy.orm",
    "app.db.base",
    "app.cli.common",
    "app.cli.auth",
    "app.users.services",
    "app.users.models",
    "app.customers",
    "app.stock.models",
    "app.pos",
    "app.tickets",
    "serial",
    "cryptography",
    "sqlalchemy",
    "app.db",
)

_PAINTED = """
import sys
from PySide6.QtCore import QEvent, QEventLoop, QObject
class Painted(QObject):
    '''Notes the first paint of one widget, and the modules imported by then.'''
    def __init__(self, widget):
        super().__init__()
        self.done = False
        self.modules = []
        self.widget = widget
        widget.installEventFilter(self)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is self.widget and not self.done:
            self.done = True
            self.modules = list(sys.modules)
        return False
import time
from PySide6.QtCore import QTimer
_awake = QTimer()  # wakes a waiting loop now and then, so that `until` can give up
_awake.setInterval(100)
def until(flag, qt, seconds=60):
    _awake.start()
    deadline = time.monotonic() + seconds
    while not flag():
        if time.monotonic() > deadline:
            raise SystemExit("gave up waiting")
        qt.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    _awake.stop()
def log_in(window, actor):
    dialog = window.pin_dialog  # as if the PIN were typed: the dialog's own way in
    dialog.actor = actor
    dialog.accept()
    until(lambda: window.actor is not None, qt)
"""

# The window's start, as `serialpos --db URL gui --no-demo` runs it (app.ui.app.run_gui),
# up to the PIN field painted; then the NOT_AT_START modules it had imported by that paint;
# then, on a second line, whether the store opened after it (PINs are checked from then on).
# (tests/ui/test_start_imports.py too)
WINDOW_PROBE = (
    _PAINTED
    + """
from app.cli import main  # the entry point's module, as `serialpos` imports it
import app.ui.main_window
from app.config import load_settings
from app.ui.app import Till, make_application
qt = make_application()
till = Till(None, load_settings())
window = till.start(qt, store_url=sys.argv[1], demo=False)
painted = Painted(window.pin_dialog.pin_edit)
until(lambda: painted.done, qt)
# As imported by the paint: after it, the store is opened and what a log-in needs imported.
loaded = [
    n for n in sys.argv[2:] if any(m == n or m.startswith(n + ".") for m in painted.modules)
]
print("shown", *loaded, flush=True)
until(lambda: till.store is not None or till.problem, qt)
print("opened" if till.store is not None else f"failed: {till.problem}", flush=True)
window.close()
till.stop()
"""
)

_FLOOR_WINDOW = (
    _PAINTED
    + """
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow
qt = QApplication([])
window = QMainWindow()
edit = QLineEdit()
window.setCentralWidget(edit)
painted = Painted(edit)
window.show()
until(lambda: painted.done, qt)
print("shown", flush=True)
"""
)

_SCROLLED = (
    _PAINTED
    + """
from PySide6.QtCore import QModelIndex
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024
from app.ui.app import Till, make_application, open_shop
from app.users import services as users
qt = make_application()
before = rss()
store, settings = open_shop(sys.argv[1], demo=False)
till = Till(store, settings)
window = till.start(qt)
log_in(window, users.actor_by_name(store, sys.argv[2]))
assert window.current_view() is window.stock_view  # back office lands on Stock
model = window.stock_view.units_page.model
rows = int(sys.argv[3])
deadline = time.monotonic() + 600
while model.rowCount() < rows and time.monotonic() < deadline:
    if model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    qt.processEvents()
    time.sleep(0.001)
print(before, rss(), model.rowCount(), flush=True)
till.stop()
store.dispose()
"""
)

# Keys a code into `field` at scanner speed (spontaneous key events, as a wedge sends, the
# event loop turning between them), then Enter; the time from the Enter to the paint of
# `table` that shows one row more.
_KEYED = (
    _PAINTED
    + """
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
class RowPainted(QObject):
    def __init__(self, table):
        super().__init__()
        self.table, self.rows, self.seen = table, 0, True
        table.viewport().installEventFilter(self)
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.table.model().rowCount() > self.rows:
            self.seen = True
        return False
def keyed(qt, field, table, codes, reset):
    painted = RowPainted(table)
    times = []
    for n, code in enumerate(codes):
        if n % 10 == 0:
            reset()  # a sale of ten lines, then a new one
            qt.processEvents()
        for ch in code:
            QTest.keyClick(field, ch)
            # A scanner's keys come through the event loop, a millisecond or more apart:
            # what the last scan left queued (the open sale's save, Qt's deferred layouts)
            # runs between them, not inside the next Enter's time.
            qt.processEvents()
        painted.rows, painted.seen = table.model().rowCount(), False
        started = time.perf_counter()
        QTest.keyClick(field, Qt.Key.Key_Return)
        until(lambda: painted.seen, qt)
        times.append((time.perf_counter() - started) * 1000)
    return times
"""
)

_CART_ROW = (
    _KEYED
    + """
from app.ui.app import Till, make_application, open_shop
from app.users import services as users
qt = make_application()
store, settings = open_shop(sys.argv[1], demo=False)
till = Till(store, settings)
window = till.start(qt)  # with the app's wedge filter on the application, as at the till
log_in(window, users.actor_by_name(store, sys.argv[2]))
# The floor's size, a till's screen: the offscreen window's own default (about 1045 px) is
# narrower than any till the layout is made for, and its cart scrolled sideways.
window.resize(1280, 760)
pos = window.pos_view
# The sale the last run left open comes back after the log-in, on a worker: cleared by the
# first sale's reset only once it is in (else that "sale" was the last run's 9 lines + 10).
from app.ui.ops import ops_running
until(lambda: ops_running() == 0, qt)
codes = sys.argv[3:]
times = keyed(qt, pos.scan_edit, pos.cart_table, codes, pos.cart_model.clear)
print(*times, flush=True)
till.stop()
store.dispose()
"""
)

_FLOOR_ROW = (
    _KEYED
    + """
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget
qt = QApplication([])
window = QWidget()
edit, table, model = QLineEdit(), QTableView(), QStandardItemModel(0, 5)
table.setModel(model)
layout = QVBoxLayout(window)
layout.addWidget(edit)
layout.addWidget(table)
window.resize(1280, 760)
window.show()
edit.setFocus()
def add():
    model.appendRow([QStandardItem(edit.text()) for _ in range(5)])
    edit.clear()
edit.returnPressed.connect(add)
print(*keyed(qt, edit, table, sys.argv[1:], lambda: model.setRowCount(0)), flush=True)
"""
)


@dataclass(frozen=True)
class Row:
    """One row of the table: the median of RUNS runs, the spread, the floor beside it."""

    label: str
    unit: str
    runs: tuple[float, ...]
    floor: float
    target: float
    note: str = ""

    @property
    def value(self) -> float:
        return statistics.median(self.runs)

    @property
    def passed(self) -> bool:
        return self.value <= self.target


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:.2f} ms"


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| path | SerialPOS (median) | spread of runs | floor | ratio | target | pass? |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        spread = f"{_fmt(min(r.runs), r.unit)} – {_fmt(max(r.runs), r.unit)}"
        label = f"{r.label} ({r.note})" if r.note else r.label
        lines.append(
            f"| {label} | {_fmt(r.value, r.unit)} | {spread} | {_fmt(r.floor, r.unit)} "
            f"| {r.value / r.floor:.1f}× | ≤ {_fmt(r.target, r.unit)} "
            f"| {'pass' if r.passed else '**MISSED**'} |"
        )
    return "\n".join(lines)


def _env(scratch: Path) -> dict[str, str]:
    """Offscreen, default settings but the till's location, a temp folder of its own."""
    settings = scratch / "settings.toml"
    settings.write_text(f'[shop]\ntill_location = "{BENCH_LOCATION}"\n', encoding="utf-8")
    (scratch / "tmp").mkdir(exist_ok=True)
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SERIALPOS_CONFIG=str(settings),
        SERIALPOS_DATA_DIR=str(scratch / "data"),
        TMPDIR=str(scratch / "tmp"),
    )


def _spawn_lines(code: str, env: dict[str, str], count: int, *args: str) -> list[tuple[float, str]]:
    """(seconds from spawn to each of the first `count` lines printed, that line)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    lines = []
    for _ in range(count):
        line = proc.stdout.readline().strip()
        lines.append((time.perf_counter() - started, line))
    proc.wait(timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"probe failed ({proc.returncode})")
    return lines


def _spawn(code: str, env: dict[str, str], *args: str) -> tuple[float, str]:
    """(seconds from spawn to the first line printed, that line)."""
    return _spawn_lines(code, env, 1, *args)[0]


def _spawn_start(env: dict[str, str], *args: str) -> tuple[float, str, float]:
    """The window's start: (seconds to the PIN field painted, that line, seconds to the
    store open after it)."""
    (painted, line), (opened, said) = _spawn_lines(WINDOW_PROBE, env, 2, *args)
    if said != "opened":
        raise RuntimeError(f"the store did not open: {said}")
    return painted, line, opened


def _serials(path: Path, count: int) -> list[str]:
    """In-stock serials at the till's location, each the only unit with its serial key,
    plain enough to key in (letters, digits, '-')."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT u.serial FROM serial_units u JOIN locations l ON l.id = u.location_id"
            " WHERE u.status = 'in_stock' AND l.name = ? AND u.serial GLOB '[A-Za-z0-9-]*'"
            " AND u.serial NOT GLOB '*[^A-Za-z0-9-]*' AND u.serial_key IN"
            " (SELECT serial_key FROM serial_units GROUP BY serial_key HAVING count(*) = 1)"
            " ORDER BY random() LIMIT ?",
            (BENCH_LOCATION, count),
        ).fetchall()
    finally:
        conn.close()
    return [r[0] for r in rows]


def _p99(line: str) -> float:
    times = sorted(float(t) for t in line.split())
    return times[min(len(times) - 1, int(len(times) * 0.99))]


def run(units: int = DEFAULT_UNITS, out_dir: Path = OUT_DIR, runs: int = RUNS) -> list[Row]:
    path, manifest, _ = cached_store(units, out_dir=out_dir)
    scratch = out_dir / f"start-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    work = scratch / "store.sqlite3"
    shutil.copyfile(path, work)
    url = f"sqlite:///{work}"
    env = _env(scratch)
    try:
        _spawn(WINDOW_PROBE, env, url)  # warm the OS file cache for both alike
        _spawn(_FLOOR_WINDOW, env)
        starts, floors, opens, imported = [], [], [], set()
        for _ in range(runs):
            window, floor = [], []
            for _ in range(STARTS):
                seconds, line, open_seconds = _spawn_start(env, url, *NOT_AT_START)
                window.append(seconds)
                opens.append(open_seconds)
                imported.update(line.split()[1:])
                floor.append(_spawn(_FLOOR_WINDOW, env)[0])
            starts.append(statistics.median(window))
            floors.append(statistics.median(floor))
        left = sorted(p.name for p in (scratch / "tmp").iterdir())
        note = (
            f"median of {STARTS} starts a run; the store open (PINs checked) at"
            f" {statistics.median(opens):.3f} s; "
        ) + (
            f"imported at start: {' '.join(sorted(imported))}"
            if imported
            else "none of SQLAlchemy, "
            "alembic, escpos, fpdf, biip, PIL, babel, the ORM, the services or the views"
            " imported by the paint"
        )
        note += f"; {len(left)} temp folders left" if left else "; no temp folder left"
        rows = [
            Row(
                "Cold start to the locked screen (PIN field painted), existing store",
                "s",
                tuple(starts),
                statistics.median(floors),
                START_S,
                note + "; floor: a bare PySide6 window with a line edit",
            )
        ]
        rss, before = [], []
        for _ in range(runs):
            _seconds, line = _spawn(_SCROLLED, env, url, manifest.actor, str(ROWS))
            first, after, count = line.split()
            rss.append(float(after))
            before.append(float(first))
        rows.append(
            Row(
                f"RSS, store open, Stock list scrolled through {int(count):,} rows",
                "MB",
                tuple(rss),
                statistics.median(before),
                RSS_MB,
                "floor: the same process before the store is opened",
            )
        )
        painted, floor_painted = [], []
        for _ in range(runs):
            codes = _serials(work, SCANS)
            painted.append(_p99(_spawn(_CART_ROW, env, url, CASHIER[0], *codes)[1]))
            floor_painted.append(_p99(_spawn(_FLOOR_ROW, env, *codes)[1]))
        rows.append(
            Row(
                "Wedge Enter -> cart row painted, p99, POS view",
                "ms",
                tuple(painted),
                statistics.median(floor_painted),
                ROW_PAINTED_P99_MS,
                f"{SCANS} scans a run, resolve_scan on a worker thread; floor: the same keys"
                " into a bare line edit appending to a bare table",
            )
        )
        return rows
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(out_dir: Path = OUT_DIR) -> int:
    load = os.getloadavg()
    rows = run(out_dir=out_dir)
    text = (
        f"Start-up, memory and the scanned row (fresh processes, {RUNS} runs each; load "
        f"average at the start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})\n\n"
        + table(rows)
        + "\n"
    )
    print()
    print(text)
    (out_dir / "start-results.md").write_text(text, encoding="utf-8")
    return 0 if all(r.passed for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
