"""Customers: search as the cashier types, and quick-add at the till."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import Conflict, InvalidInput
from app.text import clean_text
from app.users.roles import Actor, Permission, require

MAX_RESULTS = 50


@dataclass(frozen=True)
class CustomerRecord:
    id: int
    name: str
    phone: str
    email: str

    @property
    def label(self) -> str:
        extra = self.phone or self.email
        return f"{self.name} ({extra})" if extra else self.name


def _record(c: Customer) -> CustomerRecord:
    return CustomerRecord(c.id, c.name, c.phone, c.email)


def search_customers(
    store: Store, actor: Actor, text: str, *, limit: int = 20
) -> list[CustomerRecord]:
    """Customers whose name, phone or e-mail contains the text (case ignored)."""
    require(actor, Permission.SELL)
    needle = text.strip().lower()
    if not needle:
        return []
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with store.read() as session:
        rows = session.scalars(
            select(Customer)
            .where(
                or_(
                    func.lower(Customer.name).like(pattern, escape="\\"),
                    Customer.phone.like(pattern, escape="\\"),
                    func.lower(Customer.email).like(pattern, escape="\\"),
                )
            )
            .order_by(Customer.name)
            .limit(min(limit, MAX_RESULTS))
        )
        return [_record(c) for c in rows]


def add_customer(
    store: Store, actor: Actor, *, name: str, phone: str = "", email: str = ""
) -> CustomerRecord:
    """Quick-add: a name is enough; phone and e-mail help find them again."""
    require(actor, Permission.SELL)
    with store.write() as session:
        return _record(insert_customer(session, name=name, phone=phone, email=email))


def insert_customer(session: Session, *, name: str, phone: str = "", email: str = "") -> Customer:
    """A new customer inside the caller's transaction (the till's sale, a ticket's intake),
    so a refused call leaves no customer behind. Checked like `add_customer`."""
    name = clean_text(name, field="customer name", max_length=120)
    phone = clean_text(phone, field="phone", max_length=40, required=False)
    email = clean_text(email, field="e-mail", max_length=120, required=False)
    if email and "@" not in email:
        raise InvalidInput(f"e-mail {email!r} has no @")
    if phone:
        same = session.scalar(select(Customer).where(Customer.phone == phone))
        if same is not None:
            raise Conflict(f"{same.name} already has phone {phone}")
    customer = Customer(name=name, phone=phone, email=email)
    session.add(customer)
    session.flush()
    return customer


def get_customer(store: Store, customer_id: int) -> CustomerRecord:
    with store.read() as session:
        return _record(session.get_one(Customer, customer_id))
