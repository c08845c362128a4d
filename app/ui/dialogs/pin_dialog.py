"""Log-in at the till: the PIN alone says who is acting (app.users.services.actor_by_pin)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QCloseEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.ui.ops import Ops
from app.ui.widgets.pin_field import PinField
from app.users.roles import Actor

if TYPE_CHECKING:  # the window asks for a PIN before its store is open (app.ui.app)
    from app.db.uow import Store

STORE_OPENING = "Opening the store — your PIN is checked as soon as it is open"


class PinDialog(QDialog):
    """Asks for a PIN until one matches a user; `actor` is then who logged in.

    Escape only clears the PIN: a locked till must not open by a key press. Leaving is the
    Quit button (or closing the dialog), which rejects it: the window then closes.

    `store` None: the store is still being opened (`store_opened`, `store_failed`). A PIN
    typed meanwhile stays in the field; Enter then waits for the store and checks it.
    """

    def __init__(self, store: Store | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor: Actor | None = None
        self._store: Store | None = None
        self._ops: Ops | None = None
        self._waiting = False  # Enter was pressed before the store was open
        if store is not None:
            self.store_opened(store)
        self.setObjectName("PinDialog")
        self.setWindowTitle("SerialPOS — Log in")
        self.setModal(True)

        title = QLabel("Log in")
        title.setObjectName("PinTitle")
        prompt = QLabel("Enter your PIN")
        prompt.setObjectName("PinPrompt")

        self.message_label = QLabel()
        self.message_label.setObjectName("PinMessage")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)  # a long message wraps, never cut at both ends

        self.pin_edit = PinField("PIN")
        self.pin_edit.textEdited.connect(lambda _text: self._edited())

        self.quit_button = QPushButton("Quit")
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(lambda: self.done(QDialog.DialogCode.Rejected))
        self.login_button = QPushButton("Log in")
        self.login_button.setObjectName("PrimaryButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_log_in)

        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 24)
        layout.setSpacing(10)
        layout.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(prompt, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(6)
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.message_label)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.setMinimumWidth(340)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.pin_edit.setFocus()

    def reject(self) -> None:
        """Escape: start the PIN again, but stay locked."""
        self.pin_edit.clear()
        self._edited()

    def store_opened(self, store: Store) -> None:
        """PINs are checked from now on; one sent with Enter before, at once."""
        self._store = store
        self._ops = Ops(store, self, show_problem=self._refuse)
        if self._waiting:
            self._waiting = False
            self.message_label.clear()
            self.try_log_in()

    def store_failed(self, problem: str) -> None:
        """The store could not be opened: nobody can log in; the reason, and Quit."""
        self._waiting = False
        self.pin_edit.clear()
        self.pin_edit.setEnabled(False)
        self.login_button.setEnabled(False)
        self.message_label.setText(f"{problem[:1].upper()}{problem[1:]}")
        self.adjustSize()  # a long path wraps onto more lines: all of them shown
        self.quit_button.setFocus()

    def _edited(self) -> None:
        # A PIN changed after Enter is sent again with the next Enter, not by itself.
        self._waiting = False
        self.message_label.clear()

    def closeEvent(self, event: QCloseEvent) -> None:
        # A close request (the title bar's X, the session ending, QApplication.quit) is a
        # Quit, never a log-in; refusing it would stop the app from quitting while locked.
        event.accept()
        self.done(QDialog.DialogCode.Rejected)

    def try_log_in(self) -> None:
        pin = self.pin_edit.text()
        if not pin:
            self.message_label.setText("Type your PIN, then press Enter")
            return
        if self._store is None or self._ops is None:
            self._waiting = True
            self.message_label.setText(STORE_OPENING)
            return
        self.pin_edit.check(self._ops, self._store, success=self._logged_in, failure=self._refused)

    def _logged_in(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()

    def _refused(self, error: UserError) -> None:
        self._refuse(error.message)

    def _refuse(self, reason: str) -> None:
        self.pin_edit.try_again()
        self.message_label.setText(f"{reason[:1].upper()}{reason[1:]} — try again")
