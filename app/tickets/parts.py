"""Parts and labour on a ticket.

A serialized part is scanned by serial and moves `in_stock -> used` through the ledger with
the ticket's number as its document (so it shows in the part's history); a bulk part comes
off a location's quantity with a ledger row; labour is a priced line. Under warranty
(the customer's warranty ran on intake day) lines are free unless a manager overrides.
Removing a line before collection puts the part back where it came from (ledger again).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.types import utcnow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.stock.ledger import UnitState, load_unit_states, move_bulk, move_unit
from app.stock.lifecycle import Move, describe_state
from app.stock.lookups import get_location
from app.stock.models import Item, SerialUnit, UnitStatus
from app.stock.serials import serial_key
from app.text import clean_text
from app.tickets.common import changed, get_open_ticket
from app.tickets.intake import SerialIsAmbiguous
from app.tickets.models import Ticket, TicketLine
from app.tickets.records import TicketRecord
from app.users import audit
from app.users.roles import Actor, Permission, Role, require

PART, BULK, LABOUR = "part", "bulk", "labour"


def _charged(
    session: Session, actor: Actor, ticket: Ticket, list_price: int, override_by: Actor | None
) -> tuple[int, int | None]:
    """(price charged, approving manager): free under warranty unless a manager overrides."""
    if not ticket.under_warranty:
        return list_price, None
    if override_by is None:
        return 0, None
    if override_by.role is not Role.MANAGER:
        raise PermissionDenied(f"{override_by.name} is not a manager and cannot approve a charge")
    audit.record(
        session, actor, "ticket.charge_override", ticket.number,
        f"charged {list_price} under warranty", approver=override_by,
    )  # fmt: skip
    return list_price, override_by.id


def _part_unit(session: Session, serial: str, sku: str | None) -> tuple[UnitState, Item]:
    """The in-stock unit with this serial; the reason if it is not in stock."""
    query = (
        select(SerialUnit.id, Item)
        .join(Item, Item.id == SerialUnit.item_id)
        .where(SerialUnit.serial_key == serial_key(serial))
        .order_by(Item.sku)
    )
    if sku:
        query = query.where(func.lower(Item.sku) == sku.strip().lower())
    rows = session.execute(query).all()
    if not rows:
        raise NotFound(f"no unit with serial {serial.strip()!r}")
    if len(rows) > 1:
        raise SerialIsAmbiguous(serial.strip(), tuple(item.sku for _, item in rows))
    unit_id, item = rows[0]
    (unit,) = load_unit_states(session, [unit_id])
    if unit.status != UnitStatus.IN_STOCK:
        state = describe_state(unit.status, unit.location, unit.customer)
        raise Conflict(f"{unit.serial} {state}: cannot use it as a part")
    return unit, item


def use_part(
    store: Store,
    actor: Actor,
    number: str,
    serial: str,
    *,
    sku: str | None = None,
    override_by: Actor | None = None,
) -> TicketRecord:
    """Puts a scanned serialized part on the ticket: the unit goes `in_stock -> used`
    (ledger row, document = the ticket number) and a line at the item's price."""
    require(actor, Permission.TICKETS)
    with store.write() as session:
        ticket = get_open_ticket(session, number, "use parts on it")
        unit, item = _part_unit(session, serial, sku)
        if unit.id == ticket.unit_id:
            raise InvalidInput(f"{unit.serial} is the device being repaired, not a part")
        price, approver = _charged(session, actor, ticket, item.price, override_by)
        move_unit(session, actor, unit, Move.USE, to_location_id=None, document=ticket.number)
        session.add(
            TicketLine(
                ticket_id=ticket.id, user_id=actor.id, kind=PART, item_id=item.id,
                unit_id=unit.id, location_id=unit.location_id, serial=unit.serial,
                description=item.name, qty=1, list_price=item.price, unit_price=price,
                tax_rate_bp=item.tax_rate_bp, approved_by=approver,
            )
        )  # fmt: skip
        return changed(session, ticket)


def use_bulk_part(
    store: Store,
    actor: Actor,
    number: str,
    sku: str,
    qty: int,
    *,
    location: str,
    override_by: Actor | None = None,
) -> TicketRecord:
    """Takes `qty` of a bulk item from `location` for the ticket (stock down, ledger row)."""
    require(actor, Permission.TICKETS)
    if not 1 <= qty <= MAX_PART_QTY:
        raise InvalidInput(f"a quantity is between 1 and {MAX_PART_QTY}")
    with store.write() as session:
        ticket = get_open_ticket(session, number, "use parts on it")
        item = _item_by_code(session, sku)
        if item.serialized:
            raise InvalidInput(f"{item.sku} is serialized: scan the part's serial")
        where = get_location(session, location)
        price, approver = _charged(session, actor, ticket, item.price, override_by)
        try:
            move_bulk(
                session, actor, item.id, qty, Move.USE,
                from_location_id=where.id, document=ticket.number,
            )  # fmt: skip
        except Conflict as exc:
            raise Conflict(f"{item.sku}: {exc} ({where.name})") from None
        session.add(
            TicketLine(
                ticket_id=ticket.id, user_id=actor.id, kind=BULK, item_id=item.id,
                location_id=where.id, description=item.name, qty=qty, list_price=item.price,
                unit_price=price, tax_rate_bp=item.tax_rate_bp, approved_by=approver,
            )
        )  # fmt: skip
        return changed(session, ticket)


MAX_PART_QTY = 9_999


def _item_by_code(session: Session, code: str) -> Item:
    wanted = code.strip()
    item = session.scalar(select(Item).where(Item.barcode == wanted, Item.active))
    if item is None:
        item = session.scalar(
            select(Item).where(func.lower(Item.sku) == wanted.lower(), Item.active)
        )
    if item is None:
        raise NotFound(f"no item or unit {wanted[:40]!r}")
    return item


def add_part(
    store: Store,
    actor: Actor,
    number: str,
    code: str,
    *,
    qty: int = 1,
    location: str,
    override_by: Actor | None = None,
) -> TicketRecord:
    """A scanned code as a part: a unit's serial (serialized part) or an item's SKU or
    barcode (bulk part, `qty` of it from `location`)."""
    require(actor, Permission.TICKETS)
    code = clean_text(code, field="part", max_length=200)
    with store.read() as session:
        is_serial = bool(
            session.scalar(select(SerialUnit.id).where(SerialUnit.serial_key == serial_key(code)))
        )
    if is_serial:
        if qty != 1:
            raise InvalidInput(f"{code} is one unit: a serialized part has no quantity")
        return use_part(store, actor, number, code, override_by=override_by)
    return use_bulk_part(
        store, actor, number, code, qty, location=location, override_by=override_by
    )


def add_labour(
    store: Store,
    actor: Actor,
    number: str,
    text: str,
    price: int,
    *,
    tax_rate_bp: int = 0,
    override_by: Actor | None = None,
) -> TicketRecord:
    """A labour line with its price (free under warranty unless a manager overrides)."""
    require(actor, Permission.TICKETS)
    text = clean_text(text, field="labour", max_length=200)
    if price < 0:
        raise InvalidInput("a price cannot be negative")
    if not 0 <= tax_rate_bp <= 10_000:
        raise InvalidInput("a tax rate is between 0 and 100 %")
    with store.write() as session:
        ticket = get_open_ticket(session, number, "add labour")
        charged, approver = _charged(session, actor, ticket, price, override_by)
        session.add(
            TicketLine(
                ticket_id=ticket.id, user_id=actor.id, kind=LABOUR, description=text, qty=1,
                list_price=price, unit_price=charged, tax_rate_bp=tax_rate_bp,
                approved_by=approver,
            )
        )  # fmt: skip
        return changed(session, ticket)


def remove_line(store: Store, actor: Actor, number: str, line_id: int) -> TicketRecord:
    """Takes a line off an open ticket; a part goes back where it came from (ledger)."""
    require(actor, Permission.TICKETS)
    with store.write() as session:
        ticket = get_open_ticket(session, number, "remove parts")
        line = session.get(TicketLine, line_id)
        if line is None or line.ticket_id != ticket.id or line.removed_at is not None:
            raise NotFound(f"that line is not on {ticket.number}")
        if line.kind == PART and line.unit_id is not None:
            (unit,) = load_unit_states(session, [line.unit_id])
            move_unit(
                session, actor, unit, Move.RETURN_PART, to_location_id=line.location_id,
                document=ticket.number,
            )  # fmt: skip
        elif line.kind == BULK and line.item_id is not None and line.location_id is not None:
            move_bulk(
                session, actor, line.item_id, line.qty, Move.RETURN_PART,
                to_location_id=line.location_id, document=ticket.number,
            )  # fmt: skip
        line.removed_at, line.removed_by = utcnow(), actor.id
        return changed(session, ticket)
