"""End of day for this till: totals by tender, refunds, discounts and the cash expected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.errors import UserError
from app.paperwork.receipts import day_report_lines, day_report_rows
from app.pos.records import DayReport
from app.ui.ops import Ops
from app.ui.pos.keyed import key_button, keyed_action
from app.ui.pos.receipt_preview import ReceiptPreview
from app.ui.widgets.message_line import sentence

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
PAPER_MM = 80

LoadReport = Callable[[date], DayReport]


if TYPE_CHECKING:  # the report is drawn (PIL, barcodes) when first shown
    from PIL import Image


def day_report_image(shop: ShopSettings, report: DayReport) -> Image.Image:
    """The report as the receipt printer prints it."""
    from app.printing.raster import DEFAULT_DPI, roll_columns, rows_image

    columns = roll_columns(PAPER_MM)
    rows = day_report_rows(shop, report, columns)
    return rows_image(rows, width_mm=PAPER_MM, dpi=DEFAULT_DPI, columns=columns)


class EndOfDayDialog(QDialog):
    """Pick the day (today by default); the figures and the printable slip follow.
    `print_requested(DayReport)`: Print was pressed (the till sends it to its printer)."""

    print_requested = Signal(object)

    def __init__(
        self,
        shop: ShopSettings,
        load: LoadReport,
        today: date,
        parent: QWidget | None = None,
        *,
        ops: Ops,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EndOfDayDialog")
        self.setWindowTitle("SerialPOS — End of day")
        self._shop = shop
        self._load = load
        self._ops = ops
        self.report: DayReport | None = None
        title = QLabel(f"End of day — {shop.till}")
        title.setObjectName("DialogTitle")
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.day_edit.setObjectName("DayEdit")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.dateChanged.connect(lambda _d: self.show_day())
        day_label = QLabel("&Day")
        day_label.setBuddy(self.day_edit)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("DayTable")
        self.table.horizontalHeader().setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMinimumWidth(420)
        self.preview = ReceiptPreview()
        self.message = QLabel()
        self.message.setObjectName("DialogHint")
        _save, save = keyed_action(self, "Save PNG…", "Ctrl+S", self.save_png)
        _print, print_button = keyed_action(self, "Print", "Ctrl+P", self.print_report)

        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(day_label)
        top.addWidget(self.day_edit)
        panes = QHBoxLayout()
        panes.addWidget(self.table, 1)
        panes.addWidget(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        buttons.addWidget(print_button)
        buttons.addWidget(key_button("Close", "Esc", self.reject))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addLayout(top)
        layout.addLayout(panes, 1)
        layout.addLayout(buttons)
        self.resize(1180, 680)
        self.show_day()

    @property
    def day(self) -> date:
        value = self.day_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def show_day(self) -> None:
        """The chosen day's report, read on a worker (a busy day has many sales)."""
        day, load = self.day, self._load
        self._ops.latest(
            lambda: load(day), success=self._show_report, failure=self._refused, name="day report"
        )

    def _refused(self, error: UserError) -> None:
        self.message.setText(sentence(error.message))

    def _show_report(self, report: DayReport) -> None:
        self.report = report
        lines = day_report_lines(self._shop, report)
        self.table.setRowCount(len(lines))
        for row, (label, value) in enumerate(lines):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            amount = QTableWidgetItem(value)
            amount.setTextAlignment(RIGHT)
            self.table.setItem(row, 1, amount)
        self.table.resizeColumnToContents(0)
        self.preview.show_image(day_report_image(self._shop, report), f"day-{self.day}")
        self.message.clear()

    def print_report(self) -> None:
        if self.report is not None:
            self.print_requested.emit(self.report)
            self.message.setText("Sent to the receipt printer (see Print jobs)")

    def save_png(self) -> None:
        try:
            path = self.preview.save_png()
        except OSError as exc:
            self.message.setText(sentence(f"could not save: {exc.strerror or exc}"))
            return
        if path is not None:
            self.message.setText(f"Saved {path.name}")
