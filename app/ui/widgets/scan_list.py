"""Scanning into a list: the scan field, the last scan's line and the scans so far (latest
first), for the dialogs that check every scan with the store (a count, an expected
delivery). Each code goes through the view's `Ops` in the order scanned (ScanQueue) and
its answer is listed in its verdict's colour; the dialog says what the answer means.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem

from app.errors import UserError
from app.ui.ops import Ops
from app.ui.widgets.message_line import MessageLine, sentence
from app.ui.widgets.scan_queue import ScanQueue

Answer = TypeVar("Answer")


@dataclass(frozen=True)
class ScanShown:
    """How one checked scan shows: its row in the list (`text`, in `colour`, carrying
    `verdict` for whoever reads the list) and `said`, the last scan's line."""

    text: str
    colour: str
    verdict: str
    said: str


class ScanList(Generic[Answer]):
    """The widgets are `field`, `last` and `scans`; the dialog lays them out.

    `check(code)` is the store call for one code (None: the code needs none after all);
    `shown(answer)` is the dialog acting on its answer and saying how it shows;
    `refusal()` says why no scan is taken now (None: it is)."""

    def __init__(
        self,
        ops: Ops,
        message: MessageLine,
        *,
        placeholder: str,
        keep: int,
        check: Callable[[str], Callable[[], Answer] | None],
        shown: Callable[[Answer], ScanShown],
        refusal: Callable[[], str | None],
    ) -> None:
        self._ops = ops
        self._message = message
        self._keep = keep  # only the latest stay listed: a long count costs no more per scan
        self._check = check
        self._shown = shown
        self._refusal = refusal
        self._queue = ScanQueue(self._send)
        self.field = QLineEdit()
        self.field.setObjectName("ScanField")
        self.field.setPlaceholderText(placeholder)
        self.field.returnPressed.connect(self._typed)
        self.last = QLabel()
        self.last.setObjectName("LastScan")
        self.last.setWordWrap(True)
        self.scans = QListWidget()
        self.scans.setObjectName("ScanList")
        self.scans.setWordWrap(True)  # a long verdict wraps rather than hiding its end
        self.scans.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    @property
    def busy(self) -> bool:
        """A scan is being checked or waits its turn (finishing must wait for them)."""
        return self._queue.busy

    def take(self, code: str) -> None:
        """A scanned or typed code: checked after the ones before it, or refused now."""
        refusal = self._refusal()
        if refusal is not None:
            self._message.show_problem(refusal)
            return
        self._queue.add(code)

    def list_earlier(self, shown: ScanShown) -> None:
        """A scan made before the list was shown (a resumed count), below the ones there."""
        if self.scans.count() < self._keep:
            self._list(shown, at=self.scans.count())

    def _typed(self) -> None:
        code = self.field.text().strip()
        self.field.clear()
        if code:
            self.take(code)

    def _send(self, code: str) -> None:
        work = self._check(code)
        if work is None:
            self._queue.answered()
            return
        self._ops.run(work, success=self._answered, failure=self._refused, name="scan")

    def _answered(self, answer: Answer) -> None:
        shown = self._shown(answer)
        self._list(shown, at=0)
        self.last.setText(sentence(shown.said))
        self.last.setStyleSheet(f"color: {shown.colour}; font-weight: bold;")
        self._queue.answered()

    def _refused(self, error: UserError) -> None:
        self._message.show_problem(sentence(error.message))
        self._queue.answered()

    def _list(self, shown: ScanShown, *, at: int) -> None:
        row = QListWidgetItem(shown.text)
        row.setForeground(QColor(shown.colour))
        row.setData(Qt.ItemDataRole.UserRole, shown.verdict)
        self.scans.insertItem(at, row)
        if self.scans.count() > self._keep:
            self.scans.takeItem(self.scans.count() - 1)
