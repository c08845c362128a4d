"""A new price for one cart line, with the reason (a manager approves it next)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from app.errors import UserError
from app.money import format_plain, parse_money
from app.pos.cart import check_price_override
from app.ui.pos.amount_dialog import AmountDialog


class PriceDialog(AmountDialog):
    """Accepted with `price` (minor units) and `reason`; the cart and the sale check them
    again, and the sale is refused without a manager's approval."""

    def __init__(
        self, what: str, list_price: str, current: int, reason: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            name="PriceDialog",
            window_title="Change the price",
            title=f"New price — {what}",
            hint=(
                f"The item's price is {list_price}. A manager approves the new price with"
                " their PIN; the change, its reason and who approved it are kept."
            ),
            amount=format_plain(current),
            amount_name="PriceEdit",
            parent=parent,
        )
        self.price = current
        self.reason = reason
        self.hint.setWordWrap(True)
        self.message.setWordWrap(True)
        self.price_edit = self.amount_edit
        self.price_edit.returnPressed.connect(self._next)
        self.reason_edit = QLineEdit(reason)
        self.reason_edit.setObjectName("PriceReason")
        self.reason_edit.setPlaceholderText("e.g. display model, price match")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.returnPressed.connect(self.take)
        form = QFormLayout()
        form.addRow("New price", self.price_edit)
        form.addRow("Reason", self.reason_edit)
        self.finish(form, action="Change price", min_width=460)

    def _next(self) -> None:
        if self.reason_edit.text().strip():
            self.take()
        else:
            self.reason_edit.setFocus()

    def take(self) -> None:
        try:
            price = parse_money(self.price_edit.text(), field="price")
            check_price_override(price, self.reason_edit.text())
        except UserError as exc:
            self.refuse(exc)
            return
        self.price, self.reason = price, self.reason_edit.text().strip()
        self.accept()
