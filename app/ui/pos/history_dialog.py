"""Sale history at the till: the latest sales, each one's receipt shown as a reprint."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.paperwork.receipts import sale_receipt
from app.pos.records import SaleRecord
from app.ui.formatting import ShopFormat
from app.ui.pos.keyed import key_button, keyed_action
from app.ui.pos.receipt_preview import ReceiptPreview
from app.ui.widgets.message_line import sentence

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
COLUMNS = ("Receipt", "Time", "Till", "Cashier", "Customer", "Total")


class SaleHistoryDialog(QDialog):
    """Up/Down through the sales; the preview follows. Ctrl+S saves it as a PNG."""

    def __init__(
        self,
        sales: Sequence[SaleRecord],
        shop: ShopSettings,
        fmt: ShopFormat,
        parent: QWidget | None = None,
        *,
        reprint: Callable[[SaleRecord, Callable[[str], None]], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SaleHistoryDialog")
        self.setWindowTitle("SerialPOS — Sale history")
        self._sales = tuple(sales)
        self._shop = shop
        title = QLabel("Recent sales")
        title.setObjectName("DialogTitle")
        self.table = QTableWidget(len(self._sales), len(COLUMNS))
        self.table.setObjectName("HistoryTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        for row, sale in enumerate(self._sales):
            refunded = " (refunded)" if sale.refunds else ""
            cells = (
                sale.number + refunded,
                fmt.moment(sale.at),
                sale.till,
                sale.cashier,
                sale.customer or "",
                fmt.money(sale.total),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(COLUMNS) - 1:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.setMinimumWidth(560)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_sale(row))
        self.preview = ReceiptPreview()
        self.message = QLabel("" if self._sales else "No sales yet")
        self.message.setObjectName("DialogHint")
        _save, save = keyed_action(self, "Save PNG…", "Ctrl+S", self.save_png)
        self._reprint = reprint
        _print, self.print_button = keyed_action(self, "Print", "Ctrl+P", self.print_receipt)
        self.print_button.setVisible(reprint is not None)  # a till with a print queue

        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(save)
        buttons.addWidget(self.print_button)
        buttons.addWidget(key_button("Close", "Esc", self.reject))
        panes = QHBoxLayout()
        panes.addWidget(self.table, 1)
        panes.addWidget(self.preview)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(title)
        layout.addLayout(panes, 1)
        layout.addLayout(buttons)
        self.resize(1280, 700)
        if self._sales:
            self.table.selectRow(0)
            self.show_sale(0)
        self.table.setFocus()

    def show_sale(self, row: int) -> None:
        if 0 <= row < len(self._sales):
            self.preview.show_receipt(sale_receipt(self._shop, self._sales[row], reprint=True))

    def print_receipt(self) -> None:
        """Ctrl+P: the highlighted sale's receipt again, marked as a reprint, on the
        receipt printer (the drawer stays shut)."""
        row = self.table.currentRow()
        if self._reprint is None or not 0 <= row < len(self._sales):
            return
        self.message.setText("Sending to the printer…")
        self._reprint(self._sales[row], self.message.setText)

    def save_png(self) -> None:
        try:
            path = self.preview.save_png()
        except OSError as exc:
            self.message.setText(sentence(f"could not save: {exc.strerror or exc}"))
            return
        if path is not None:
            self.message.setText(f"Saved {path.name}")
