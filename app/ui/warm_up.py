"""What every log-in needs, imported while the locked screen waits for a PIN.

The window starts without the services, the ORM models and the views' common modules
(that is most of a cold start); the first log-in would pay for them all at once. Once the
PIN field has been painted and the loop is idle, `WarmUp` imports them one module per turn
of the event loop, so a key typed meanwhile waits for one import at most. Only modules
that every role's landing view imports anyway: a back office till does not carry the POS
view's modules (its memory is measured with the Stock list open, bench.start_bench).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import import_module

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

# After the paint, this long before the first import: the painted screen reaches the
# screen (and a start-up timing its paint sees it) before any import holds the loop.
AFTER_PAINT_MS = 100

# Each log-in: the PIN check (the user services, the ORM, cryptography for the PIN key) and
# the print jobs panel; then what the POS, Stock and Tickets views all import (the
# models, look-ups and customer services, the message line).
EVERY_LOG_IN = (
    "app.users.services",
    "app.vault",
    "app.ui.print_jobs_panel",
    "app.stock.lookups",
    "app.stock.ledger",
    "app.customers.services",
    "app.tickets.passcode",
    "app.users.standing",
    "app.ui.widgets.message_line",
)


class WarmUp(QObject):
    """Imports `modules` in the background of the event loop after `widget`'s first paint.

    Signals: none; `done` is True once every module is imported (tests wait on it).
    """

    def __init__(
        self, widget: QWidget, modules: Sequence[str] = EVERY_LOG_IN, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._widget = widget
        self._left = list(modules)
        self._started = False
        self.done = not self._left
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._started and watched is self._widget and event.type() == QEvent.Type.Paint:
            self._started = True
            QTimer.singleShot(AFTER_PAINT_MS, self, self._next)
        return False

    def _next(self) -> None:
        if not self._left:
            self.done = True
            return
        name = self._left.pop(0)
        try:
            import_module(name)
        except Exception:  # a warm-up only: the log-in imports it again and says what failed
            log.warning("could not import %s ahead of the log-in", name, exc_info=True)
        QTimer.singleShot(0, self, self._next)
