"""Editing a unit's customer-warranty end: a reason, a manager's approval, audited.

The sale line keeps the warranty printed on the receipt; the unit's row holds the one in
force, which the ticket intake and the unit list show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from app.db.uow import Store, record
from app.errors import Conflict, InvalidInput
from app.stock.events import WarrantyChanged
from app.stock.lookups import one_unit
from app.stock.models import Item, SerialUnit
from app.text import clean_text
from app.users import audit
from app.users.audit import AuditRow
from app.users.roles import Actor, Permission, require, require_approval
from app.users.standing import require_active

WARRANTY_ACTION = "unit.warranty"
_LATEST = date(2200, 1, 1)  # a typo guard: no warranty runs past this


@dataclass(frozen=True)
class WarrantyChange:
    sku: str
    serial: str
    old_end: date | None
    new_end: date
    reason: str
    approved_by: str


def change_warranty_end(
    store: Store,
    actor: Actor,
    serial: str,
    *,
    end: date,
    reason: str,
    sku: str | None = None,
    approver: Actor | None = None,
) -> WarrantyChange:
    """Sets a unit's customer-warranty end; needs a reason and a manager's approval
    (a manager approves themselves), and is audited with the old and the new end."""
    approved = require_approval(actor, approver, Permission.EDIT_WARRANTY)
    reason = clean_text(reason, field="reason", max_length=200)
    if end >= _LATEST:
        raise InvalidInput(f"warranty end {end.isoformat()} is too far ahead")
    with store.write() as session:
        require_active(session, actor, approved)
        state = one_unit(session, serial, sku)
        unit = session.get_one(SerialUnit, state.id)
        item_sku = session.get_one(Item, unit.item_id).sku
        if unit.warranty_start is None:
            raise Conflict(f"{unit.serial} has no customer warranty (it has not been sold)")
        if end < unit.warranty_start:
            raise InvalidInput(
                f"warranty end {end.isoformat()} is before its start "
                f"{unit.warranty_start.isoformat()}"
            )
        if end == unit.warranty_end:
            raise Conflict(f"{unit.serial}'s warranty already ends on {end.isoformat()}")
        old = unit.warranty_end
        session.execute(update(SerialUnit).where(SerialUnit.id == unit.id).values(warranty_end=end))
        was = old.isoformat() if old else "none"
        detail = f"{item_sku}: warranty end {was} → {end.isoformat()}; {reason}"
        audit.record(session, actor, WARRANTY_ACTION, unit.serial, detail, approver=approved)
        record(session, WarrantyChanged(item_sku, unit.serial))
        return WarrantyChange(item_sku, unit.serial, old, end, reason, approved.name)


def unit_audit(
    store: Store, actor: Actor, serial: str, *, sku: str | None = None
) -> list[AuditRow]:
    """The audit rows about one unit (warranty edits, write-offs), oldest first."""
    require(actor, Permission.VIEW_STOCK)
    with store.read() as session:
        unit = one_unit(session, serial, sku)
        return audit.rows_for(session, unit.serial)
