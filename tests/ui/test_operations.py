"""Operations off the GUI thread, and views that follow changes without a refresh key:
this till's sale, another process's sale, a slow store, a double press, a refusal."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pos_shop import CABLE_BARCODE, PHONE, PHONE_2, open_pos, open_stock, type_code
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from settle import settle
from sqlalchemy import event

from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.pos.sales import recent_sales
from app.ui.changes import FollowChanges, hub_of
from app.ui.ops import Ops
from app.ui.pos.payment_dialog import PaymentDialog
from app.ui.stock.stock_view import StockView
from app.ui.watcher import StoreWatcher
from app.users.roles import Actor
from app.users.services import actor_by_name

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cashier(demo_store: Store) -> Actor:
    return actor_by_name(demo_store, "cashier")


def _status_shown(view: StockView, serial: str) -> str:
    model = view.units_page.model
    rows = [model.unit(r) for r in range(model.rowCount())]
    return next(u.status for u in rows if u.serial == serial)


@pytest.fixture
def slow_store(demo_store: Store) -> Iterator[list[str]]:
    """The store's next statement sleeps half a second; yields the threads that slept."""
    slept: list[str] = []

    def sleepy(*_args: object) -> None:
        if not slept:
            slept.append(threading.current_thread().name)
            time.sleep(0.5)

    event.listen(demo_store.engine, "before_cursor_execute", sleepy)
    yield slept
    event.remove(demo_store.engine, "before_cursor_execute", sleepy)


# ---------------------------------------------------------------- views follow changes


def test_the_stock_list_shows_a_sale_at_this_till_without_a_refresh_key(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor, cashier: Actor
) -> None:
    stock = open_stock(qtbot, demo_store, demo_manager)
    assert _status_shown(stock, PHONE) == "in_stock"
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, PHONE)
    pos.pay()
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)  # exact cash
    settle(qtbot)
    assert "completed" in pos.message.text()
    qtbot.waitUntil(lambda: _status_shown(stock, PHONE) == "sold", timeout=3000)


def test_a_sale_in_another_process_is_seen_by_the_watcher(
    qtbot: QtBot, demo_store: Store, demo_manager: Actor
) -> None:
    stock = open_stock(qtbot, demo_store, demo_manager)
    watcher = StoreWatcher(demo_store, interval_ms=50)
    watcher.start()
    with qtbot.waitSignal(watcher.looked, timeout=3000):
        pass  # the baseline
    database = demo_store.engine.url.database
    assert database is not None
    _sell_in_another_process(database, PHONE_2)
    qtbot.waitUntil(lambda: _status_shown(stock, PHONE_2) == "sold", timeout=5000)
    watcher.stop()


def _sell_in_another_process(database: str, serial: str) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO / "tests" / "ui")!r})
        from pos_shop import sell_through_service
        from app.db.uow import open_store
        from app.users.services import actor_by_name
        store = open_store("sqlite:///" + {database!r})
        sell_through_service(store, actor_by_name(store, "cashier"), {serial!r})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_a_hidden_view_refreshes_when_shown_again(qtbot: QtBot, demo_store: Store) -> None:
    view = QWidget()
    qtbot.addWidget(view)
    refreshed: list[int] = []
    follow = FollowChanges(view, demo_store, {Change.UNITS}, lambda: refreshed.append(1))
    hub_of(demo_store).announce({Change.UNITS})
    qtbot.waitUntil(lambda: follow.stale)
    assert refreshed == []  # hidden: no queries for a list nobody sees
    view.show()
    qtbot.waitUntil(lambda: refreshed == [1])
    hub_of(demo_store).announce({Change.PRINT_JOBS})  # not what it shows
    hub_of(demo_store).announce({Change.UNITS})
    qtbot.waitUntil(lambda: len(refreshed) == 2)
    assert not follow.stale


# ---------------------------------------------------------------- the GUI thread stays free


def test_a_slow_store_leaves_the_window_responsive(
    qtbot: QtBot, demo_store: Store, cashier: Actor, slow_store: list[str]
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    busy: list[bool] = []
    pos.ops.busy.connect(busy.append)
    slow_store.clear()
    qtbot.keyClicks(pos.scan_edit, PHONE)
    qtbot.keyClick(pos.scan_edit, Qt.Key.Key_Return)
    assert pos.cart_model.rowCount() == 0  # the look-up is still on its way
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 1, timeout=5000)
    timer.stop()
    assert slow_store and slow_store[0] != threading.main_thread().name
    assert len(ticks) >= 10  # half a second of waiting, and the event loop kept turning
    qtbot.waitUntil(lambda: busy == [True, False])  # past 100 ms the till looked busy


def test_scans_fired_back_to_back_are_all_added_in_order(
    qtbot: QtBot, demo_store: Store, cashier: Actor, slow_store: list[str]
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    slow_store.clear()
    for code in (PHONE, CABLE_BARCODE, PHONE_2):
        pos.handle_scan(code)
    qtbot.waitUntil(lambda: pos.cart_model.rowCount() == 3, timeout=5000)
    lines = pos.cart_model.lines()
    assert [line.serial or "" for line in lines] == [PHONE, "", PHONE_2]


# ---------------------------------------------------------------- one press, one call


def test_a_double_press_makes_one_call(qtbot: QtBot, demo_store: Store) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    ops = Ops(demo_store, owner, show_problem=lambda _m: None)
    release = threading.Event()
    calls: list[int] = []
    results: list[int] = []

    def work() -> int:
        calls.append(1)
        release.wait(5)
        return 7

    assert ops.run(work, success=results.append, name="pay")
    assert not ops.run(work, success=results.append, name="pay")  # the second press
    release.set()
    settle(qtbot)
    assert calls == [1] and results == [7]
    assert ops.run(work, success=results.append, name="pay")  # done: it may run again
    settle(qtbot)


def test_a_double_enter_in_the_payment_makes_one_sale(
    qtbot: QtBot, demo_store: Store, cashier: Actor, slow_store: list[str]
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    type_code(qtbot, pos.scan_edit, CABLE_BARCODE)
    pos.pay()
    dialog = pos.dialog
    assert isinstance(dialog, PaymentDialog)
    slow_store.clear()
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)
    settle(qtbot)
    assert pos.dialog is None
    assert len(recent_sales(demo_store, cashier)) == 1


# ---------------------------------------------------------------- refusals


def test_a_refusal_is_shown_once_in_the_message_line(qtbot: QtBot, demo_store: Store) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[str] = []
    ops = Ops(demo_store, owner, show_problem=shown.append)
    succeeded: list[object] = []

    def refused() -> None:
        raise UserError("no such receipt")

    ops.run(refused, success=succeeded.append)
    settle(qtbot)
    assert shown == ["no such receipt"] and succeeded == []


def test_a_bug_is_logged_and_shown_as_one_line(
    qtbot: QtBot, demo_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    shown: list[str] = []
    ops = Ops(demo_store, owner, show_problem=shown.append)

    def broken() -> None:
        raise ZeroDivisionError("division by zero")

    ops.run(broken, success=lambda _r: None)
    settle(qtbot)
    assert len(shown) == 1 and "ZeroDivisionError" in shown[0] and "\n" not in shown[0]
    assert any(r.exc_info for r in caplog.records)


def test_an_unknown_code_at_the_till_is_one_message(
    qtbot: QtBot, demo_store: Store, cashier: Actor
) -> None:
    pos = open_pos(qtbot, demo_store, cashier)
    said: list[str] = []
    pos.message.show_problem = said.append  # type: ignore[method-assign]
    type_code(qtbot, pos.scan_edit, "NO-SUCH-THING")
    assert len(said) == 1 and "NO-SUCH-THING" in said[0]
