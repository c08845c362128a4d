"""Intake: look a device up by its serial (or IMEI), then open the ticket.

A unit we sold shows its item, sale, customer and warranties; a serial that several items
share is refused with their SKUs until one is picked; a device we never had is recorded by
serial plus make/model text (no SerialUnit row is made for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.customers.services import insert_customer
from app.db import uow
from app.db.uow import Store
from app.errors import Conflict, InvalidInput, NotFound
from app.stock.ledger import note_unit
from app.stock.lifecycle import Move
from app.stock.models import Item, Movement, SerialUnit, UnitStatus
from app.stock.serials import MAX_SERIAL_LENGTH, serial_key
from app.text import clean_text
from app.tickets import passcode as passcodes
from app.tickets.common import next_ticket_number, ticket_record, today, unit_state
from app.tickets.events import TicketOpened
from app.tickets.imei import check_imei
from app.tickets.models import Ticket, TicketStatusChange
from app.tickets.queries import unit_ticket_summaries
from app.tickets.records import DeviceLookup, TicketRecord
from app.tickets.statuses import Priority, TicketStatus
from app.tickets.warranty import warranty_status
from app.users import audit
from app.users.models import User
from app.users.roles import Actor, Permission, Role, require

TECHNICIAN_ROLES = frozenset({Role.SERVICE, Role.MANAGER})


class SerialIsAmbiguous(Conflict):
    """Several items carry this serial: the desk picks one of `skus` and asks again."""

    def __init__(self, serial: str, skus: tuple[str, ...]) -> None:
        self.skus = skus
        super().__init__(f"{serial} is a serial of several items: pick one of {', '.join(skus)}")


@dataclass(frozen=True)
class NewCustomer:
    """A customer quick-added at the counter, in the ticket's own transaction."""

    name: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Intake:
    """What the desk enters. `sku` picks among items sharing the serial; `device` is the
    make and model of a device we do not know. The customer defaults to the unit's buyer."""

    serial: str
    problem: str
    sku: str | None = None
    device: str | None = None
    customer_id: int | None = None
    new_customer: NewCustomer | None = None
    condition: tuple[str, ...] = ()
    condition_note: str = ""
    accessories: str = ""
    estimate: int | None = None
    promised: date | None = None
    technician_id: int | None = None
    priority: Priority = Priority.NORMAL
    passcode: str | None = None  # plain here only; sealed before it is written


def _clean_serial(serial: str) -> str:
    return clean_text(serial, field="serial", max_length=MAX_SERIAL_LENGTH)


def _matching_units(
    session: Session, serial: str, sku: str | None
) -> list[tuple[SerialUnit, Item]]:
    query = (
        select(SerialUnit, Item)
        .join(Item, Item.id == SerialUnit.item_id)
        .where(SerialUnit.serial_key == serial_key(serial))
        .order_by(Item.sku)
    )
    rows = [(u, i) for u, i in session.execute(query).all()]
    if sku is None:
        return rows
    return [(u, i) for u, i in rows if i.sku.lower() == sku.strip().lower()]


def _item_by_sku(session: Session, sku: str) -> Item:
    item = session.scalar(select(Item).where(func.lower(Item.sku) == sku.strip().lower()))
    if item is None:
        raise NotFound(f"no item with SKU {sku.strip()!r}")
    return item


def _find_device(
    session: Session, serial: str, sku: str | None
) -> tuple[SerialUnit | None, Item | None]:
    """Our unit with this serial (under `sku` when given), or (None, item-or-None) for a
    device we do not hold: a foreign one, perhaps of an item we carry."""
    rows = _matching_units(session, serial, sku)
    if len(rows) > 1:
        raise SerialIsAmbiguous(serial, tuple(i.sku for _, i in rows))
    if rows:
        unit, item = rows[0]
        return unit, item
    return None, _item_by_sku(session, sku) if sku else None


def _sale_of(session: Session, unit_id: int) -> tuple[date, str] | None:
    """The day and document of the unit's last sale (or warranty issue): the ledger says."""
    row = session.execute(
        select(Movement.at, Movement.document)
        .where(
            Movement.unit_id == unit_id,
            Movement.kind.in_((Move.SALE.value, Move.WARRANTY_ISSUE.value)),
        )
        .order_by(Movement.id.desc())
        .limit(1)
    ).first()
    return (row[0].date(), row[1] or "") if row else None


def _lookup(session: Session, serial: str, sku: str | None, on: date) -> DeviceLookup:
    unit, item = _find_device(session, serial, sku)
    if unit is None:
        return DeviceLookup(
            serial=serial,
            unit_id=None,
            sku=item.sku if item else None,
            item_name=item.name if item else None,
            unit_status=None,
            carries_imei=bool(item and item.imei),
            sold_on=None,
            receipt=None,
            customer_id=None,
            customer=None,
            customer_warranty=warranty_status(None, on),
            supplier_warranty=warranty_status(None, on),
            earlier_tickets=unit_ticket_summaries(session, None, serial, on),
        )
    assert item is not None
    sold = _sale_of(session, unit.id) if unit.status == UnitStatus.SOLD else None
    buyer = session.get(Customer, unit.customer_id) if unit.customer_id is not None else None
    # The customer warranty runs only while the customer has the unit.
    customer_end = unit.warranty_end if unit.status == UnitStatus.SOLD else None
    return DeviceLookup(
        serial=unit.serial,
        unit_id=unit.id,
        sku=item.sku,
        item_name=item.name,
        unit_status=unit.status,
        carries_imei=item.imei,
        sold_on=sold[0] if sold else None,
        receipt=sold[1] if sold else None,
        customer_id=buyer.id if buyer else None,
        customer=buyer.name if buyer else None,
        customer_warranty=warranty_status(customer_end, on),
        supplier_warranty=warranty_status(unit.supplier_warranty_end, on),
        earlier_tickets=unit_ticket_summaries(session, unit.id, unit.serial, on),
    )


def look_up_device(
    store: Store, actor: Actor, serial: str, *, sku: str | None = None, on: date | None = None
) -> DeviceLookup:
    """What intake shows for a scanned serial: our unit (sale, customer, warranties with
    days left, earlier tickets) or a foreign device. SerialIsAmbiguous lists the SKUs."""
    require(actor, Permission.TICKETS)
    serial = _clean_serial(serial)
    with store.read() as session:
        return _lookup(session, serial, sku, on or today())


def technician(session: Session, user_id: int) -> User:
    """A ticket's technician: an active user with the service or manager role."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound("that technician is not an active user")
    if Role(user.role) not in TECHNICIAN_ROLES:
        raise InvalidInput(f"{user.name} is not service staff or a manager: cannot be technician")
    return user


def _customer_id(session: Session, intake: Intake, found: DeviceLookup) -> int:
    if intake.new_customer is not None:
        nc = intake.new_customer
        return insert_customer(session, name=nc.name, phone=nc.phone, email=nc.email).id
    if intake.customer_id is not None:
        if session.get(Customer, intake.customer_id) is None:
            raise NotFound("that customer no longer exists")
        return intake.customer_id
    if found.customer_id is not None:
        return found.customer_id  # we sold it: its buyer
    raise InvalidInput("whose device is it? choose or add the customer")


def _condition(intake: Intake) -> str:
    ticked = [clean_text(c, field="condition", max_length=80) for c in intake.condition]
    return "\n".join(dict.fromkeys(ticked))


def _check_intake(intake: Intake) -> tuple[str, str, str, str, str, str]:
    """Cleans the free texts before anything is written."""
    problem = clean_text(intake.problem, field="problem", max_length=2000)
    device = clean_text(intake.device or "", field="device", max_length=200, required=False)
    note = clean_text(intake.condition_note, field="condition", max_length=2000, required=False)
    accessories = clean_text(
        intake.accessories, field="accessories", max_length=200, required=False
    )
    if intake.estimate is not None and intake.estimate < 0:
        raise InvalidInput("an estimate cannot be negative")
    code = "" if intake.passcode is None else intake.passcode
    if intake.passcode is not None and (not code or len(code) > 200 or "\n" in code):
        raise InvalidInput("a passcode or unlock pattern is 1 to 200 characters on one line")
    return problem, device, note, accessories, _condition(intake), code


def open_ticket(
    store: Store, actor: Actor, intake: Intake, *, on: date | None = None
) -> TicketRecord:
    """Takes a device in: a new ticket numbered T-000001..., status `new`, the customer
    (quick-added if new), warranty as of intake day, the passcode sealed. One transaction."""
    require(actor, Permission.TICKETS)
    serial = _clean_serial(intake.serial)
    problem, device, note, accessories, condition, code = _check_intake(intake)
    day = on or today()
    with store.write() as session:
        found = _lookup(session, serial, intake.sku, day)
        if found.carries_imei:
            check_imei(serial)
        if found.unit_id is None and not (device or found.item_name):
            raise InvalidInput(f"{serial} is not a unit we know: give the device's make and model")
        if intake.technician_id is not None:
            technician(session, intake.technician_id)
        ticket = Ticket(
            number=next_ticket_number(session),
            opened_on=day,
            opened_by=actor.id,
            status=TicketStatus.NEW.value,
            priority=Priority(intake.priority).value,
            customer_id=_customer_id(session, intake, found),
            unit_id=found.unit_id,
            item_id=_item_id(session, found.sku),
            serial=found.serial,
            serial_key=serial_key(found.serial),
            device=found.item_name if found.unit_id is not None else device or found.item_name,
            problem=problem,
            condition=condition,
            condition_note=note,
            accessories=accessories,
            estimate=intake.estimate,
            promised=intake.promised,
            technician_id=intake.technician_id,
            under_warranty=found.customer_warranty.active,
            warranty_end=found.customer_warranty.end,
            passcode=passcodes.seal_passcode(code) if code else None,
        )
        session.add(ticket)
        session.flush()
        session.add(
            TicketStatusChange(
                ticket_id=ticket.id, user_id=actor.id, from_status=None, to_status="new"
            )
        )
        if found.unit_id is not None:
            unit = unit_state(session, found.unit_id)
            reason = f"in for repair: {problem}"[:200]
            note_unit(session, actor, unit, Move.TICKET_IN, ticket.number, reason)
        record = ticket_record(session, ticket)
        uow.record(session, TicketOpened(record))
        return record


def _item_id(session: Session, sku: str | None) -> int | None:
    return session.scalar(select(Item.id).where(Item.sku == sku)) if sku else None


def set_item_carries_imei(store: Store, actor: Actor, sku: str, carries: bool) -> None:
    """Marks an item as carrying an IMEI (its 15-digit serials are Luhn-checked at intake)."""
    require(actor, Permission.EDIT_ITEMS)
    with store.write() as session:
        item = _item_by_sku(session, sku)
        item.imei = carries
        audit.record(session, actor, "item.imei", item.sku, "carries an IMEI" if carries else "")
