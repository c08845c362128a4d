"""Where the labels go: one of the printers set up, or a file (PDF sheet, PNG strip, ZPL)
at a path the person chooses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.devices.settings import PrinterSettings
from app.paperwork import labels as label_files

FILE_FORMATS: Final = (
    (".pdf", "PDF label sheet (A4)"),
    (".png", f"PNG strip (up to {label_files.MAX_PNG_LABELS} labels)"),
    (".zpl", "ZPL for Zebra-type label printers"),
)


class LabelDestination(QGroupBox):
    """Send to: a printer (when there is one and a print queue) or a file."""

    def __init__(
        self, printers: Sequence[PrinterSettings], *, queue: bool, default_name: str
    ) -> None:
        super().__init__("Send to")
        self._printers = printers
        self.can_print = bool(printers) and queue
        self.printer_radio = QRadioButton("Printer")
        self.file_radio = QRadioButton("File")
        self._choice = QButtonGroup(self)
        self._choice.addButton(self.printer_radio)
        self._choice.addButton(self.file_radio)
        self.printer_combo = QComboBox()
        self.printer_combo.setObjectName("PrinterCombo")
        for printer in printers:
            self.printer_combo.addItem(
                f"{printer.name} ({printer.paper_width_mm} mm)", printer.name
            )
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("FormatCombo")
        for suffix, text in FILE_FORMATS:
            self.format_combo.addItem(text, suffix)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("LabelPathEdit")
        self.path_edit.setText(str(Path.home() / default_name))
        self.browse_button = QPushButton("Browse…")

        self.printer_radio.setEnabled(self.can_print)
        if not self.can_print:
            why = "No print queue" if not queue else "No printers set up: add one in Settings"
            self.printer_radio.setToolTip(why)
            self.printer_combo.setToolTip(why)
        (self.printer_radio if self.can_print else self.file_radio).setChecked(True)

        printer_row = QHBoxLayout()
        printer_row.addWidget(self.printer_radio)
        printer_row.addWidget(self.printer_combo, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_radio)
        file_row.addWidget(self.format_combo, 1)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        column = QVBoxLayout(self)
        column.addLayout(printer_row)
        column.addLayout(file_row)
        column.addLayout(path_row)
        # Connected before the dialog's own slots: the path has its new suffix when the
        # dialog checks it.
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.browse_button.clicked.connect(self._browse)

    @property
    def to_printer(self) -> bool:
        return self.printer_radio.isChecked()

    @property
    def suffix(self) -> str:
        return str(self.format_combo.currentData())

    def printer(self) -> PrinterSettings | None:
        name = self.printer_combo.currentData()
        return next((p for p in self._printers if p.name == name), None)

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def follow_choice(self) -> None:
        """Only the chosen destination's own fields can be edited."""
        printing = self.to_printer
        self.printer_combo.setEnabled(printing)
        for widget in (self.format_combo, self.path_edit, self.browse_button):
            widget.setEnabled(not printing)

    def set_running(self, running: bool) -> None:
        """Nothing is edited while labels are being made; after, the choice as it was."""
        if running:
            for widget in self.findChildren(QWidget):
                widget.setEnabled(False)
            return
        self.file_radio.setEnabled(True)
        self.printer_radio.setEnabled(self.can_print)
        self.follow_choice()

    def file_problem(self, count: int) -> str:
        """What stops `count` labels being saved at the path typed ("" if nothing)."""
        text = self.path_edit.text().strip()
        suffix = self.suffix
        if not text:
            return "Choose where to save the file."
        if Path(text).suffix.lower() != suffix:
            return f"The file name must end in {suffix}."
        if suffix == ".png" and count > label_files.MAX_PNG_LABELS:
            return f"{count:,} labels are too many for one PNG; choose the PDF sheet"
        return ""

    def _format_changed(self) -> None:
        text = self.path_edit.text().strip()
        if text:
            self.path_edit.setText(str(Path(text).with_suffix(self.suffix)))

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save labels", self.path_edit.text(), f"Labels (*{self.suffix})"
        )
        if path:
            self.path_edit.setText(path)
