"""A discount in percent, for a line or for the whole sale."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.errors import UserError
from app.money import parse_percent, percent_text
from app.ui.pos.amount_dialog import AmountDialog


class DiscountDialog(AmountDialog):
    """Accepted with `bp` (basis points); 0 removes the discount. The cart checks the range."""

    def __init__(
        self, what: str, current_bp: int, limit_bp: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            name="DiscountDialog",
            window_title="Discount",
            title=what,
            hint=f"Percent off. Above {percent_text(limit_bp)} a manager approves.",
            amount=percent_text(current_bp).removesuffix(" %"),
            amount_name="DiscountPercent",
            parent=parent,
        )
        self.bp = current_bp
        self.percent_edit = self.amount_edit
        self.percent_edit.returnPressed.connect(self.take)
        row = QHBoxLayout()
        row.addWidget(self.percent_edit, 1)
        row.addWidget(QLabel("%"))
        self.finish(row, action="Apply", min_width=380)

    def take(self) -> None:
        try:
            self.bp = parse_percent(self.percent_edit.text())
        except UserError as exc:
            self.refuse(exc)
            self.percent_edit.selectAll()
            return
        self.accept()
