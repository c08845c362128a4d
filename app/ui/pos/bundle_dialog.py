"""A bundle at the till: one scan for each serialized component unit, in order.

The steps list shows every serial asked for and the ones taken; below it, the in-stock
units of the component asked for now (at this till's location) to pick from. A scan or a
typed serial not in that list is resolved by the store (on a worker) like any scan. A unit
of the wrong item, one already in the cart or in this bundle, or one that cannot be sold
is refused on the spot and the same component is asked for again.
"""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import UserError
from app.ids import UnitId
from app.pos.cart import CartLine
from app.scan import (
    PickBundleUnits,
    ScannedUnit,
    ScanResult,
    SerialChoice,
    UnitScan,
    UnknownScan,
    resolve_scan,
)
from app.ui.ops import Ops
from app.ui.pos.keyed import key_button
from app.ui.pos.unit_list import UnitList
from app.ui.widgets.message_line import sentence
from app.users.roles import Actor


class BundleSerialsDialog(QDialog):
    """Accepted with `line`: the bundle's cart line carrying one unit per serial asked."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        location: str,
        step: PickBundleUnits,
        taken: Collection[UnitId],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("BundleSerialsDialog")
        self.setWindowTitle("SerialPOS — Bundle serials")
        self.line: CartLine | None = None
        self.chosen: list[ScannedUnit] = []
        self._store, self._actor, self._location = store, actor, location
        self._step = step
        self._asks = step.asks
        self._taken = set(taken)
        self._ops = Ops(store, self, show_problem=self._problem)

        b = step.bundle
        heading = QLabel(f"{b.name} ({b.sku}): scan each component's serial")
        heading.setObjectName("DialogTitle")
        heading.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setObjectName("BundleSteps")
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setMaximumHeight(26 * len(self._asks) + 12)
        self.prompt = QLabel()
        self.prompt.setObjectName("DialogHint")
        self.prompt.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("SerialFilter")
        self.filter_edit.setPlaceholderText("Serial")
        self.units = UnitList()
        self.units.itemActivated.connect(self._pick_item)
        self.filter_edit.textEdited.connect(self.units.narrow_to)
        self.filter_edit.returnPressed.connect(self._enter)
        bulk = [n.component for n in step.components if not n.component.serialized]
        self.bulk_note = QLabel(
            "Also in the kit, taken by quantity: " + ", ".join(f"{c.qty} x {c.name}" for c in bulk)
        )
        self.bulk_note.setObjectName("DialogHint")
        self.bulk_note.setWordWrap(True)
        self.bulk_note.setVisible(bool(bulk))
        self.message = QLabel()
        self.message.setObjectName("DialogProblem")
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(key_button("Cancel", "Esc", self.reject))
        buttons.addStretch(1)
        pick = key_button("Take this unit", "Return", self._enter)
        pick.setObjectName("PrimaryButton")
        buttons.addWidget(pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(self.steps)
        layout.addWidget(self.prompt)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.units, 1)
        layout.addWidget(self.bulk_note)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(640, 520)
        self._show_step()
        self.filter_edit.setFocus()

    # ------------------------------------------------------------------ taking units

    def take_scan(self, code: str) -> None:
        """A scan while the dialog is open: a listed unit at once, else the store's answer."""
        wanted = code.strip().casefold()
        if not wanted:
            return
        unit = self.units.unit_scanned(code)
        if unit is not None:
            self.offer(unit)
            return
        store, actor, location = self._store, self._actor, self._location
        self._ops.run(
            lambda: resolve_scan(store, actor, code, location=location),
            success=self._resolved,
            failure=lambda error: self._problem(error.message),
            name="bundle serial",
        )

    def offer(self, unit: ScannedUnit) -> None:
        """One unit for the component asked for now: taken, or refused with the reason."""
        ask = len(self.chosen)
        if ask >= len(self._asks):
            return
        taken = self._taken | {u.unit_id for u in self.chosen}
        problem = self._step.refusal(ask, unit, taken)
        if problem:
            self._problem(problem)
            return
        self.chosen.append(unit)
        self.message.clear()
        if len(self.chosen) < len(self._asks):
            self._show_step()
            return
        try:
            self.line = self._step.line(self.chosen, self._taken)
        except UserError as exc:  # pragma: no cover - offer() checked each unit already
            self._problem(exc.message)
            return
        self.accept()

    def _resolved(self, result: ScanResult) -> None:
        if len(self.chosen) >= len(self._asks):
            return
        wanted = self._asks[len(self.chosen)].component
        match result:
            case UnitScan(unit):
                self.offer(unit)
            case SerialChoice(units):
                fit = [u for u in units if u.item.id == wanted.item_id]
                if fit:
                    self.offer(fit[0])
                else:
                    self._problem(f"{units[0].serial} is not the serial of a {wanted.name}")
            case UnknownScan(_code, message):
                self._problem(message)
            case _:
                self._problem("that is not a unit's serial: scan the serial on the component")

    # ------------------------------------------------------------------ showing

    def _show_step(self) -> None:
        ask = len(self.chosen)
        self.steps.clear()
        for number, need in enumerate(self._asks, 1):
            c = need.component
            got = self.chosen[number - 1].serial if number <= ask else ""
            state = f"  ✓ {got}" if got else ("  ← scan now" if number == ask + 1 else "")
            self.steps.addItem(f"{number}. {c.name} ({c.sku}){state}")
        self.steps.setCurrentRow(ask)
        need = self._asks[ask]
        more = " (the first ones; scan or type the serial to find others)"
        self.prompt.setText(
            f"Scan the {need.component.name}'s serial, or pick it from the units in stock at"
            f" {self._location}{more if need.more_here else ''}:"
        )
        taken = self._taken | {u.unit_id for u in self.chosen}
        self.units.show_units(u for u in need.units_here if u.unit_id not in taken)
        self.filter_edit.clear()

    def _enter(self) -> None:
        typed = self.filter_edit.text().strip()
        unit = self.units.highlighted()
        if unit is not None:
            self.offer(unit)
        elif typed:
            self.take_scan(typed)

    def _pick_item(self, item: QListWidgetItem) -> None:
        self.offer(self.units.unit_at(item))

    def _problem(self, message: str) -> None:
        self.message.setText(sentence(message))
        self.filter_edit.selectAll()
