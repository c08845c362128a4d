"""Intake on one screen, keyboard first: scan the serial, see the device at once, type the
problem, tick the condition, Enter through the fields, Ctrl+Enter opens the ticket.

The look-up and the ticket are service calls on a worker (Ops). A serial several items
share asks which item; a device we never had asks for its make and model. The ticket is
opened once: a second Enter while it is on its way, or after, makes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.errors import InvalidInput, UserError
from app.events import Change
from app.money import parse_money
from app.tickets.common import TICKET_NUMBER
from app.tickets.intake import Intake, SerialIsAmbiguous, look_up_device, open_ticket
from app.tickets.records import DeviceLookup, TicketRecord
from app.tickets.statuses import Priority
from app.ui.formatting import ShopFormat
from app.ui.ops import Ops
from app.ui.pos.customer_box import CustomerBox
from app.ui.pos.keyed import keyed_action
from app.ui.tickets.warranty_panel import WarrantyPanel, lookup_html
from app.ui.widgets.message_line import MessageLine
from app.users.roles import Actor

LOOKUP = "look up device"


class FieldEdit(QLineEdit):
    """Enter goes to the next field (the last field's Enter opens the ticket)."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.entered.emit()
            return
        super().keyPressEvent(event)


def parse_promised(text: str, today: date | None = None) -> date | None:
    """'' -> none; '+3' -> in three days; '2026-12-24' -> that day."""
    raw = text.strip()
    if not raw:
        return None
    day = today or date.today()
    if raw.startswith("+") and raw[1:].isdigit():
        return day + timedelta(days=int(raw[1:]))
    try:
        promised = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"promised date {raw[:20]!r}: write YYYY-MM-DD or +days") from None
    if promised < day:
        raise InvalidInput("the promised date is in the past")
    return promised


class IntakePage(QWidget):
    """Signals: opened(TicketRecord) once the ticket is written."""

    opened = Signal(object)
    problem = Signal(str)

    def __init__(
        self,
        store: Store,
        fmt: ShopFormat,
        shop: ShopSettings,
        *,
        message: MessageLine | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("IntakePage")
        self._store = store
        self._fmt = fmt
        self._actor: Actor | None = None
        self.found: DeviceLookup | None = None
        self._sent = False  # the ticket is on its way or written: Enter again makes nothing
        self._looking = False  # a look-up is on its way
        self._submit_waiting = False  # Ctrl+Enter came before the look-up's answer
        # The view's one message line when given: a line of its own would push the page
        # down as it appears, under the pointer.
        self.message = message or MessageLine(till=True, collapse=True)
        self.ops = Ops(store, self, show_problem=self.message.show_problem)

        self.serial_edit = FieldEdit()
        self.serial_edit.setObjectName("IntakeSerial")
        self.serial_edit.setPlaceholderText("Scan or type the serial or IMEI — Enter")
        self.sku_box = QComboBox()
        self.sku_box.setObjectName("IntakeSku")
        self.sku_label = QLabel("Which item?")
        self.device_edit = FieldEdit()
        self.device_edit.setObjectName("IntakeDevice")
        self.device_edit.setPlaceholderText("Make and model (a device we did not sell)")
        self.device_label = QLabel("Device")
        self.warranty = WarrantyPanel()
        self.warranty.setText("Scan the device to see its sale, customer and warranty.")
        self.customer_box = CustomerBox(store, host=self)

        self.problem_edit = FieldEdit()
        self.problem_edit.setObjectName("IntakeProblem")
        self.problem_edit.setPlaceholderText("What is wrong, in the customer's words")
        self.checks: list[QCheckBox] = [QCheckBox(text) for text in shop.ticket_checklist]
        checks = QGridLayout()
        checks.setContentsMargins(0, 0, 0, 0)
        for n, box in enumerate(self.checks):
            checks.addWidget(box, n // 3, n % 3)
        self.condition_edit = FieldEdit()
        self.condition_edit.setPlaceholderText("Other marks or damage")
        self.accessories_edit = FieldEdit()
        self.accessories_edit.setPlaceholderText("Charger, case, SIM…")
        self.estimate_edit = FieldEdit()
        self.estimate_edit.setPlaceholderText("e.g. 45.00 (empty: none)")
        self.promised_edit = FieldEdit()
        self.promised_edit.setPlaceholderText("YYYY-MM-DD or +3 (days)")
        self.technician_box = QComboBox()
        self.technician_box.addItem("(not yet)", None)
        self.priority_box = QComboBox()
        for p in Priority:
            self.priority_box.addItem(p.value, p.value)
        self.priority_box.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        self.passcode_edit = FieldEdit()
        self.passcode_edit.setObjectName("IntakePasscode")
        self.passcode_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passcode_edit.setPlaceholderText("Kept encrypted, never printed")
        keyed_action(self, "Customer", "F4", self.customer_box.focus_search)  # as at the till
        self.submit_action, self.submit_button = keyed_action(
            self, "Open ticket", "Ctrl+Return", self.submit, object_name="PrimaryButton"
        )

        self.serial_edit.entered.connect(self.look_up)
        self.sku_box.activated.connect(lambda _i: self.look_up())
        chain = [
            self.device_edit, self.problem_edit, self.condition_edit, self.accessories_edit,
            self.estimate_edit, self.promised_edit, self.passcode_edit,
        ]  # fmt: skip
        for edit, after in pairwise(chain):
            edit.entered.connect(after.setFocus)
        self.passcode_edit.entered.connect(self.submit)
        self.customer_box.leave.connect(self.problem_edit.setFocus)

        device = QFormLayout()
        device.addRow("Serial / IMEI", self.serial_edit)
        device.addRow(self.sku_label, self.sku_box)
        device.addRow(self.device_label, self.device_edit)
        left = QVBoxLayout()
        left.addLayout(device)
        left.addWidget(self.warranty)
        left.addWidget(self.customer_box)
        left.addStretch(1)
        form = QFormLayout()
        form.addRow("Problem", self.problem_edit)
        form.addRow("Condition", checks)
        form.addRow("", self.condition_edit)
        form.addRow("Accessories", self.accessories_edit)
        form.addRow("Estimate", self.estimate_edit)
        form.addRow("Promised", self.promised_edit)
        form.addRow("Technician", self.technician_box)
        form.addRow("Priority", self.priority_box)
        form.addRow("Passcode", self.passcode_edit)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(self.submit_button, alignment=Qt.AlignmentFlag.AlignRight)
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 5)
        columns.addLayout(right, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if message is None:
            layout.addWidget(self.message)
        layout.addLayout(columns, 1)
        self.start("")

    # ------------------------------------------------------------ the view's side

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.customer_box.set_actor(actor)
        self.submit_action.setEnabled(actor is not None)

    def set_technicians(self, technicians: list[Actor]) -> None:
        chosen = self.technician_box.currentData()
        self.technician_box.clear()
        self.technician_box.addItem("(not yet)", None)
        for tech in technicians:
            self.technician_box.addItem(tech.name, tech.id)
        self.technician_box.setCurrentIndex(max(self.technician_box.findData(chosen), 0))

    def start(self, serial: str) -> None:
        """A new, empty intake; with a serial (a scan), its look-up starts at once."""
        self._sent = self._looking = self._submit_waiting = False
        self.found = None
        self.ops.forget(LOOKUP)
        for edit in (self.serial_edit, self.device_edit, self.problem_edit,
                     self.condition_edit, self.accessories_edit, self.estimate_edit,
                     self.promised_edit, self.passcode_edit):  # fmt: skip
            edit.clear()
        for box in self.checks:
            box.setChecked(False)
        self.priority_box.setCurrentIndex(list(Priority).index(Priority.NORMAL))
        self.technician_box.setCurrentIndex(0)
        self.customer_box.reset()
        self._show_skus(())
        self._show_device_field(False)
        self.warranty.setText("Scan the device to see its sale, customer and warranty.")
        self.message.clear()
        self.serial_edit.setText(serial.strip())
        if serial.strip():
            self.look_up()
        else:
            self.serial_edit.setFocus()

    def takes_scan(self, code: str) -> bool:
        """A scan while this intake waits for its device fills the serial (True); a scan
        of the device already shown is taken too. Anything else starts elsewhere."""
        raw = code.strip()
        if TICKET_NUMBER.match(raw):
            return False
        if self.found is None and not self._looking:
            self.serial_edit.setText(raw)
            self.look_up()
            return True
        return self.found is not None and raw.lower() == self.found.serial.lower()

    def focus_search(self) -> None:
        self.serial_edit.setFocus()
        self.serial_edit.selectAll()

    # ------------------------------------------------------------ the device

    def look_up(self) -> None:
        actor, serial = self._actor, self.serial_edit.text().strip()
        if actor is None or not serial:
            return
        sku = self.sku_box.currentData() if self.sku_box.isVisible() else None
        store = self._store
        self._looking = True
        if self.serial_edit.hasFocus():
            self.problem_edit.setFocus()  # typing on while the answer comes
        self.ops.latest(
            lambda: look_up_device(store, actor, serial, sku=sku),
            success=self._found,
            failure=self._not_found,
            name=LOOKUP,
        )

    def _found(self, found: DeviceLookup) -> None:
        self._looking = False
        self.found = found
        self.message.clear()
        self.warranty.setText(lookup_html(self._fmt, found))
        foreign = found.unit_id is None and not found.item_name
        self._show_device_field(found.unit_id is None)
        if found.customer_id is not None:
            self.customer_box.set_customer(found.customer_id, found.customer or "")
        if foreign and not self.problem_edit.text() and not self.device_edit.text():
            self.device_edit.setFocus()
        if self._submit_waiting:
            self._submit_waiting = False
            self.submit()

    def _not_found(self, error: UserError) -> None:
        self._looking = self._submit_waiting = False
        if isinstance(error, SerialIsAmbiguous):
            self._show_skus(error.skus)
            self.message.show_info(error.message)
            self.sku_box.setFocus()
            self.sku_box.showPopup()
            return
        self.found = None
        self.message.show_problem(error.message)

    def _show_skus(self, skus: tuple[str, ...]) -> None:
        self.sku_box.clear()
        for sku in skus:
            self.sku_box.addItem(sku, sku)
        self.sku_box.setVisible(bool(skus))
        self.sku_label.setVisible(bool(skus))

    def _show_device_field(self, shown: bool) -> None:
        self.device_edit.setVisible(shown)
        self.device_label.setVisible(shown)

    # ------------------------------------------------------------ the ticket

    def intake(self) -> Intake:
        """What the form says, checked for what only the form knows (money, dates)."""
        if self.found is None:
            raise InvalidInput("scan or type the device's serial first (Enter looks it up)")
        if self.serial_edit.text().strip().lower() != self.found.serial.lower():
            raise InvalidInput("the serial changed: press Enter in it to look it up again")
        estimate_text = self.estimate_edit.text().strip()
        code = self.passcode_edit.text()
        return Intake(
            serial=self.found.serial,
            sku=self.found.sku,
            device=self.device_edit.text() or None,
            problem=self.problem_edit.text(),
            customer_id=self.customer_box.customer_id,
            condition=tuple(box.text() for box in self.checks if box.isChecked()),
            condition_note=self.condition_edit.text(),
            accessories=self.accessories_edit.text(),
            estimate=parse_money(estimate_text, field="estimate") if estimate_text else None,
            promised=parse_promised(self.promised_edit.text()),
            technician_id=self.technician_box.currentData(),
            priority=Priority(self.priority_box.currentData()),
            passcode=code if code else None,
        )

    def submit(self) -> None:
        """Opens the ticket, once."""
        actor = self._actor
        if actor is None or self._sent:
            return
        if self._looking:
            self._submit_waiting = True
            return
        try:
            intake = self.intake()
        except UserError as exc:
            self.message.show_problem(exc.message)
            return
        self._sent = True
        store = self._store

        def refused(error: UserError) -> None:
            self._sent = False
            self.message.show_problem(error.message)

        self.ops.run(
            lambda: open_ticket(store, actor, intake),
            success=self._opened,
            failure=refused,
            changes={Change.TICKETS},
            name="open ticket",
        )

    def _opened(self, ticket: TicketRecord) -> None:
        self.passcode_edit.clear()  # not kept on screen a moment longer than needed
        self.opened.emit(ticket)
