"""One line under the scan field that answers every scan: what was added, or why not."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QWidget


def sentence(message: str) -> str:
    """Service messages start in lower case ('unknown code ...'); on screen they are
    sentences. A message that starts with a serial or a name is left as it is."""
    first = message.split(" ", 1)[0]
    if first.isalpha() and first.islower():
        return message[:1].upper() + message[1:]
    return message


class MessageBar(QLabel):
    """Shows `problem` (red, with a beep: the cashier may be looking at the customer),
    `info` and `done` (green) messages. Styled by its `kind` property (pos_style.qss)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PosMessage")
        self.setWordWrap(True)
        self.kind = ""
        self._set_kind("")

    def show_problem(self, message: str) -> None:
        self._show(sentence(message), "problem")
        QApplication.beep()

    def show_info(self, message: str) -> None:
        self._show(sentence(message), "info")

    def show_done(self, message: str) -> None:
        self._show(sentence(message), "done")

    def clear_message(self) -> None:
        self._show("", "")

    def _show(self, text: str, kind: str) -> None:
        self.setText(text)
        self._set_kind(kind)

    def _set_kind(self, kind: str) -> None:
        self.kind = kind
        self.setProperty("kind", kind or "none")
        self.style().unpolish(self)
        self.style().polish(self)
