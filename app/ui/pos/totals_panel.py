"""Subtotal, discounts, tax and the total — the total big enough to read from a metre away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from app.money import percent_text
from app.pos.cart import Totals
from app.ui.formatting import ShopFormat
from app.ui.widgets.fitted_label import FittedLabel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
TOTAL_POINTS, TOTAL_POINTS_AT_LEAST = 40.0, 16.0  # a metre away; a nine-figure total


class TotalsPanel(QFrame):
    def __init__(
        self, fmt: ShopFormat, *, prices_include_tax: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PosTotals")
        self._fmt = fmt
        self.subtotal = self._value()
        self.discount = self._value()
        self.tax = self._value()
        self.count = QLabel()
        self.count.setObjectName("PosCount")
        self.total = FittedLabel(TOTAL_POINTS, TOTAL_POINTS_AT_LEAST)
        self.total.setObjectName("PosTotal")
        self.total.setAlignment(RIGHT)
        self.discount_label = QLabel("Discounts")
        tax_title = "Included tax" if prices_include_tax else "Tax"

        grid = QGridLayout(self)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setVerticalSpacing(4)
        rows = (("Subtotal", self.subtotal), (None, self.discount), (tax_title, self.tax))
        for row, (title, value) in enumerate(rows):
            label = self.discount_label if title is None else QLabel(title)
            label.setObjectName("PosTotalsLabel")
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
        total_title = QLabel("TOTAL")
        total_title.setObjectName("PosTotalTitle")
        grid.addWidget(total_title, 3, 0, Qt.AlignmentFlag.AlignBottom)
        grid.addWidget(self.count, 3, 1, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.total, 4, 0, 1, 2)
        self.show_totals(None, items=0, sale_discount_bp=0)

    def _value(self) -> QLabel:
        label = QLabel()
        label.setObjectName("PosTotalsValue")
        label.setAlignment(RIGHT)
        return label

    def show_totals(self, totals: Totals | None, *, items: int, sale_discount_bp: int) -> None:
        money = self._fmt.money
        if totals is None:
            totals = Totals((), 0, 0, 0, 0)
        self.subtotal.setText(money(totals.subtotal))
        self.discount.setText(f"−{money(totals.discount)}" if totals.discount else money(0))
        sale = f" (sale {percent_text(sale_discount_bp)})" if sale_discount_bp else ""
        self.discount_label.setText(f"Discounts{sale}")
        self.tax.setText(money(totals.tax))
        self.total.setText(money(totals.total))
        self.count.setText("" if not items else f"{items} item{'s' if items != 1 else ''}")
