"""The locked till: the shop's name behind the PIN dialog, and the dialog itself, asked
for again at every lock. The window is shown (and this painted) before the store is open
(app.ui.store_opening): a PIN typed meanwhile waits in the field, and one sent with Enter
is checked as soon as the store is there; a store that cannot be opened is said here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from app.ui.dialogs.pin_dialog import PinDialog
from app.ui.window_views import POS, STOCK, TICKETS
from app.users.roles import Actor, Role

if TYPE_CHECKING:
    from app.db.uow import Store


class LockedPage(QWidget):
    """What a locked till shows: the shop's name and nothing of its stock. The PIN dialog
    sits in the middle, so the name stays above it."""

    def __init__(self, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("LockedPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the QSS paints it
        name = QLabel(shop_name)
        name.setObjectName("LockedTitle")
        hint = QLabel("Locked — enter your PIN to continue")
        hint.setObjectName("LockedHint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 72, 24, 24)
        layout.addWidget(name, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(hint, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)


class PinAsk(QObject):
    """The one PIN dialog over `window`, window-modal and non-blocking.

    Signals:
        logged_in(Actor): a PIN matched; the dialog has closed.
        quit(): the dialog's Quit (or its close button): the window closes.
    """

    logged_in = Signal(object)
    quit = Signal()

    def __init__(self, window: QWidget, store: Store | None) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._problem = ""  # why the store could not be opened
        self.dialog: PinDialog | None = None

    def ask(self) -> None:
        """Shows the dialog (or gives the focus back to the one shown)."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.pin_edit.setFocus()
            return
        dialog = PinDialog(self._store, self._window)
        dialog.finished.connect(lambda result: self._finished(dialog, result))
        self.dialog = dialog
        if self._problem:
            dialog.store_failed(self._problem)
        dialog.open()  # window-modal and non-blocking: the event loop keeps running

    def store_opened(self, store: Store) -> None:
        """The store is open: the dialog checks PINs from now on (one waiting, at once)."""
        self._store = store
        if self.dialog is not None:
            self.dialog.store_opened(store)

    def store_failed(self, problem: str) -> None:
        """The store could not be opened: said in the dialog, which can only quit now."""
        self._problem = problem
        if self.dialog is not None:
            self.dialog.store_failed(problem)

    def close(self) -> None:
        """The window is closing: the dialog goes without coming back here."""
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.finished.disconnect()
            dialog.done(QDialog.DialogCode.Rejected)

    def _finished(self, dialog: PinDialog, result: int) -> None:
        self.dialog = None
        dialog.deleteLater()
        if result == QDialog.DialogCode.Accepted and dialog.actor is not None:
            self.logged_in.emit(dialog.actor)
        else:
            self.quit.emit()  # Quit in the PIN dialog closes the app


def landing_title(actor: Actor) -> str:
    """Where a log-in lands: service on Tickets, back office on Stock, cashier and
    manager on POS."""
    if actor.role is Role.SERVICE:
        return TICKETS
    if actor.role is Role.BACK_OFFICE:
        return STOCK
    return POS
