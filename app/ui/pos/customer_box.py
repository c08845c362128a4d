"""Who is buying, in the cart area: search as you type, quick add, or nobody at all.

Never a modal: the box lights up when the sale holds serialized units (the warranty is
theirs), but the cashier can always go on to the payment with an anonymous sale.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.customers.services import CustomerRecord, add_customer, search_customers
from app.db.uow import Store
from app.errors import UserError
from app.events import Change
from app.ui.ops import Ops
from app.ui.pos.keyed import keyed_action
from app.ui.widgets.message_line import sentence
from app.users.roles import Actor

SEARCH_DELAY_MS = 150  # a name's keystrokes, not one query per key
SHOWN_RESULTS = 6
ANONYMOUS = "Anonymous sale"
ATTENTION_HINT = "Serialized units in the sale: add the customer for the warranty"


class _KeyedEdit(QLineEdit):
    """A line edit that hands Down and Escape to its owner."""

    down = Signal()
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        super().keyPressEvent(event)


class _ResultList(QListWidget):
    """Search results: Enter picks, Escape or Up from the first row goes back to the search."""

    back = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape or (
            event.key() == Qt.Key.Key_Up and self.currentRow() <= 0
        ):
            self.back.emit()
            return
        super().keyPressEvent(event)


class QuickAddForm(QWidget):
    """Name (required), phone, e-mail; Enter adds, Escape gives up."""

    submitted = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name_edit = self._edit("Name (required)")
        self.phone_edit = self._edit("Phone")
        self.email_edit = self._edit("E-mail")
        self.add_button = QPushButton("Add customer   Enter")
        self.add_button.setObjectName("PrimaryButton")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(self.submitted)
        self.cancel_button = QPushButton("Cancel   Esc")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.cancelled)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.name_edit, 0, 0, 1, 2)
        grid.addWidget(self.phone_edit, 1, 0)
        grid.addWidget(self.email_edit, 1, 1)
        grid.addWidget(self.cancel_button, 2, 0)
        grid.addWidget(self.add_button, 2, 1)

    def _edit(self, placeholder: str) -> _KeyedEdit:
        edit = _KeyedEdit()
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(self.submitted)
        edit.escape.connect(self.cancelled)
        return edit

    def start(self, typed: str) -> None:
        """Opens the form with what was searched for: digits are a phone, '@' an e-mail."""
        for edit in (self.name_edit, self.phone_edit, self.email_edit):
            edit.clear()
        typed = typed.strip()
        if typed.replace(" ", "").replace("+", "").replace("-", "").isdigit():
            self.phone_edit.setText(typed)
        elif "@" in typed:
            self.email_edit.setText(typed)
        else:
            self.name_edit.setText(typed)
        self.show()
        self.name_edit.setFocus()


_SEARCH = "customer search"


class CustomerBox(QFrame):
    """Signals: `chosen(id or None, label)` when the customer changes; `leave()` when the
    cashier is done here (Escape, or a customer picked) and the scan field takes over."""

    chosen = Signal(object, str)
    leave = Signal()

    def __init__(self, store: Store, host: QWidget, parent: QWidget | None = None) -> None:
        """`host` is the view or dialog holding the box: its keys (Ctrl+N) work anywhere in it."""
        super().__init__(parent)
        self.setObjectName("CustomerBox")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._store = store
        self._actor: Actor | None = None
        self._customer_id: int | None = None
        self._ops = Ops(store, self, show_problem=self._say)
        self._searching = ""  # the text whose matches are on their way
        self._enter_waiting = False
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_now)

        title = QLabel("Customer   F4")
        title.setObjectName("CustomerTitle")
        self.hint = QLabel(ATTENTION_HINT)
        self.hint.setObjectName("CustomerHint")
        self.hint.setWordWrap(True)
        self.hint.hide()
        self.current = QLabel(ANONYMOUS)
        self.current.setObjectName("CustomerCurrent")
        self.current.setWordWrap(True)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("FlatButton")
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.remove_button.clicked.connect(self.remove_customer)
        self.remove_button.hide()

        self.search_edit = _KeyedEdit()
        self.search_edit.setObjectName("CustomerSearch")
        self.search_edit.setPlaceholderText("Find by name, phone or e-mail")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textEdited.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._enter_in_search)
        self.search_edit.down.connect(self._into_results)
        self.search_edit.escape.connect(self._escape)

        self.results = _ResultList()
        self.results.setObjectName("CustomerResults")
        self.results.itemActivated.connect(self._pick)
        self.results.back.connect(self.search_edit.setFocus)
        self.results.hide()

        self.add_form = QuickAddForm()
        self.add_form.submitted.connect(self._add)
        self.add_form.cancelled.connect(self._cancel_add)
        self.add_form.hide()
        self.new_action, self.new_button = keyed_action(
            host, "New customer", "Ctrl+N", self.start_quick_add
        )
        self.new_button.setObjectName("FlatButton")

        self.message = QLabel()
        self.message.setObjectName("CustomerMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.new_button)
        current = QHBoxLayout()
        current.addWidget(self.current, 1)
        current.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addWidget(self.hint)
        layout.addLayout(current)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results)
        layout.addWidget(self.add_form)
        layout.addWidget(self.message)

    # ------------------------------------------------------------------ the view's side

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        self.setEnabled(actor is not None)

    def set_customer(self, customer_id: int | None, label: str) -> None:
        """Shows who the sale is for (after a resume, a new sale, or a pick here)."""
        self._customer_id = customer_id
        self.current.setText(label if customer_id is not None else ANONYMOUS)
        self._set_flag(self.current, "anonymous", customer_id is None)
        self.remove_button.setVisible(customer_id is not None)

    @property
    def customer_id(self) -> int | None:
        return self._customer_id

    def set_attention(self, on: bool) -> None:
        """Lit up while serialized units are sold to nobody in particular."""
        self.hint.setVisible(on)
        self._set_flag(self, "attention", on)

    def focus_search(self) -> None:
        self.add_form.hide()
        self.search_edit.show()
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def reset(self) -> None:
        """A new sale: nothing searched, nobody chosen."""
        self._search_timer.stop()
        self.search_edit.clear()
        self.results.clear()
        self.results.hide()
        self.add_form.hide()
        self.search_edit.show()
        self._say("")
        self.set_customer(None, "")

    # ------------------------------------------------------------------ searching

    def search_now(self) -> None:
        """The customers matching what is typed, looked up on a worker."""
        self._search_timer.stop()
        text = self.search_edit.text()
        if self._actor is None or not text.strip():
            self._ops.forget(_SEARCH)
            self.results.clear()
            self.results.hide()
            self._searched()
            return
        store, actor = self._store, self._actor
        self._searching = text
        self._ops.latest(
            lambda: search_customers(store, actor, text, limit=SHOWN_RESULTS),
            success=self._show_found,
            failure=self._search_refused,
            name=_SEARCH,
        )

    def _search_refused(self, error: UserError) -> None:
        self.results.clear()
        self._say(error.message)
        self._searched()

    def _show_found(self, found: list[CustomerRecord]) -> None:
        text, self._searching = self._searching, ""
        self.results.clear()
        for record in found:
            item = QListWidgetItem(record.label)
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
            rows = min(len(found), SHOWN_RESULTS)
            self.results.setFixedHeight(rows * self.results.sizeHintForRow(0) + 6)
            self._say("")
        else:
            self._say(f"No customer matches {text.strip()!r} — Enter adds one")
        self.results.setVisible(bool(found))
        self._searched()

    def _searched(self) -> None:
        self._searching = ""
        if self._enter_waiting:  # Enter was pressed before the answer came
            self._enter_waiting = False
            self._act_on_enter()

    def _enter_in_search(self) -> None:
        if self._search_timer.isActive():
            self.search_now()
        if self._searching:
            self._enter_waiting = True
            return
        self._act_on_enter()

    def _act_on_enter(self) -> None:
        item = self.results.currentItem() if self.results.isVisible() else None
        if item is not None:
            self._pick(item)
        elif self.search_edit.text().strip():
            self.start_quick_add()
        else:
            self.leave.emit()

    def _into_results(self) -> None:
        if self.results.count():
            self.results.setVisible(True)
            self.results.setFocus()
            self.results.setCurrentRow(max(self.results.currentRow(), 0))

    def _pick(self, item: QListWidgetItem) -> None:
        record: CustomerRecord = item.data(Qt.ItemDataRole.UserRole)
        self._choose(record)

    def _choose(self, record: CustomerRecord) -> None:
        self.search_edit.clear()
        self.results.clear()
        self.results.hide()
        self.add_form.hide()
        self.search_edit.show()
        self._say("")
        self.set_customer(record.id, record.label)
        self.chosen.emit(record.id, record.label)
        self.leave.emit()

    def remove_customer(self) -> None:
        self.set_customer(None, "")
        self.chosen.emit(None, "")

    def _escape(self) -> None:
        if self.search_edit.text():
            self.search_edit.clear()
            self.results.clear()
            self.results.hide()
            self._say("")
            return
        self.leave.emit()

    # ------------------------------------------------------------------ quick add

    def start_quick_add(self) -> None:
        self._search_timer.stop()
        self.results.hide()
        self._say("")
        self.add_form.start(self.search_edit.text())
        self.search_edit.hide()  # what was searched for is in the form now

    def _add(self) -> None:
        if self._actor is None:
            return
        form, store, actor = self.add_form, self._store, self._actor
        name, phone, email = form.name_edit.text(), form.phone_edit.text(), form.email_edit.text()
        self._ops.run(
            lambda: add_customer(store, actor, name=name, phone=phone, email=email),
            success=self._choose,
            changes={Change.CUSTOMERS},
            name="add customer",
        )

    def _cancel_add(self) -> None:
        self.add_form.hide()
        self.search_edit.show()
        self._say("")
        self.search_edit.setFocus()

    # ------------------------------------------------------------------ helpers

    def _say(self, message: str) -> None:
        self.message.setText(sentence(message))
        self.message.setVisible(bool(message))

    @staticmethod
    def _set_flag(widget: QWidget, name: str, on: bool) -> None:
        """A property the style sheet looks at; the widget restyled only when it changes
        (restyling lays out and repaints the whole till window: every scan calls this)."""
        if widget.property(name) == on:
            return
        widget.setProperty(name, on)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
