"""One ticket: intake data, the warranty panel, the status buttons (the allowed moves,
each with its key), parts and labour with totals, notes, the steps and the unit's history;
RMA out and back, warranty replacement, reprints, and the passcode for those who may see it.

Every change is a service call on a worker; the ticket it returns is shown whole. A
refused call is said once in the message line and the ticket stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.events import Change
from app.stock import queries as stock_queries
from app.stock.records import HistoryEntry
from app.tickets import parts, queries, workflow
from app.tickets.records import TicketRecord
from app.tickets.statuses import NEXT, TicketStatus
from app.ui.formatting import ShopFormat
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.pos.keyed import keyed_action
from app.ui.stock.history_panel import history_columns
from app.ui.tickets.detail_actions import TicketActions
from app.ui.tickets.detail_tables import line_columns, note_columns, step_columns
from app.ui.tickets.warranty_panel import WarrantyPanel, ticket_warranty_html
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor
from app.users.roles import Role as R

S = TicketStatus
# The status buttons, in workflow order, with their keys (Alt: never typed by a scanner).
STATUS_KEYS: tuple[tuple[TicketStatus, str, str], ...] = (
    (S.DIAGNOSING, "Diagnosing", "Alt+D"),
    (S.AWAITING_APPROVAL, "Awaiting approval", "Alt+A"),
    (S.WAITING_FOR_PARTS, "Waiting for parts", "Alt+W"),
    (S.IN_REPAIR, "In repair", "Alt+I"),
    (S.READY, "Ready", "Alt+R"),
    (S.CANCELLED, "Cancel ticket", "Alt+X"),
)
TICKET_CHANGES = frozenset({Change.TICKETS, Change.UNITS})


def _table(columns: list[Column[object]]) -> tuple[ShopTable, RecordTableModel[object]]:
    model: RecordTableModel[object] = RecordTableModel(columns)
    table = ShopTable(empty_text="Nothing yet")
    table.setModel(model)
    apply_column_defaults(table, columns)
    return table, model


class TicketDetailPage(TicketActions, QWidget):
    """Signals: print_requested(TicketRecord, 'tag' | 'slip'); changed(TicketRecord)."""

    print_requested = Signal(object, str)
    changed = Signal(object)
    problem = Signal(str)

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        *,
        location: str,
        host: QWidget | None = None,
        message: MessageLine | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """`host`: the view holding the page; its keys work anywhere in it (the scan field
        too) while this page is on screen."""
        super().__init__(parent)
        self.setObjectName("TicketDetail")
        self._host = host or self
        self._store = store
        self._fmt = fmt
        self._location = location
        self._actor: Actor | None = None
        self.ticket: TicketRecord | None = None
        # The view's one message line when given: a line of its own would push the page
        # down as it appears, under the pointer.
        self.message = message or MessageLine(till=True, collapse=True)
        self.ops = Ops(store, self, show_problem=self.message.show_problem)

        self.heading = QLabel()
        self.heading.setObjectName("TicketHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.intake_label = QLabel()
        self.intake_label.setWordWrap(True)
        self.intake_label.setTextFormat(Qt.TextFormat.RichText)
        self.warranty = WarrantyPanel()

        self.status_buttons: dict[TicketStatus, QPushButton] = {}
        status_row = QHBoxLayout()
        status_row.addWidget(QLabel("Move to:"))
        for status, text, key in STATUS_KEYS:
            _action, button = keyed_action(self._host, text, key, self._mover(status))
            button.setObjectName(f"Status_{status.value}")
            self.status_buttons[status] = button
            status_row.addWidget(button)
        status_row.addStretch(1)

        self.rma_edit = QLineEdit()
        self.rma_edit.setPlaceholderText("RMA reference")
        self.rma_edit.setMaximumWidth(130)
        self.rma_edit.returnPressed.connect(self.send_to_vendor)
        self.vendor_button = self._button("Send to vendor", self.send_to_vendor)
        self.back_button = self._button("Back from vendor", self.receive_from_vendor)
        self.replace_button = self._button("Replace unit", self.replace_unit)
        self.tag_button = self._button("Reprint tag", lambda: self._print("tag"))
        self.slip_button = self._button("Reprint slip", lambda: self._print("slip"))
        _a, self.reveal_button = keyed_action(
            self._host, "Passcode", "Ctrl+P", self.reveal_passcode
        )
        actions_row = QHBoxLayout()
        for widget in (self.rma_edit, self.vendor_button, self.back_button, self.replace_button):
            actions_row.addWidget(widget)
        actions_row.addStretch(1)
        for widget in (self.tag_button, self.slip_button, self.reveal_button):
            actions_row.addWidget(widget)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_lines(), "Parts and labour")
        self.tabs.addTab(self._build_notes(), "Notes")
        self.steps_table, self.steps_model = _table(step_columns(fmt))  # type: ignore[arg-type]
        self.tabs.addTab(self.steps_table, "Steps")
        self.history_table, self.history_model = _table(history_columns(fmt))  # type: ignore[arg-type]
        self.tabs.addTab(self.history_table, "Unit history")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        if message is None:
            layout.addWidget(self.message)
        layout.addWidget(self.heading)
        layout.addWidget(self.intake_label)
        layout.addWidget(self.warranty)
        layout.addLayout(status_row)
        layout.addLayout(actions_row)
        layout.addWidget(self.tabs, 1)

    def _button(self, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _c=False: slot())
        return button

    def _build_lines(self) -> QWidget:
        self.lines_table, self.lines_model = _table(line_columns(self._fmt))  # type: ignore[arg-type]
        self.lines_table.setObjectName("TicketLines")
        self.part_edit = QLineEdit()
        self.part_edit.setObjectName("PartEdit")
        self.part_edit.setPlaceholderText("Scan a part's serial, or a SKU / barcode — Enter")
        self.part_edit.returnPressed.connect(self._part_entered)
        self.qty_box = QSpinBox()
        self.qty_box.setRange(1, parts.MAX_PART_QTY)
        self.qty_box.setPrefix("qty ")
        self.labour_edit = QLineEdit()
        self.labour_edit.setObjectName("LabourEdit")
        self.labour_edit.setPlaceholderText("Labour")
        self.labour_price = QLineEdit()
        self.labour_price.setObjectName("LabourPrice")
        self.labour_price.setPlaceholderText("price")
        self.labour_price.setMaximumWidth(90)
        self.labour_price.returnPressed.connect(self.add_labour)
        self.labour_edit.returnPressed.connect(self.labour_price.setFocus)
        _a, remove = keyed_action(self._host, "Remove line", "Alt+Del", self.remove_line)
        self.total_label = QLabel()
        self.total_label.setObjectName("TicketTotal")
        add_row = QHBoxLayout()
        add_row.addWidget(self.part_edit, 3)
        add_row.addWidget(self.qty_box)
        add_row.addWidget(self.labour_edit, 2)
        add_row.addWidget(self.labour_price)
        add_row.addWidget(self._button("Add labour", self.add_labour))
        foot = QHBoxLayout()
        foot.addWidget(remove)
        foot.addStretch(1)
        foot.addWidget(self.total_label)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        box.addLayout(add_row)
        box.addWidget(self.lines_table, 1)
        box.addLayout(foot)
        return page

    def _build_notes(self) -> QWidget:
        self.notes_table, self.notes_model = _table(note_columns(self._fmt))  # type: ignore[arg-type]
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("NoteEdit")
        self.note_edit.setPlaceholderText("A note — Enter adds it")
        self.note_edit.returnPressed.connect(self.add_note)
        self.for_customer = QCheckBox("For the customer")
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.for_customer)
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 6, 0, 0)
        box.addLayout(row)
        box.addWidget(self.notes_table, 1)
        return page

    # ------------------------------------------------------------ showing

    def set_location(self, location: str) -> None:
        """Where parts are taken from and replacements given (the till's location)."""
        self._location = location

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        if actor is None:
            self.ticket = None
            self.message.clear()

    def load(self, number: str) -> None:
        actor, store = self._actor, self._store
        if actor is None:
            return
        self.ops.latest(
            lambda: queries.ticket_detail(store, actor, number), success=self.show_ticket,
            name="ticket detail",
        )  # fmt: skip

    def reload(self) -> None:
        if self.ticket is not None:
            self.load(self.ticket.number)

    def show_ticket(self, ticket: TicketRecord) -> None:
        first = self.ticket is None or self.ticket.number != ticket.number
        self.ticket = ticket
        if first:
            self.message.clear()
        fmt = self._fmt
        status = TicketStatus(ticket.status)
        facts = [
            f"opened {escape(fmt.moment(ticket.opened_at))} by {escape(ticket.opened_by)}",
            f"technician {escape(ticket.technician or '—')}",
            f"priority {escape(ticket.priority)}",
        ]
        if ticket.promised:
            facts.append(f"promised {escape(fmt.day(ticket.promised))}")
        if ticket.estimate is not None:
            facts.append(f"estimate {escape(fmt.money(ticket.estimate))}")
        contact = " · ".join(x for x in (ticket.customer_phone, ticket.customer_email) if x)
        self.heading.setText(
            f"<span style='font-size:15pt'><b>{escape(ticket.number)}</b> — {escape(status.label)}"
            f"</span><br><b>{escape(ticket.device)}</b> S/N {escape(ticket.serial)} — "
            f"{escape(ticket.customer)}{' (' + escape(contact) + ')' if contact else ''}"
            f"<br><span style='color:#52606d'>{' · '.join(facts)}</span>"
        )
        condition = ", ".join(ticket.condition) or ("" if ticket.condition_note else "no marks")
        extra = [f"<b>Problem:</b> {escape(ticket.problem)}",
                 f"<b>Condition:</b> {escape(condition)}"
                 + (" — " if condition and ticket.condition_note else "")
                 + escape(ticket.condition_note),
                 f"<b>Accessories:</b> {escape(ticket.accessories or 'none')}"]  # fmt: skip
        if ticket.rma:
            where = "back" if ticket.vendor_back_at else "at the vendor"
            extra.append(f"<b>RMA</b> {escape(ticket.rma)} ({where})")
        if ticket.replacement_serial:
            extra.append(f"<b>Replaced by</b> S/N {escape(ticket.replacement_serial)}")
        if ticket.sale_number:
            extra.append(f"<b>Paid on</b> {escape(ticket.sale_number)}")
        self.intake_label.setText("<br>".join(extra))
        self.warranty.setText(ticket_warranty_html(fmt, ticket))
        allowed = NEXT[status]
        for target, button in self.status_buttons.items():
            button.setVisible(target in allowed)
        is_open = ticket.is_open
        at_vendor = ticket.vendor_sent_at is not None and ticket.vendor_back_at is None
        self.vendor_button.setVisible(is_open and not at_vendor)
        self.rma_edit.setVisible(is_open and not at_vendor)
        self.back_button.setVisible(is_open and at_vendor)
        self.replace_button.setVisible(
            is_open and ticket.under_warranty and ticket.unit_id is not None
            and ticket.replacement_serial is None
        )  # fmt: skip
        readers = self._actor is not None and self._actor.role in (R.SERVICE, R.MANAGER)
        self.reveal_button.setVisible(ticket.has_passcode and readers)
        for widget in (self.part_edit, self.qty_box, self.labour_edit, self.labour_price):
            widget.setEnabled(is_open)
        self.lines_model.set_records(list(ticket.lines))
        self.notes_model.set_records(list(ticket.notes))
        self.steps_model.set_records(list(ticket.changes))
        self.total_label.setText(f"Total <b>{escape(fmt.money(ticket.total))}</b>")
        self._load_history(ticket)

    def _load_history(self, ticket: TicketRecord) -> None:
        actor, store = self._actor, self._store
        if actor is None or ticket.unit_id is None:
            self.history_model.set_records([])
            return
        serial, sku = ticket.serial, ticket.sku

        def history() -> list[HistoryEntry]:
            return stock_queries.unit_history(store, actor, serial, sku)

        def show(entries: list[HistoryEntry]) -> None:
            self.history_model.set_records(list(entries))

        self.ops.latest(history, success=show, name="unit history")

    def focus_search(self) -> None:
        self.part_edit.setFocus()

    # ------------------------------------------------------------ changes

    def _call(self, what: str, work: Callable[[Actor, str], TicketRecord], said: str) -> bool:
        actor, number = self._actor, self.number
        if actor is None or number is None or not self.isVisible():
            return False  # the keys belong to the view: another page of it is on screen

        def done(ticket: TicketRecord) -> None:
            self.show_ticket(ticket)
            self.message.show_done(said.format(number=ticket.number))
            self.changed.emit(ticket)

        return self.ops.run(
            lambda: work(actor, number), success=done, changes=TICKET_CHANGES, name=what
        )

    def _mover(self, status: TicketStatus) -> Callable[[], None]:
        def move() -> None:
            store = self._store
            self._call(
                "status",
                lambda a, n: workflow.change_status(store, a, n, status),
                f"{{number}} is {status.label}",
            )

        return move

    def move_to(self, status: TicketStatus) -> None:
        self._mover(status)()
