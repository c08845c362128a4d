"""One till in the two-till race test: sells carts of units until none is left.

Run as: python till_worker.py DB_URL TILL SEED BARRIER_DIR UNITS. Prints the serials it sold.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from app.db.uow import open_store
from app.errors import UserError
from app.pos.cart import TenderInput, TenderKind
from app.pos.checkout import Checkout, Till, UnitUnavailable, complete_sale
from app.scan import AddLine, resolve_scan, sale_step
from app.users.services import actor_by_name


def main(url: str, till_name: str, seed: int, barrier: Path, units: int) -> None:
    store = open_store(url, migrate=False)
    cashier = actor_by_name(store, "cashier")
    till = Till(till_name, "Front")
    serials = [f"R{n:03d}" for n in range(units)]
    random.Random(seed).shuffle(serials)
    sold: list[str] = []
    lost_claims = 0
    # Both tills start together: each says it is ready, then waits for the other.
    (barrier / till_name).touch()
    deadline = time.time() + 60
    while len(list(barrier.iterdir())) < 2 and time.time() < deadline:
        time.sleep(0.005)
    while serials:
        picked, serials = serials[:3], serials[3:]
        lines = []
        for code in picked:
            result = resolve_scan(store, cashier, code, location="Front")
            step = sale_step(result, location="Front")
            if isinstance(step, AddLine):  # a unit the other till sold already is skipped
                lines.append(step.line)
        while lines:
            total = sum(line.unit_price for line in lines)
            checkout = Checkout(tuple(lines), (TenderInput(TenderKind.CASH, total),))
            try:
                complete_sale(store, cashier, till, checkout)
            except UnitUnavailable as lost:  # keep the rest of the cart, as the till does
                lines = [line for line in lines if line.unit_id != lost.unit_id]
                lost_claims += 1
                continue
            except UserError as exc:
                print(f"ERROR {exc}", file=sys.stderr)
                raise
            sold.extend(line.serial or "" for line in lines)
            break
    print("\n".join(sold))
    print(f"lost claims: {lost_claims}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5]))
