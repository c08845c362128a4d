"""The crash test's worker: imports the application once, then for each "go SEED" line
forks a child that receives, sells and refunds on the store until the test SIGKILLs it
(the pid is printed once the child has done its first action).

Run as: python crash_worker.py DB_URL. Prints each child's pid, then "dead" once it is gone.
"""

from __future__ import annotations

import os
import random
import sys

from sqlalchemy import select

from app.db.uow import open_store
from app.errors import UserError
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, complete_sale
from app.pos.models import Sale
from app.pos.refunds import RefundRequest, lines_for_serials, refund_sale
from app.pos.sales import get_sale
from app.scan import AddLine, resolve_scan, sale_step
from app.stock.models import SerialUnit, UnitStatus
from app.stock.receiving import Receiving, receive_serials
from app.stock.serials import SerialEntry
from app.users.services import actor_by_name

TILL = Till("CRASH", "Front")


def work(url: str, seed: int, ready: int) -> None:
    """Works until killed; writes one byte to the `ready` pipe after its first action, so
    a loaded machine's slow start never lets the test's kill land before any work."""
    store = open_store(url, migrate=False)
    manager = actor_by_name(store, "manager")
    rng = random.Random(seed)
    n = 0
    while True:
        action = rng.random()
        try:
            if action < 0.3:
                entries = [SerialEntry(f"K{seed}-{n + i}") for i in range(rng.randint(1, 4))]
                n += len(entries)
                receive_serials(store, manager, Receiving("PH", "Front"), entries, method="list")
            elif action < 0.75:
                with store.read() as session:
                    serials = list(session.scalars(
                        select(SerialUnit.serial)
                        .where(SerialUnit.status == UnitStatus.IN_STOCK)
                        .limit(3)
                    ))  # fmt: skip
                lines = []
                for serial in serials[: rng.randint(1, 3)]:
                    step = sale_step(resolve_scan(store, manager, serial, location="Front"),
                                     location="Front")  # fmt: skip
                    if isinstance(step, AddLine):
                        lines.append(step.line)
                if lines:
                    total = sum(line.unit_price for line in lines)
                    tender = (TenderInput(TenderKind.CASH, total + rng.choice((0, 500))),)
                    complete_sale(store, manager, TILL, Checkout(tuple(lines), tender))
            else:
                with store.read() as session:
                    numbers = list(session.scalars(
                        select(Sale.number).order_by(Sale.id.desc()).limit(5)
                    ))  # fmt: skip
                if numbers:
                    sale = get_sale(store, manager, rng.choice(numbers))
                    serials = [line.serial for line in sale.lines if line.serial][:1]
                    request = RefundRequest(sale.number, lines_for_serials(sale, serials),
                                            "crash test", "Front", to_cash=True)  # fmt: skip
                    refund_sale(store, manager, TILL, request, approver=manager)
        except UserError:
            pass  # already refunded, sold meanwhile...: the next action
        if ready >= 0:
            os.write(ready, b"1")
            os.close(ready)
            ready = -1


def _warm_up(url: str) -> None:
    """Loads what the first sale would load lazily, so each child works from its start;
    the connections are closed before forking (a child opens its own)."""
    store = open_store(url, migrate=False)
    manager = actor_by_name(store, "manager")
    resolve_scan(store, manager, "WARM-UP", location="Front")
    store.dispose()


def main(url: str) -> None:
    _warm_up(url)
    for line in sys.stdin:
        seed = int(line.split()[1])
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(ready_r)
            try:
                work(url, seed, ready_w)
            except BaseException as exc:  # a bug, not a kill: the test sees this line
                print(f"worker failed: {exc!r}", file=sys.stderr, flush=True)
            finally:
                os._exit(1)
        os.close(ready_w)
        os.read(ready_r, 1)  # the child's first action is done (or it died: b"")
        os.close(ready_r)
        print(pid, flush=True)
        os.waitpid(pid, 0)
        print("dead", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
