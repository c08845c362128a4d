"""The Tickets view (the service desk lands here): the open tickets list, intake and a
ticket's detail, one at a time, under one scan field.

Scanning anywhere in the view (the window routes a scanner's codes to `handle_scan`): a
ticket number opens it; a unit's serial opens its open ticket or starts an intake; a
part's serial, while a ticket is open, goes on it. Codes are taken one at a time, in the
order scanned (TakesScans).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.tickets.records import TicketRecord
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.dialog_host import DialogHost
from app.ui.pos.keyed import keyed_action
from app.ui.pos.scanning import TakesScans
from app.ui.tickets.detail_page import TicketDetailPage
from app.ui.tickets.intake_page import IntakePage
from app.ui.tickets.list_page import TicketListPage
from app.ui.tickets.scans import NotForTickets, OpenTicket, PartAdded, StartIntake, ticket_scan
from app.ui.till_place import TillPlace
from app.ui.widgets.message_line import MessageLine
from app.users import services as users
from app.users.roles import Actor, Permission, Role

TICKETS_SHOWS = (Change.TICKETS, Change.CUSTOMERS, Change.USERS)
SCAN_PLACEHOLDER = "Scan a ticket number, a device's serial, or a part for the open ticket"
TECHNICIAN_ROLES = (Role.SERVICE, Role.MANAGER)


class TicketsView(TakesScans, QWidget):
    """A ShopView. Signals: problem(str); print_requested(TicketRecord, 'tag' | 'slip')
    (the window's Effects prints it on the receipt printer)."""

    title = "Tickets"
    problem = Signal(str)
    print_requested = Signal(object, str)

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        shop: ShopSettings,
        parent: QWidget | None = None,
        *,
        place: TillPlace | None = None,
    ) -> None:
        """`place`: where the till takes parts from and gives replacements, shared with the
        window's other till views (a view of its own asks at each log-in)."""
        super().__init__(parent)
        self.setObjectName("TicketsView")
        self._store = store
        # The setting until the store has said which location it is (TillPlace.located).
        self._location = shop.till_location
        self.place = place or TillPlace(store, shop, self)
        self._own_place = place is None
        self.place.located.connect(self._located)
        self.actor: Actor | None = None
        self.dialogs = DialogHost(on_idle=self.focus_search, busy_scan=self._scan_while_busy)
        self.init_scans()
        self.message = MessageLine(till=True)
        self.ops = Ops(store, self, show_problem=self.message.show_problem)

        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("TicketScan")
        self.scan_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        self.scan_edit.setClearButtonEnabled(True)
        self.scan_edit.returnPressed.connect(self._scan_field_entered)
        self.list_page = TicketListPage(store, fmt, stale_days=shop.ticket_stale_days)
        self.intake_page = IntakePage(store, fmt, shop, message=self.message)
        self.detail_page = TicketDetailPage(
            store, fmt, location=self._location, host=self, message=self.message
        )
        self.pages = QStackedWidget()
        for page in (self.list_page, self.intake_page, self.detail_page):
            self.pages.addWidget(page)
        self.page_title = QLabel()
        self.page_title.setObjectName("ViewHeading")

        self._actions = []
        for text, key, slot in (
            ("Open tickets", "F2", self.show_list),
            ("Take in", "F3", lambda: self.start_intake("")),
        ):
            action, button = keyed_action(self, text, key, slot)
            self._actions.append((action, button))

        self.list_page.opened.connect(self.open_ticket)
        self.list_page.problem.connect(self.message.show_problem)
        self.intake_page.opened.connect(self._taken_in)
        self.detail_page.print_requested.connect(self.print_requested)

        top = QHBoxLayout()
        top.addWidget(self.page_title)
        top.addWidget(self.scan_edit, 1)
        for _action, button in self._actions:
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.pages, 1)
        self.follow = FollowChanges(self, store, TICKETS_SHOWS, self._records_changed)
        self.show_list()
        self.set_actor(None)

    # ------------------------------------------------------------ ShopView

    def set_actor(self, actor: Actor | None) -> None:
        may = actor is not None and actor.can(Permission.TICKETS)
        self.actor = actor if may else None
        if self.actor is None:
            self.drop_scans()
            self.dialogs.close()
            self.show_list()
            if self._own_place and actor is None:
                self.place.log_out()
        else:
            self.place.log_in()
        for action, _button in self._actions:
            action.setEnabled(may)
        self.scan_edit.setEnabled(may)
        self.list_page.set_actor(self.actor)
        self.intake_page.set_actor(self.actor)
        self.detail_page.set_actor(self.actor)
        self.message.clear()
        if self.actor is not None:
            self._load_technicians()

    def refresh(self) -> None:
        self._load_technicians()
        self.list_page.refresh()
        if self.pages.currentWidget() is self.detail_page:
            self.detail_page.reload()

    def focus_search(self) -> None:
        self.scan_edit.setFocus()
        self.scan_edit.selectAll()

    # ------------------------------------------------------------ pages

    def show_list(self) -> None:
        self.message.clear()  # what was said about a ticket is not about the list
        self.pages.setCurrentWidget(self.list_page)
        self.page_title.setText("Open tickets")
        self.list_page.focus_search()

    def start_intake(self, serial: str) -> None:
        if self.actor is None:
            return
        self.message.clear()
        self.pages.setCurrentWidget(self.intake_page)
        self.page_title.setText("Intake")
        self.intake_page.start(serial)

    def open_ticket(self, number: str) -> None:
        if self.actor is None:
            return
        self.pages.setCurrentWidget(self.detail_page)
        self.page_title.setText(number)
        self.detail_page.load(number)

    def show_ticket(self, ticket: TicketRecord) -> None:
        self.pages.setCurrentWidget(self.detail_page)
        self.page_title.setText(ticket.number)
        self.detail_page.show_ticket(ticket)

    def _taken_in(self, ticket: TicketRecord) -> None:
        self.show_ticket(ticket)
        self.message.show_done(f"{ticket.number} opened")
        self.focus_search()

    def _records_changed(self) -> None:
        if self.actor is None:
            return
        self.list_page.refresh()
        if self.pages.currentWidget() is self.detail_page:
            self.detail_page.reload()

    def _load_technicians(self) -> None:
        store = self._store

        def technicians() -> list[Actor]:
            return [u for u in users.list_users(store) if u.role in TECHNICIAN_ROLES]

        def show(found: list[Actor]) -> None:
            self.list_page.set_technicians(found)
            self.intake_page.set_technicians(found)

        self.ops.latest(technicians, success=show, name="technicians")

    # ------------------------------------------------------------ scanning

    @property
    def open_number(self) -> str | None:
        """The ticket on screen, if it is open (scanned parts go on it)."""
        ticket = self.detail_page.ticket
        if self.pages.currentWidget() is not self.detail_page or ticket is None:
            return None
        return ticket.number if ticket.is_open else None

    def _located(self, location: str) -> None:
        self._location = location
        self.detail_page.set_location(location)

    def act_on_scan(self, code: str) -> bool:
        actor = self.actor
        if actor is None:
            return False
        if self.pages.currentWidget() is self.intake_page and self.intake_page.takes_scan(code):
            return False
        store, location, number = self._store, self._location, self.open_number
        return self.ops.run(
            lambda: ticket_scan(store, actor, code, location=location, open_number=number),
            success=self._scanned,
            failure=self._scan_refused,
            changes={Change.TICKETS},
            name="scan",
        )

    def _scanned(self, step: object) -> None:
        try:
            if self.actor is None:
                return
            match step:
                case OpenTicket(ticket):
                    self.show_ticket(ticket)
                    self.message.show_info(f"{ticket.number} opened")
                case PartAdded(ticket, code):
                    self.show_ticket(ticket)
                    self.message.show_done(f"{code} added to {ticket.number}")
                case StartIntake(serial):
                    self.start_intake(serial)
                    self.message.show_info(f"{serial}: taking it in")
                case NotForTickets(message):
                    self.message.show_problem(message)
        finally:
            self.scan_done()

    def _scan_refused(self, error: UserError) -> None:
        self.message.show_problem(error.message)
        self.scan_done()

    def _scan_while_busy(self, code: str) -> None:
        self.message.show_problem(f"scanned {code.strip()} while a window is open: close it first")
