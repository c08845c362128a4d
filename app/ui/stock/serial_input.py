"""The four ways to enter serials (PRODUCT.md, "Entering serials"), each on its own tab.

Generate (from the item's scheme), Range (A...B), List (typed, pasted or scanned) and CSV
file. What is typed is parsed by app.stock.serials a moment after the last keystroke, and
the result — the exact list, or the one-line reason it cannot be read — goes to whoever
listens to `parsed`. Parsing here is only for the preview: the receiving service checks
everything again before it writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import InvalidInput, UserError
from app.stock import serials
from app.stock.serial_csv import parse_csv
from app.stock.serials import SerialEntry
from app.ui.widgets.message_line import MessageLine

PARSE_DELAY_MS: Final = 250  # after the last keystroke: a scanner's burst is parsed once
# A CSV file is read whole; one bigger than a paste may be is refused before reading it.
MAX_CSV_BYTES: Final = serials.MAX_INPUT_CHARS

GENERATE, RANGE, LIST, CSV = "generate", "range", "list", "csv"
METHODS: Final = (GENERATE, RANGE, LIST, CSV)


@dataclass(frozen=True)
class ParsedSerials:
    """What the chosen way of entry gives now: entries, or the reason it cannot."""

    method: str
    entries: list[SerialEntry] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def read_csv_file(path: Path) -> str:
    """The text of a CSV file (UTF-8, with or without BOM; else Latin-1 as old Excel writes)."""
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise InvalidInput(
                f"{path.name} is too large: {size:,} bytes (limit {MAX_CSV_BYTES:,})"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class SerialInput(QTabWidget):
    """Generate / Range / List / CSV file tabs; emits `parsed(ParsedSerials)` after edits.

    Generate has no field of its own: the quantity is the count and the dialog previews
    the serials the scheme gives.
    """

    parsed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SerialInput")
        self.setDocumentMode(True)
        self._csv_cache: tuple[str, str] = ("", "")  # (path, text) of the file read last

        self.scheme_label = QLabel()
        self.scheme_label.setObjectName("FormNote")
        self.scheme_label.setWordWrap(True)
        self.range_edit = QLineEdit()
        self.range_edit.setObjectName("RangeEdit")
        self.range_edit.setPlaceholderText("SN0098...SN0102")
        self.list_edit = QPlainTextEdit()
        self.list_edit.setObjectName("ListEdit")
        self.list_edit.setPlaceholderText(
            "Paste or scan serials: one per line, or separated by commas, semicolons or tabs"
        )
        self.list_edit.setTabChangesFocus(False)  # a tab separates serials pasted from a sheet
        self.csv_edit = QLineEdit()
        self.csv_edit.setObjectName("CsvPathEdit")
        self.csv_edit.setPlaceholderText("Path of a .csv file")
        self.csv_button = QPushButton("Choose file…")
        # One error line per tab, right under its field.
        self.error_lines = {method: MessageLine() for method in METHODS}

        self.addTab(self._page(GENERATE, self.scheme_label), "Generate")
        range_hint = QLabel("Start...end: 1000...1009, or SN0098...SN0102 (the width is kept)")
        range_hint.setObjectName("FormNote")
        self.addTab(self._page(RANGE, self.range_edit, range_hint), "Range")
        self.addTab(self._page(LIST, self.list_edit), "List")
        csv_row = QHBoxLayout()
        csv_row.addWidget(self.csv_edit, 1)
        csv_row.addWidget(self.csv_button)
        csv_row_widget = QWidget()
        csv_row_widget.setLayout(csv_row)
        csv_row.setContentsMargins(0, 0, 0, 0)
        csv_hint = QLabel(
            "A 'serial' column (else the first column); optional 'asset_tag' and 'cost'."
        )
        csv_hint.setObjectName("FormNote")
        self.addTab(self._page(CSV, csv_row_widget, csv_hint), "CSV file")

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PARSE_DELAY_MS)
        self._timer.timeout.connect(self.parse_now)
        self.range_edit.textChanged.connect(self._later)
        self.list_edit.textChanged.connect(self._later)
        self.csv_edit.textChanged.connect(self._later)
        self.csv_button.clicked.connect(self._choose_csv)
        self.currentChanged.connect(self._tab_changed)

    def _page(self, method: str, field_widget: QWidget, *notes: QWidget) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(4)
        grows = isinstance(field_widget, QPlainTextEdit)
        layout.addWidget(field_widget, 1 if grows else 0)
        layout.addWidget(self.error_lines[method])
        for note in notes:
            layout.addWidget(note)
        if not grows:
            layout.addStretch(1)
        return page

    @property
    def error_line(self) -> MessageLine:
        """The error line under the current tab's field."""
        return self.error_lines[self.method]

    @property
    def method(self) -> str:
        return METHODS[self.currentIndex()]

    def set_method(self, method: str) -> None:
        self.setCurrentIndex(METHODS.index(method))

    def set_scheme_text(self, text: str) -> None:
        self.scheme_label.setText(text)

    def clear_input(self) -> None:
        for edit in (self.range_edit, self.csv_edit):
            edit.clear()
        self.list_edit.clear()
        self._csv_cache = ("", "")

    def _tab_changed(self, _index: int) -> None:
        self.parse_now()
        self.focus_field()  # a click on "Range" means: let me type the range

    def _later(self) -> None:
        self._timer.start()

    def parse_now(self) -> ParsedSerials:
        """Parse what the current tab holds now and tell the listeners."""
        self._timer.stop()
        result = self._parse()
        if result.error:
            self.error_line.show_problem(result.error)
        else:
            self.error_line.clear()
        self.parsed.emit(result)
        return result

    def _parse(self) -> ParsedSerials:
        method = self.method
        try:
            if method == RANGE:
                text = self.range_edit.text()
                if not text.strip():
                    return ParsedSerials(method, error="Type a range such as SN0098...SN0102")
                return ParsedSerials(method, serials.parse_range(text))
            if method == LIST:
                entries = serials.parse_list(self.list_edit.toPlainText())
                if not entries:
                    return ParsedSerials(method, error="Paste, type or scan the serials")
                return ParsedSerials(method, entries)
            if method == CSV:
                return self._parse_csv()
        except UserError as exc:
            return ParsedSerials(method, error=exc.message)
        return ParsedSerials(GENERATE)

    def _parse_csv(self) -> ParsedSerials:
        path_text = self.csv_edit.text().strip()
        if not path_text:
            return ParsedSerials(CSV, error="Choose a CSV file")
        cached_path, text = self._csv_cache
        if cached_path != path_text:
            text = read_csv_file(Path(path_text))
            self._csv_cache = (path_text, text)
        return ParsedSerials(CSV, parse_csv(text))

    def _choose_csv(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Serials from a CSV file", "", "CSV files (*.csv *.txt);;All files (*)"
        )
        if path:
            self._csv_cache = ("", "")
            self.csv_edit.setText(path)
            self.parse_now()

    def add_scanned(self, code: str) -> None:
        """A scanned serial goes on the List tab, one per line, in the order scanned."""
        if self.method != LIST:
            self.set_method(LIST)
        text = self.list_edit.toPlainText()
        if text and not text.endswith(("\n", "\r")):
            text += "\n"
        self.list_edit.setPlainText(f"{text}{code}\n")
        self.list_edit.moveCursor(QTextCursor.MoveOperation.End)

    def focus_field(self) -> None:
        field_of = {RANGE: self.range_edit, LIST: self.list_edit, CSV: self.csv_edit}
        widget = field_of.get(self.method)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
