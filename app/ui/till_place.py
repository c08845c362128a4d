"""Where this till sells from, looked up once a log-in for all its views. Imported by the
window before anyone logs in, so the stock services load on the worker that asks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.config import Settings, ShopSettings
from app.ui.ops import Ops

if TYPE_CHECKING:  # the window starts before the store is open (no SQLAlchemy)
    from app.db.uow import Store


class TillPlace(QObject):
    """Where this till sells from (the setting, else the store's only sellable location),
    looked up on a worker once a log-in, whichever of the till's views logs in first; POS,
    Refund and the window's banner all hear the one answer, and a view that logs in after
    it came (one built later) hears it again. A till whose location is missing hears it
    at log-in, with the fix, never first at payment.

    Signals:
        located(str): the location's name.
        lost(str): what is wrong with the setting, and the fix.
    """

    located = Signal(str)
    lost = Signal(str)

    def __init__(self, store: Store, shop: ShopSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._shop = shop
        self._asked = False  # since the last log-out
        self._answer: tuple[bool, str] | None = None  # (located, the name or the problem)
        self._ops = Ops(store, self, show_problem=self._refused_with)

    def log_in(self) -> None:
        """Someone logged in: the look-up, unless it was asked since the last log-out
        (then its answer again, if it has come: no second look-up)."""
        if not self._asked:
            self.look_up()
        elif self._answer is not None:
            self._tell(*self._answer)

    def log_out(self) -> None:
        self._asked = False

    def look_up(self, shop: ShopSettings | None = None) -> None:
        """Asks the store now (the shop's settings were saved: `shop`, the new ones)."""
        self._asked, self._answer = True, None
        if shop is not None:
            self._shop = shop
        store, settings = self._store, Settings(shop=self._shop)

        def where() -> str:
            from app.stock.till_location import till_location_of  # not at the window's start

            return till_location_of(store, settings)

        self._ops.latest(
            where,
            success=lambda name: self._tell(True, name),
            failure=lambda error: self._refused_with(error.message),
            name="till location",
        )

    def _refused_with(self, problem: str) -> None:
        self._tell(False, problem)

    def _tell(self, located: bool, text: str) -> None:
        self._answer = (located, text)
        (self.located if located else self.lost).emit(text)
