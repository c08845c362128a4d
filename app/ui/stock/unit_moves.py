"""What the stock manager does to units chosen in the list: transfer them, write them off,
change one unit's warranty end. Each dialog writes through one service call on a worker
and closes once the store has it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.config import ShopSettings
from app.db.uow import Store
from app.events import Change
from app.stock import queries
from app.stock.moves import transfer_units, write_off
from app.stock.records import LocationRecord, UnitRecord
from app.stock.warranty import WarrantyChange, change_warranty_end, unit_audit
from app.ui.formatting import ShopFormat
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.audit import AuditRow
from app.users.roles import Actor

OTHER_REASON = "Other (type it)…"


def _common_sku(units: Sequence[UnitRecord]) -> str | None:
    """The one item all units share, else None (the service then finds each serial)."""
    skus = {u.sku for u in units}
    return skus.pop() if len(skus) == 1 else None


def _units_text(units: Sequence[UnitRecord]) -> str:
    shown = ", ".join(u.serial for u in units[:6])
    more = f" and {len(units) - 6:,} more" if len(units) > 6 else ""
    return f"{len(units):,} unit{'s' if len(units) != 1 else ''}: {shown}{more}"


class _UnitsDialog(QDialog):
    """The frame the three share: a title, the units, a form, a message line, buttons."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        units: Sequence[UnitRecord],
        title: str,
        action: str,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"SerialPOS — {title}")
        self._store = store
        self._actor = actor
        self.units = list(units)
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        heading = QLabel(title)
        heading.setObjectName("DialogTitle")
        which = QLabel(_units_text(units))
        which.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.ok_button = QPushButton(action)
        self.ok_button.setObjectName("PrimaryButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.go)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(22, 18, 22, 16)
        self.body.addWidget(heading)
        self.body.addWidget(which)
        self.body.addLayout(self.form)
        self.body.addLayout(buttons)
        self.setMinimumWidth(520)
        self.done_text = ""

    def go(self) -> None:
        raise NotImplementedError

    def _run(self, work: Callable[[], str]) -> None:
        self.message.show_info("Working…")
        self._ops.run(
            work,
            success=self._finished,
            failure=self._refused,
            changes={Change.UNITS},
            name="write",
        )

    def _finished(self, text: str) -> None:
        self.done_text = text
        self.accept()

    def _refused(self, error: object) -> None:
        self.message.show_problem(f"Nothing changed: {getattr(error, 'message', error)}")


class TransferDialog(_UnitsDialog):
    """The chosen units to one location, all of them or none."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        units: Sequence[UnitRecord],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, units, "Transfer units", "Transfer", parent)
        self.setObjectName("TransferDialog")
        self.location_box = QComboBox()
        self.location_box.setMinimumWidth(220)
        self.form.addRow("&To location", self.location_box)
        self.ok_button.setEnabled(False)
        self._ops.run(
            lambda: queries.list_locations(store, actor), success=self._locations, name="places"
        )

    def _locations(self, locations: list[LocationRecord]) -> None:
        here = {u.location for u in self.units}
        self.location_box.clear()
        for loc in locations:
            self.location_box.addItem(
                loc.name + ("" if loc.sellable else "  (not sellable)"), loc.name
            )
        others = [n for n, loc in enumerate(locations) if loc.name not in here]
        if others:
            self.location_box.setCurrentIndex(others[0])
        self.ok_button.setEnabled(bool(locations))
        self.location_box.setFocus()

    def go(self) -> None:
        target = self.location_box.currentData()
        if not target:
            self.message.show_problem("Choose where the units go.")
            return
        store, actor = self._store, self._actor
        serials, sku = [u.serial for u in self.units], _common_sku(self.units)

        def work() -> str:
            moved = transfer_units(store, actor, serials, to_location=target, sku=sku)
            return f"{len(moved):,} unit{'s' if len(moved) != 1 else ''} moved to {target}."

        self._run(work)


class WriteOffDialog(_UnitsDialog):
    """The chosen units out of stock with a reason; a manager approves (their PIN) when the
    one acting is not a manager."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        units: Sequence[UnitRecord],
        shop: ShopSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, units, "Write off", "Write off…", parent)
        self.setObjectName("WriteOffDialog")
        self.reason_box = QComboBox()
        self.reason_box.addItems([*shop.write_off_reasons, OTHER_REASON])
        self.other_edit = QLineEdit()
        self.other_edit.setPlaceholderText("The reason, in a few words")
        self.form.addRow("&Reason", self.reason_box)
        self.form.addRow("", self.other_edit)
        self.reason_box.currentTextChanged.connect(self._reason_changed)
        self._reason_changed(self.reason_box.currentText())
        self.reason_box.setFocus()

    def _reason_changed(self, text: str) -> None:
        other = text == OTHER_REASON
        self.other_edit.setEnabled(other)
        if other:
            self.other_edit.setFocus()

    def reason(self) -> str:
        text = self.reason_box.currentText()
        return self.other_edit.text().strip() if text == OTHER_REASON else text

    def go(self) -> None:
        reason = self.reason()
        if not reason:
            self.message.show_problem("Say why the units are written off.")
            return
        what = f"write off {_units_text(self.units)} ({reason})"
        go_on, approver = asking.approval(self._store, self._actor, what, self)
        if not go_on:
            return
        store, actor = self._store, self._actor
        units = list(self.units)

        def work() -> str:
            # One unit a call, as the service takes them; a refusal stops at that unit.
            for unit in units:
                write_off(store, actor, unit.serial, reason=reason, sku=unit.sku, approver=approver)
            return f"{len(units):,} unit{'s' if len(units) != 1 else ''} written off ({reason})."

        self._run(work)


AUDIT_COLUMNS_TITLE = "Changes so far"


def audit_columns(fmt: ShopFormat) -> list[Column[AuditRow]]:
    return [
        Column("at", "When", lambda r: fmt.moment(r.at), width=140),
        Column("user", "Who", lambda r: r.user, width=90),
        Column("approved", "Approved by", lambda r: r.approved_by or "", width=95),
        Column(
            "detail",
            "What",
            lambda r: r.detail,
            stretch=True,
            width=260,
            tooltip=lambda r: r.detail,
        ),
    ]


class WarrantyDialog(_UnitsDialog):
    """One sold unit's customer-warranty end: a new date and why, approved by a manager;
    the unit's audit rows (earlier edits, write-offs) under it."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        unit: UnitRecord,
        fmt: ShopFormat,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(store, actor, [unit], "Warranty end", "Change…", parent)
        self.setObjectName("WarrantyDialog")
        self.unit = unit
        now = f"{fmt.day(unit.warranty_start)} → {fmt.day(unit.warranty_end)}"
        self.current_label = QLabel(now if unit.warranty_start else "Not sold: no warranty yet")
        self.end_edit = QDateEdit()
        self.end_edit.setCalendarPopup(True)
        self.end_edit.setDisplayFormat("yyyy-MM-dd")
        start = unit.warranty_end or unit.warranty_start or date.today()
        self.end_edit.setDate(QDate(start.year, start.month, start.day))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("e.g. goodwill after repair R-1042")
        self.form.addRow("Warranty now", self.current_label)
        self.form.addRow("New &end", self.end_edit)
        self.form.addRow("&Reason", self.reason_edit)
        self.audit_model: RecordTableModel[AuditRow] = RecordTableModel(audit_columns(fmt), self)
        self.audit_table = ShopTable(empty_text="No changes recorded for this unit")
        self.audit_table.setModel(self.audit_model)
        apply_column_defaults(self.audit_table, self.audit_model.columns)
        self.audit_table.setMinimumHeight(150)
        self.body.insertWidget(3, QLabel(AUDIT_COLUMNS_TITLE))
        self.body.insertWidget(4, self.audit_table)
        self.setMinimumWidth(880)  # the audit line (old → new; reason) reads whole
        self.end_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._load_audit()

    def _load_audit(self) -> None:
        store, actor, unit = self._store, self._actor, self.unit
        self._ops.run(
            lambda: unit_audit(store, actor, unit.serial, sku=unit.sku),
            success=self.audit_model.set_records,
            name="audit",
        )

    def new_end(self) -> date:
        picked = self.end_edit.date()
        return date(picked.year(), picked.month(), picked.day())

    def go(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.message.show_problem("Say why the warranty changes.")
            self.reason_edit.setFocus()
            return
        end = self.new_end()
        what = f"change {self.unit.serial}'s warranty end to {end.isoformat()} ({reason})"
        go_on, approver = asking.approval(self._store, self._actor, what, self)
        if not go_on:
            return
        store, actor, unit = self._store, self._actor, self.unit

        def work() -> str:
            change: WarrantyChange = change_warranty_end(
                store,
                actor,
                unit.serial,
                end=end,
                reason=reason,
                sku=unit.sku,
                approver=approver,
            )
            return f"{change.serial}'s warranty now ends {change.new_end.isoformat()}."

        self._run(work)
