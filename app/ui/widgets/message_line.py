"""One line under a field or a form that says what is wrong (or what just happened).

User errors are one line by contract (app.errors.UserError); a long one is cut with an
ellipsis to the space there is, and the whole message stays in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class MessageLine(QLabel):
    """An error (red) or a note (grey) in one line; empty takes no attention."""

    def __init__(
        self, parent: QWidget | None = None, *, name: str = "ErrorLine", collapse: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._message = ""
        # Collapsing lines take no room while empty (a rare error under a form field);
        # the others keep their line so the form does not jump as the person types.
        self._collapse = collapse
        self.setVisible(not collapse)
        self.setProperty("kind", "error")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        # Ignored width: a long message must not widen the dialog; it is elided instead.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.fontMetrics().height() + 4)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    @property
    def message(self) -> str:
        """The whole message, not the elided text on screen."""
        return self._message

    def show_error(self, message: str) -> None:
        self._show(message, "error")

    def show_note(self, message: str) -> None:
        self._show(message, "note")

    def clear(self) -> None:
        self._show("", "error")

    def _show(self, message: str, kind: str) -> None:
        self._message = " ".join(message.split())
        if self.property("kind") != kind:
            self.setProperty("kind", kind)
            self.style().unpolish(self)  # the style sheet picks colour by the kind property
            self.style().polish(self)
        self.setToolTip(self._message)
        if self._collapse:
            self.setVisible(bool(self._message))
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 4, 40)
        shown = self.fontMetrics().elidedText(self._message, Qt.TextElideMode.ElideRight, width)
        super().setText(shown)
