"""A unit's history: the ledger for the serial selected in the inventory list."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.db.uow import Store
from app.errors import UserError
from app.stock import queries
from app.stock.lifecycle import describe_state
from app.stock.records import HistoryEntry, UnitRecord
from app.ui.formatting import ShopFormat, move_title
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor

NO_UNIT_TEXT = "Select a unit to see its history"


def document_title(document: str | None) -> str:
    """'batch:5' -> 'Batch 5': the ledger's reference to the paper behind a move."""
    if not document:
        return ""
    kind, _, ref = document.partition(":")
    return f"{kind.replace('_', ' ').capitalize()} {ref}" if ref else document


def history_columns(fmt: ShopFormat) -> list[Column[HistoryEntry]]:
    return [
        Column("at", "When", lambda e: fmt.moment(e.at), width=160),
        Column("kind", "What", lambda e: move_title(e.kind), width=175),  # "Refunded as defective"
        Column("from", "From", lambda e: e.from_state, width=170),
        Column("to", "To", lambda e: e.to_state, width=170),
        Column("user", "By", lambda e: e.user, width=100),
        Column("document", "Document", lambda e: document_title(e.document), width=110),
        Column("reason", "Reason", lambda e: e.reason or "", width=160),
    ]


_HISTORY = "unit history"


class UnitHistoryPanel(QWidget):
    """Shows `unit_history` for one unit; the heading says what the unit is and where."""

    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HistoryPanel")
        self._store = store
        self._actor: Actor | None = None
        self._unit: UnitRecord | None = None
        self._ops = Ops(store, self, show_problem=self.problem.emit)

        self.heading = QLabel()
        self.heading.setObjectName("PanelHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.model: RecordTableModel[HistoryEntry] = RecordTableModel(history_columns(fmt), self)
        self.table = ShopTable(empty_text=NO_UNIT_TEXT)
        self.table.setObjectName("HistoryTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        self.show_unit(None)

    @property
    def unit(self) -> UnitRecord | None:
        return self._unit

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.show_unit(None)

    def show_unit(self, unit: UnitRecord | None) -> None:
        self._unit = unit
        self.heading.setText(self._heading_html(unit))
        self.table.set_empty_text(NO_UNIT_TEXT if unit is None else "No history recorded")
        if unit is None or self._actor is None:
            self._ops.forget(_HISTORY)
            self.model.set_records([])
            return
        store, actor = self._store, self._actor
        self._ops.latest(
            lambda: queries.unit_history(store, actor, unit.serial, unit.sku),
            success=self.model.set_records,
            failure=self._refused,
            name=_HISTORY,
        )

    def _refused(self, error: UserError) -> None:
        self.problem.emit(error.message)
        self.model.set_records([])

    def refresh(self) -> None:
        self.show_unit(self._unit)

    @staticmethod
    def _heading_html(unit: UnitRecord | None) -> str:
        if unit is None:
            return "<b>Unit history</b>"
        state = describe_state(unit.status, unit.location, unit.customer)
        return (
            f"<b>Unit history — {escape(unit.serial)}</b>"
            f"&nbsp;&nbsp;{escape(unit.item_name)} ({escape(unit.sku)}), {escape(state)}"
        )
