"""Users (manager only; the services check it): the shop's people and their roles; add
one, change a role, reset a PIN, deactivate someone who left, reactivate with a new PIN."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.events import Change
from app.ui.changes import FollowChanges
from app.ui.formatting import ShopFormat
from app.ui.models.columns import Column, RecordTableModel
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.widgets.message_line import MessageLine
from app.ui.widgets.pin_field import PinField
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.management import (
    UserRecord,
    change_role,
    deactivate_user,
    list_all_users,
    reactivate_user,
    reset_pin,
)
from app.users.roles import ROLE_TITLES, Actor, Permission, Role
from app.users.services import add_user

MANAGER_ONLY_NOTE = "Only a manager can see and change the users."


def user_columns(fmt: ShopFormat) -> list[Column[UserRecord]]:
    return [
        Column("name", "Name", lambda u: u.name, width=160),
        Column("role", "Role", lambda u: ROLE_TITLES[u.role].capitalize(), width=110),
        Column("active", "Status", lambda u: "Active" if u.active else "Deactivated", width=95),
        Column("since", "Since", lambda u: fmt.local_day(u.created_at), stretch=True),
    ]


class UsersPage(QWidget):
    """The list on the left; on the right, the selected user's role and PIN, and a new user."""

    problem = Signal(str)

    def __init__(self, store: Store, fmt: ShopFormat, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("UsersPage")
        self._store = store
        self._actor: Actor | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        self.note = QLabel(MANAGER_ONLY_NOTE)
        self.note.setObjectName("ReadOnlyNote")
        self.model: RecordTableModel[UserRecord] = RecordTableModel(user_columns(fmt), self)
        self.table = ShopTable(empty_text=MANAGER_ONLY_NOTE)
        self.table.setObjectName("UsersTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)

        def roles() -> QComboBox:
            box = QComboBox()
            for role in Role:
                box.addItem(ROLE_TITLES[role].capitalize(), role.value)
            return box

        self.selected_label = QLabel("Select a user")
        self.selected_label.setObjectName("DialogTitle")
        self.role_box = roles()
        self.role_button = QPushButton("Change role")
        self.pin_edit = PinField("New PIN (4 to 8 digits)")
        self.pin_edit.setObjectName("FormPinEdit")  # a form field, not the log-in's big one
        self.pin_button = QPushButton("Reset PIN")
        self.deactivate_button = QPushButton("Deactivate")
        self.reactivate_button = QPushButton("Reactivate with the new PIN")
        chosen = QGroupBox("Selected user")
        chosen_form = QFormLayout(chosen)
        chosen_form.addRow(self.selected_label)
        role_row = QHBoxLayout()
        role_row.addWidget(self.role_box, 1)
        role_row.addWidget(self.role_button)
        chosen_form.addRow("Role", role_row)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin_edit, 1)
        pin_row.addWidget(self.pin_button)
        chosen_form.addRow("PIN", pin_row)
        active_row = QHBoxLayout()
        active_row.addWidget(self.deactivate_button)
        active_row.addWidget(self.reactivate_button)
        chosen_form.addRow(active_row)

        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("Name they log in as")
        self.new_role = roles()
        self.new_role.setCurrentIndex(0)
        self.new_pin = PinField("PIN (4 to 8 digits)")
        self.new_pin.setObjectName("FormPinEdit")
        self.new_pin.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.pin_edit.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.add_button = QPushButton("Add user")
        self.add_button.setObjectName("PrimaryButton")
        new = QGroupBox("New user")
        new_form = QFormLayout(new)
        new_form.addRow("&Name", self.new_name)
        new_form.addRow("R&ole", self.new_role)
        new_form.addRow("P&IN", self.new_pin)
        new_form.addRow("", self.add_button)

        side = QVBoxLayout()
        side.addWidget(chosen)
        side.addWidget(new)
        side.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.note)
        left.addWidget(self.table, 1)
        left.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(left, 3)
        layout.addLayout(side, 2)

        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.role_button.clicked.connect(self.change_role)
        self.pin_button.clicked.connect(self.reset_pin)
        self.pin_edit.returnPressed.connect(self.reset_pin)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.reactivate_button.clicked.connect(self.reactivate)
        self.add_button.clicked.connect(self.add)
        self.new_pin.returnPressed.connect(self.add)
        self.follow = FollowChanges(self, store, (Change.USERS,), self.refresh)

    @property
    def may_manage(self) -> bool:
        return self._actor is not None and self._actor.can(Permission.MANAGE_USERS)

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.note.setVisible(actor is not None and not self.may_manage)
        for widget in (
            self.role_box,
            self.role_button,
            self.pin_edit,
            self.pin_button,
            self.deactivate_button,
            self.reactivate_button,
            self.new_name,
            self.new_role,
            self.new_pin,
            self.add_button,
        ):
            widget.setEnabled(self.may_manage)
        self.refresh()

    def refresh(self) -> None:
        if not self.may_manage:
            self.model.set_records([])
            return
        store, actor = self._store, self._actor
        assert actor is not None
        self._ops.latest(lambda: list_all_users(store, actor), success=self._show, name="users")

    def focus_search(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show(self, users: list[UserRecord]) -> None:
        chosen = self.selected()
        self.model.set_records(users)
        names = [u.name for u in users]
        row = names.index(chosen.name) if chosen is not None and chosen.name in names else 0
        if users:
            self.table.selectRow(row)

    def selected(self) -> UserRecord | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.record(index.row())

    def select_user(self, name: str) -> None:
        names = [u.name for u in self.model.records()]
        if name in names:
            self.table.selectRow(names.index(name))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        user = self.model.record(current.row())
        self.selected_label.setText(f"{user.name} — {'active' if user.active else 'deactivated'}")
        self.role_box.setCurrentIndex(self.role_box.findData(user.role.value))
        self.deactivate_button.setEnabled(self.may_manage and user.active)
        self.reactivate_button.setEnabled(self.may_manage and not user.active)

    def _write(self, work: Callable[[], UserRecord | Actor], done: str) -> None:
        self._ops.run(
            work,
            success=lambda _u: self.message.show_done(done),
            failure=lambda e: self.message.show_problem(f"Nothing changed: {e.message}"),
            changes={Change.USERS},
            name="write",
        )

    def _chosen(self) -> UserRecord | None:
        user = self.selected()
        if user is None or self._actor is None:
            self.message.show_problem("Select a user first.")
            return None
        return user

    def change_role(self) -> None:
        user = self._chosen()
        if user is None:
            return
        store, actor, role = self._store, self._actor, Role(self.role_box.currentData())
        assert actor is not None
        title = ROLE_TITLES[role]
        self._write(
            lambda: change_role(store, actor, user.name, role), f"{user.name} is now {title}."
        )

    def reset_pin(self) -> None:
        user = self._chosen()
        if user is None:
            return
        store, actor, pin = self._store, self._actor, self.pin_edit.text()
        assert actor is not None
        self.pin_edit.clear()
        self._write(
            lambda: reset_pin(store, actor, user.name, pin), f"{user.name}'s PIN was reset."
        )

    def deactivate(self) -> None:
        user = self._chosen()
        if user is None:
            return
        if not asking.confirm(
            self,
            "Deactivate user",
            f"Deactivate {user.name}? They can no longer log in or act.",
            action="Deactivate",
        ):
            return
        store, actor = self._store, self._actor
        assert actor is not None
        self._write(lambda: deactivate_user(store, actor, user.name), f"{user.name} deactivated.")

    def reactivate(self) -> None:
        user = self._chosen()
        if user is None:
            return
        store, actor, pin = self._store, self._actor, self.pin_edit.text()
        assert actor is not None
        if not pin:
            self.message.show_problem("Type their new PIN first, then Reactivate.")
            self.pin_edit.setFocus()
            return
        self.pin_edit.clear()
        self._write(
            lambda: reactivate_user(store, actor, user.name, pin), f"{user.name} reactivated."
        )

    def add(self) -> None:
        if self._actor is None:
            return
        store, actor = self._store, self._actor
        name, pin = self.new_name.text(), self.new_pin.text()
        role = Role(self.new_role.currentData())

        def work() -> Actor:
            return add_user(store, actor, name=name, role=role, pin=pin)

        def added(_user: Actor) -> None:
            self.new_name.clear()
            self.new_pin.clear()
            self.message.show_done(f"{name.strip()} added.")

        self._ops.run(
            work,
            success=added,
            failure=lambda e: self.message.show_problem(f"Not added: {e.message}"),
            changes={Change.USERS},
            name="add",
        )
