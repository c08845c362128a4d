"""What the parts of the POS view share. PosView is made of one mixin a responsibility
(scans into the sale, the cart's lines, payment, parking, the open sale kept, history and
end of day); each stands on `PosParts`, which declares the view's widgets and state that
pos_view.py builds, and the few methods one part calls on another."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLineEdit, QPushButton, QStackedWidget

from app.config import ShopSettings
from app.db.uow import Store
from app.pos.checkout import Till
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.cart_model import CartModel
from app.ui.pos.customer_box import CustomerBox
from app.ui.pos.dialog_host import DialogHost, HostsDialogs
from app.ui.pos.pos_widgets import CartTable
from app.ui.pos.receipt_preview import DonePanel
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor


class PosParts(HostsDialogs):
    """The base of each part of PosView (before QWidget in its bases)."""

    actor: Actor | None
    approver: Actor | None  # the manager who approved this sale's discount
    till: Till
    ops: Ops
    dialogs: DialogHost
    cart_model: CartModel
    cart_table: CartTable
    cart_stack: QStackedWidget
    scan_edit: QLineEdit  # a ScanEdit
    message: MessageLine
    customer_box: CustomerBox
    last_sale: DonePanel
    save_button: QPushButton
    notice: SignalInstance
    sale_completed: SignalInstance
    _store: Store
    _fmt: ShopFormat
    _shop: ShopSettings

    if TYPE_CHECKING:  # each defined by one part (or PosView), used by others

        def handle_scan(self, code: str) -> None: ...
        def focus_search(self) -> None: ...
        def current_row(self) -> int: ...
        def _select_row(self, row: int) -> None: ...
        def _show_cart(self) -> None: ...
        def _new_sale(self) -> None: ...
        def _customer_chosen(self, customer_id: int | None, label: str) -> None: ...
        def _set_receipt_scanned(self, number: str) -> None: ...
        def _needs_manager(self, *, changing_price: bool = False) -> bool: ...
        def _ask_approval(
            self, what: str, then: Callable[[Actor | None], None], *, why: str = ""
        ) -> None: ...
        def _save_open_cart(self) -> None: ...
        def collect_ticket(self, number: str) -> None: ...
        def collects_free(self) -> bool: ...
