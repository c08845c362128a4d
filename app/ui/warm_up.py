"""What every log-in needs, imported while the locked screen waits for a PIN.

The window starts without the services, the ORM models and the views' common modules
(that is most of a cold start); the first log-in would pay for them all at once. Once the
store is open (app.ui.store_opening), the worker that opened it imports them too, off the
GUI thread: a key typed meanwhile is not held up by an import. Only modules that every
role's landing view imports anyway: a back office till does not carry the POS view's
modules (its memory is measured with the Stock list open, bench.start_bench).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import import_module

log = logging.getLogger(__name__)

# Each log-in: the PIN check (the user services, the ORM, cryptography for the PIN key) and
# the print jobs panel; then what the POS, Stock and Tickets views all import (the
# models, look-ups and customer services, the message line). Modules only: importing a
# widget's module on a worker is safe, making a widget there would not be.
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


def warm_up(modules: Sequence[str] = EVERY_LOG_IN) -> None:
    """Imports `modules`; one that fails is logged and skipped (the log-in imports it
    again and says what failed)."""
    for name in modules:
        try:
            import_module(name)
        except Exception:  # a warm-up only
            log.warning("could not import %s ahead of the log-in", name, exc_info=True)
