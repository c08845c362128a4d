"""The printers of the shop: a list, the chosen printer's form, and its test page.

Each printer is kept as its settings table (a dict, as in the settings file). A printer
whose table does not pass the checks stays in the list, marked, with the reason under
the form; the view refuses to save until every printer passes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.devices.settings import DeviceSettingsError
from app.printing.documents import LABEL_SIZES
from app.ui.settings.printer_form import PrinterForm, check_printer
from app.ui.widgets.message_line import MessageLine

NO_PRINTERS_TEXT = "No printers yet: press Add printer"
INVALID_MARK = "⚠ "


def new_printer_table(taken: set[str]) -> dict[str, Any]:
    """A fresh network printer with a name not used yet; it needs its host filled in."""
    number = len(taken) + 1
    while f"Printer {number}" in taken:
        number += 1
    return {"name": f"Printer {number}", "backend": "network", "host": "", "port": 9100}


def printer_problem(table: dict[str, Any], others: list[dict[str, Any]]) -> str:
    """What is wrong with one printer's table among the others ("" if nothing)."""
    try:
        printer = check_printer(table)
    except DeviceSettingsError as exc:
        return exc.message
    if any(str(o.get("name", "")).strip() == printer.name for o in others):
        return f"two printers are called {printer.name!r}"
    return ""


class PrintersPage(QWidget):
    """Add, edit and remove printers; print a test page on the chosen one.

    Signals:
        edited(): a printer or the default label size was changed by a person.
        test_page_requested(str): the name of the printer to print a test page on.
    """

    edited = Signal()
    test_page_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tables: list[dict[str, Any]] = []
        self._build_errors: dict[int, str] = {}  # rows whose fields could not even be read
        self._editable = True

        self.printer_list = QListWidget()
        self.printer_list.setObjectName("PrinterList")
        self.add_button = QPushButton("Add printer")
        self.remove_button = QPushButton("Remove")
        self.label_size_combo = QComboBox()
        for name, size in LABEL_SIZES.items():
            self.label_size_combo.addItem(f"{size.width_mm:g} × {size.height_mm:g} mm", name)
        self.label_size_combo.setToolTip("The size label files (PDF, PNG, ZPL) are made for")
        self.empty_label = QLabel(NO_PRINTERS_TEXT)
        self.empty_label.setObjectName("FormNote")
        self.form = PrinterForm()
        self.error_line = MessageLine()
        self.test_button = QPushButton("Print test page")
        self.test_button.setToolTip(
            "Saves the settings if they changed, then sends a short receipt to this printer"
        )
        self.test_line = MessageLine(name="NoteLine")

        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.add_button)
        list_buttons.addWidget(self.remove_button)
        list_buttons.addStretch(1)
        defaults = QFormLayout()
        defaults.addRow("Label files", self.label_size_combo)
        left = QVBoxLayout()
        left.addWidget(QLabel("Printers"))
        left.addWidget(self.printer_list, 1)
        left.addLayout(list_buttons)
        left.addSpacing(8)
        left.addLayout(defaults)

        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_line, 1)
        right = QVBoxLayout()
        right.addWidget(self.empty_label)
        right.addWidget(self.form)
        right.addWidget(self.error_line)
        right.addSpacing(6)
        right.addLayout(test_row)
        right.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(18)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

        self.printer_list.currentRowChanged.connect(self._show_row)
        self.add_button.clicked.connect(self.add_printer)
        self.remove_button.clicked.connect(self.remove_printer)
        self.form.edited.connect(self._form_edited)
        self.label_size_combo.currentIndexChanged.connect(self.edited)
        self.test_button.clicked.connect(self._test_clicked)

    # --- the tables -------------------------------------------------------------------------

    def set_tables(self, tables: list[dict[str, Any]], label_size: str) -> None:
        """Show the printers of the settings file (a copy: nothing changes until saved)."""
        self._tables = [dict(t) for t in tables]
        self._build_errors.clear()
        self.label_size_combo.blockSignals(True)
        index = self.label_size_combo.findData(label_size)
        if index < 0:
            self.label_size_combo.addItem(label_size, label_size)
            index = self.label_size_combo.count() - 1
        self.label_size_combo.setCurrentIndex(index)
        self.label_size_combo.blockSignals(False)
        self.printer_list.blockSignals(True)
        self.printer_list.clear()
        for row in range(len(self._tables)):
            self.printer_list.addItem("")
            self._update_item(row)
        self.printer_list.blockSignals(False)
        self.printer_list.setCurrentRow(0 if self._tables else -1)
        self._show_row(self.printer_list.currentRow())

    def tables(self) -> list[dict[str, Any]]:
        return [dict(t) for t in self._tables]

    def label_size(self) -> str:
        return str(self.label_size_combo.currentData())

    def first_problem(self) -> str:
        """The first printer that cannot be saved, and why ("" if every one can)."""
        for row in range(len(self._tables)):
            problem = self._problem(row)
            if problem:
                return problem
        return ""

    def current_name(self) -> str:
        row = self.printer_list.currentRow()
        return (
            str(self._tables[row].get("name", "")).strip() if 0 <= row < len(self._tables) else ""
        )

    # --- editing ----------------------------------------------------------------------------

    def set_editable(self, editable: bool) -> None:
        """A person who may not change settings can still look at them."""
        self._editable = editable
        self.add_button.setEnabled(editable)
        self.form.setEnabled(editable and bool(self._tables))
        self.label_size_combo.setEnabled(editable)
        self._update_buttons()

    def add_printer(self) -> None:
        taken = {str(t.get("name", "")).strip() for t in self._tables}
        self._tables.append(new_printer_table(taken))
        self.printer_list.addItem("")
        row = len(self._tables) - 1
        self._update_item(row)
        self.printer_list.setCurrentRow(row)
        self.form.name_edit.setFocus()
        self.form.name_edit.selectAll()
        self.edited.emit()

    def remove_printer(self) -> None:
        row = self.printer_list.currentRow()
        if not 0 <= row < len(self._tables):
            return
        del self._tables[row]
        # Build errors are kept by row; those below the removed one move up by one.
        self._build_errors = {
            (r - 1 if r > row else r): e for r, e in self._build_errors.items() if r != row
        }
        self.printer_list.takeItem(row)
        self._refresh_items()
        self._show_row(self.printer_list.currentRow())
        self.edited.emit()

    def _form_edited(self) -> None:
        row = self.printer_list.currentRow()
        if not 0 <= row < len(self._tables):
            return
        try:
            self._tables[row] = self.form.table()
            self._build_errors.pop(row, None)
        except DeviceSettingsError as exc:
            self._build_errors[row] = exc.message
        self._refresh_items()  # a new name can make (or end) a clash with another printer
        self._show_problem(row)
        self.edited.emit()

    def _show_row(self, row: int) -> None:
        has_row = 0 <= row < len(self._tables)
        self.empty_label.setVisible(not self._tables)
        self.form.setVisible(has_row)
        self.form.setEnabled(self._editable and has_row)
        if has_row:
            self._build_errors.pop(row, None)  # the form shows the stored table again
            self.form.set_table(self._tables[row])
            self._update_item(row)
        self._show_problem(row)
        self.test_line.clear()
        self._update_buttons()

    def _show_problem(self, row: int) -> None:
        problem = self._problem(row) if 0 <= row < len(self._tables) else ""
        if problem:
            self.error_line.show_problem(problem)
        elif 0 <= row < len(self._tables) and self.form.ignored_keys:
            keys = ", ".join(repr(k) for k in self.form.ignored_keys)
            self.error_line.show_info(f"Unknown setting {keys} in the file is dropped on save")
        else:
            self.error_line.clear()
        self._update_buttons()

    def _problem(self, row: int) -> str:
        if row in self._build_errors:
            return self._build_errors[row]
        others = self._tables[:row] + self._tables[row + 1 :]
        return printer_problem(self._tables[row], others)

    def _update_item(self, row: int) -> None:
        item = self.printer_list.item(row)
        if item is None:
            return
        table = self._tables[row]
        name = str(table.get("name", "")).strip() or "(no name)"
        problem = self._problem(row)
        item.setText(f"{INVALID_MARK if problem else ''}{name}  ·  {table.get('backend', '?')}")
        item.setToolTip(problem or name)

    def _refresh_items(self) -> None:
        for row in range(len(self._tables)):
            self._update_item(row)

    def _update_buttons(self) -> None:
        row = self.printer_list.currentRow()
        has_row = 0 <= row < len(self._tables)
        self.remove_button.setEnabled(self._editable and has_row)
        self.test_button.setEnabled(has_row and not self._problem(row))

    def _test_clicked(self) -> None:
        name = self.current_name()
        if name:
            self.test_page_requested.emit(name)

    def focus_list(self) -> None:
        self.printer_list.setFocus(Qt.FocusReason.OtherFocusReason)
