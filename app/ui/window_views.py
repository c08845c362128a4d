"""The main window's views, each built (and its module imported) the first time it is
needed: the locked screen needs none of them, a cashier rarely opens Settings, a back
office PC rarely the POS. Building them all up front was most of a start-up and some
30 MB of memory.

The stack holds an empty placeholder in each view's row until the view is built, so rows
(side bar, Ctrl+N) never move.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QStackedWidget, QWidget

from app.config import ShopSettings
from app.ui.formatting import ShopFormat
from app.users.roles import Actor

if TYPE_CHECKING:
    from app.db.uow import Store
    from app.ui.shop_devices import ShopDevices
    from app.ui.till_place import TillPlace

POS, REFUND, STOCK, TICKETS, PRINT_JOBS, SETTINGS = (
    "POS", "Refund", "Stock", "Tickets", "Print jobs", "Settings",
)  # fmt: skip
TILL_VIEW_TITLES = (POS, REFUND, STOCK, TICKETS)  # each view's own `title`, in order
DEVICE_VIEW_TITLES = (PRINT_JOBS, SETTINGS)  # with the window's devices only


def view_titles(*, devices: bool) -> tuple[str, ...]:
    """The side bar's views in order; Print jobs and Settings only with the devices."""
    return TILL_VIEW_TITLES + (DEVICE_VIEW_TITLES if devices else ())


class ShopView(Protocol):
    """What the window asks of each view in the side bar."""

    title: str
    problem: SignalInstance

    def set_actor(self, actor: Actor | None) -> None: ...
    def refresh(self) -> None: ...
    def focus_search(self) -> None: ...


class WindowViews:
    """The views of one window by title, built on first use into their rows of `stack`;
    `attach(view)` is called for each as it is built (the window connects it)."""

    def __init__(
        self,
        store: Store,
        shop: ShopSettings,
        devices: ShopDevices | None,
        stack: QStackedWidget,
        attach: Callable[[ShopView], None],
        *,
        place: TillPlace | None = None,
    ) -> None:
        """`place`: where the till sells from, shared by POS, Refund and the window."""
        self._store = store
        self._place = place
        self._shop = shop
        self._devices = devices
        self._stack = stack
        self._attach = attach
        self.titles = view_titles(devices=devices is not None)
        self._built: dict[str, ShopView] = {}
        self._hooks: defaultdict[str, list[Callable[[], None]]] = defaultdict(list)
        for _title in self.titles:
            stack.addWidget(QWidget())  # the placeholder

    def set_shop(self, shop: ShopSettings) -> None:
        """The shop's settings for views built from now on (Settings saved them)."""
        self._shop = shop

    def is_built(self, title: str) -> bool:
        return title in self._built

    def built(self) -> list[ShopView]:
        """The views built so far, in side-bar order."""
        return [self._built[t] for t in self.titles if t in self._built]

    def when_built(self, title: str, callback: Callable[[], None]) -> None:
        """Calls `callback` once the view `title` is built (now, if it is)."""
        if title in self._built:
            callback()
        else:
            self._hooks[title].append(callback)

    def get(self, title: str) -> ShopView:
        """The view, built now if it was not."""
        view = self._built.get(title)
        if view is None:
            view = self._built[title] = self._make(title)
            widget = view if isinstance(view, QWidget) else None
            assert widget is not None and view.title == title, "a view is a widget"
            row = self.titles.index(title)
            current = self._stack.currentIndex()
            placeholder = self._stack.widget(row)
            assert placeholder is not None
            self._stack.insertWidget(row, widget)
            self._stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._stack.setCurrentIndex(current)
            self._attach(view)
            for callback in self._hooks.pop(title, []):
                callback()
        return view

    def _make(self, title: str) -> ShopView:
        store, shop, devices = self._store, self._shop, self._devices
        fmt = ShopFormat(shop)
        if title == POS:
            from app.ui.pos.pos_view import PosView

            return PosView(store, fmt, shop, place=self._place)
        if title == REFUND:
            from app.ui.refund.refund_view import RefundView

            return RefundView(store, fmt, shop, place=self._place)
        if title == STOCK:
            from app.ui.stock.stock_view import StockView

            stock = StockView(store, fmt, shop=shop)
            if devices is not None:
                stock.set_print_queue(devices.queue)
            return stock
        if title == TICKETS:
            from app.ui.tickets.tickets_view import TicketsView

            return TicketsView(store, fmt, shop, place=self._place)
        assert devices is not None, f"{title} needs the window's devices"
        if title == PRINT_JOBS:
            from app.ui.print_jobs_panel import PrintJobsPanel

            return PrintJobsPanel(devices.queue, devices.bridge)
        assert title == SETTINGS, title
        from app.ui.settings.settings_view import SettingsView

        return SettingsView(devices, store=store, fmt=fmt)
