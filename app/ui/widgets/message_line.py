"""One line that says what just happened, or what is wrong: under a form, or under the
till's scan field (where it answers every scan).

User errors are one line by contract (app.errors.UserError). Under a form a long one is
cut with an ellipsis to the space there is, the whole message in the tooltip; at the till
it wraps, and a problem beeps (the cashier may be looking at the customer). Styled by the
`kind` property: problem, info, done or none (style.qss).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QWidget


def sentence(message: str) -> str:
    """Service messages start in lower case ('unknown code ...'); on screen they are
    sentences. A message that starts with a serial or a name is left as it is."""
    first = message.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        return message[:1].upper() + message[1:]
    return message


class MessageLine(QLabel):
    """A problem (red), a note (grey) or a success (green, at the till) in one line; empty
    takes no attention."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "ErrorLine",
        collapse: bool = False,
        till: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PosMessage" if till else name)
        self._message = ""
        self._till = till
        self.kind = ""
        # Collapsing lines take no room while empty (a rare error under a form field);
        # the others keep their line so the form does not jump as the person types.
        self._collapse = collapse
        self.setVisible(not collapse)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(till)
        if not till:
            # Ignored width: a long message must not widen the dialog; it is elided instead.
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            self.setMinimumHeight(self.fontMetrics().height() + 4)
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._set_kind("")

    @property
    def message(self) -> str:
        """The whole message, not the elided text on screen."""
        return self._message

    def show_problem(self, message: str) -> None:
        self._show(message, "problem")
        if self._till:
            QApplication.beep()

    def show_info(self, message: str) -> None:
        self._show(message, "info")

    def show_done(self, message: str) -> None:
        self._show(message, "done")

    def clear(self) -> None:
        self._show("", "")

    def _show(self, message: str, kind: str) -> None:
        self._message = sentence(message) if self._till else " ".join(message.split())
        self._set_kind(kind if self._message else "")
        if self._collapse:
            self.setVisible(bool(self._message))
        if self._till:
            self.setText(self._message)
        else:
            self.setToolTip(self._message)
            self._elide()

    def _set_kind(self, kind: str) -> None:
        if kind == self.kind and self.property("kind") is not None:
            return
        self.kind = kind
        self.setProperty("kind", kind or "none")
        self.style().unpolish(self)  # the style sheet picks colour by the kind property
        self.style().polish(self)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._till:
            self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 4, 40)
        shown = self.fontMetrics().elidedText(self._message, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)
