"""What the parts of the Refund view share: RefundView is made of one mixin a step
(finding the sale, choosing what comes back and why, refunding); each stands on
`RefundParts`, which declares the widgets and state refund_view.py builds, and the few
methods one part calls on another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QStackedWidget

from app.config import ShopSettings
from app.db.uow import Store
from app.pos.checkout import Till
from app.pos.refund_reasons import RefundReason
from app.pos.refunds import RefundQuote
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.dialog_host import DialogHost, HostsDialogs
from app.ui.pos.receipt_preview import DonePanel
from app.ui.refund.refund_model import RefundLinesModel
from app.ui.refund.refund_widgets import RefundLinesTable
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.pos.records import SaleRecord


class RefundParts(HostsDialogs):
    """The base of each part of RefundView (before QWidget in its bases)."""

    actor: Actor | None
    till: Till
    ops: Ops
    dialogs: DialogHost
    lines_model: RefundLinesModel
    lines_table: RefundLinesTable
    scan_edit: QLineEdit  # a RefundScanEdit
    message: MessageLine
    sale_label: QLabel
    reason_edit: QLineEdit  # a ReasonEdit
    reasons: tuple[RefundReason, ...]
    restock_combo: QComboBox
    refund_to_combo: QComboBox
    choice_label: QLabel
    pages: QStackedWidget
    done_page: DonePanel
    notice: SignalInstance
    refund_completed: SignalInstance
    _quote: RefundQuote | None
    _store: Store
    _fmt: ShopFormat
    _shop: ShopSettings

    if TYPE_CHECKING:  # each defined by one part (or RefundView), used by others

        def focus_search(self) -> None: ...
        def focus_lines(self) -> None: ...
        def _select_row(self, row: int) -> None: ...
        def _load(self, sale: SaleRecord, serial: str | None = None) -> None: ...
        def _ask_quote(self, then: Callable[[RefundQuote], None]) -> None: ...
        def complete_refund(self) -> None: ...
