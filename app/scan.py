"""The one scan resolver: a scanned or typed code -> what it is, for every view.

In order (PRODUCT.md, Scans): a GS1 element string with (01) GTIN and (21) serial; an exact
unit serial (several items: the user picks); a product barcode or SKU; a receipt or ticket
number; else unknown. Resolving never changes anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from biip.gs1_messages import GS1Message
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.customers.models import Customer
from app.db.uow import Store
from app.errors import TRIM, InvalidInput
from app.ids import CustomerId, ItemId, LocationId, UnitId
from app.pos.cart import BundlePart, CartLine
from app.pos.checkout import unsellable_reason
from app.pos.models import Refund, Sale
from app.stock.bundles import ComponentRecord, components_of
from app.stock.items import barcode_key
from app.stock.ledger import UnitState
from app.stock.models import Item, Location, SerialUnit, UnitStatus
from app.stock.serials import MAX_SERIAL_LENGTH, serial_key
from app.text import has_control_chars, shorten
from app.tickets.models import Ticket
from app.users.roles import Actor, Permission, require

MAX_CODE = 200
PICKER_LIMIT = 50
_GS = "\x1d"  # FNC1 as scanners send it inside GS1-128
_SYMBOLOGY_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_DOCUMENT = re.compile(r"^(R|RF|T)-\d{6,}$", re.IGNORECASE)


@dataclass(frozen=True)
class ItemSummary:
    id: ItemId
    sku: str
    name: str
    price: int
    tax_rate_bp: int
    serialized: bool
    warranty_days: int


@dataclass(frozen=True)
class ScannedUnit:
    """A unit found by a scan; `reason` says why it cannot be sold (None: it can)."""

    unit_id: UnitId
    item: ItemSummary
    serial: str
    status: UnitStatus
    location: str | None
    reason: str | None

    def cart_line(self) -> CartLine:
        i = self.item
        return CartLine(
            item_id=i.id,
            sku=i.sku,
            name=i.name,
            unit_price=i.price,
            tax_rate_bp=i.tax_rate_bp,
            unit_id=self.unit_id,
            serial=self.serial,
            warranty_days=i.warranty_days,
        )


@dataclass(frozen=True)
class UnitScan:
    unit: ScannedUnit


@dataclass(frozen=True)
class SerialChoice:
    """Several items carry this serial: the user picks one."""

    units: tuple[ScannedUnit, ...]


@dataclass(frozen=True)
class ItemScan:
    """A product barcode or SKU; for a serialized item, the in-stock units here to pick from."""

    item: ItemSummary
    units_here: tuple[ScannedUnit, ...] = ()
    more_here: bool = False

    def cart_line(self) -> CartLine:
        i = self.item
        return CartLine(i.id, i.sku, i.name, i.price, i.tax_rate_bp, warranty_days=i.warranty_days)


@dataclass(frozen=True)
class BundleNeed:
    """One component of a scanned bundle, with (serialized) its in-stock units here."""

    component: ComponentRecord
    units_here: tuple[ScannedUnit, ...] = ()
    more_here: bool = False


@dataclass(frozen=True)
class BundleScan:
    """A bundle's barcode or SKU: its components, in the order the till asks for them."""

    item: ItemSummary
    components: tuple[BundleNeed, ...]


@dataclass(frozen=True)
class SaleScan:
    number: str


@dataclass(frozen=True)
class TicketScan:
    """A repair ticket's number: the till collects it, the Tickets view opens it."""

    number: str
    status: str


@dataclass(frozen=True)
class UnknownScan:
    code: str
    message: str


ScanResult = (
    UnitScan | SerialChoice | ItemScan | BundleScan | SaleScan | TicketScan | UnknownScan
)


# ---------------------------------------------------------------- what a scan means for a sale


@dataclass(frozen=True)
class AddLine:
    """The code is something to sell: this line goes in the cart; `said` tells the cashier."""

    line: CartLine
    said: str


@dataclass(frozen=True)
class PickUnit:
    """Several units fit the code: the cashier picks one. Where nobody can be asked (the
    command line), `unpicked` says what to give instead."""

    title: str
    units: tuple[ScannedUnit, ...]
    unpicked: str
    with_item: bool = False
    note: str = ""


@dataclass(frozen=True)
class Refuse:
    """Nothing can go in the cart, and why."""

    message: str


@dataclass(frozen=True)
class ReceiptScanned:
    """A receipt's number: not something to sell (the refund desk takes it)."""

    number: str


@dataclass(frozen=True)
class CollectTicket:
    """A repair ticket's number: its charges go in the cart, and paying collects it."""

    number: str


@dataclass(frozen=True)
class PickBundleUnits:
    """A bundle with serialized components: one serial scanned for each component unit
    (`asks`, in order); its bulk components go by quantity. Where nobody can be asked (the
    command line) the serials follow the bundle's code, and `unpicked` says so."""

    bundle: ItemSummary
    components: tuple[BundleNeed, ...]
    unpicked: str

    @property
    def asks(self) -> tuple[BundleNeed, ...]:
        """One entry per serial to scan: a component holding two units is asked twice."""
        return tuple(
            need
            for need in self.components
            if need.component.serialized
            for _ in range(need.component.qty)
        )

    def refusal(self, ask: int, unit: ScannedUnit, taken: Collection[UnitId]) -> str | None:
        """Why this unit cannot be the `ask`-th serial (None: it can)."""
        wanted = self.asks[ask].component
        if unit.item.id != wanted.item_id:
            return f"{unit.serial} is a {unit.item.name} ({unit.item.sku}), not a {wanted.name}"
        if unit.unit_id in taken:
            return f"{unit.serial} is already in this sale"
        return unit.reason

    def line(self, units: Sequence[ScannedUnit], taken: Collection[UnitId] = ()) -> CartLine:
        """The bundle's cart line from one unit per ask, given in any order; refused if a
        unit does not fit (wrong item, one too many, unsellable, already in the cart)."""
        open_asks = list(range(len(self.asks)))
        chosen: list[tuple[int, ScannedUnit]] = []
        used = set(taken)
        for unit in units:
            fits = [a for a in open_asks if self.asks[a].component.item_id == unit.item.id]
            if not fits:
                names = ", ".join(sorted({a.component.sku for a in self.asks}))
                raise InvalidInput(
                    f"{unit.serial} ({unit.item.sku}) is not wanted for {self.bundle.sku}"
                    f" (its serialized components: {names})"
                )
            problem = self.refusal(fits[0], unit, used)
            if problem:
                raise InvalidInput(problem)
            used.add(unit.unit_id)
            open_asks.remove(fits[0])
            chosen.append((fits[0], unit))
        if open_asks:
            raise InvalidInput(self.unpicked)
        parts = tuple(
            BundlePart(u.item.id, u.item.sku, u.item.name, u.unit_id, u.serial)
            for _, u in sorted(chosen, key=lambda pair: pair[0])
        )
        return replace(_bundle_line(self.bundle), bundle_units=parts)


SaleStep = AddLine | PickUnit | PickBundleUnits | Refuse | ReceiptScanned | CollectTicket


def _bundle_line(i: ItemSummary) -> CartLine:
    return CartLine(i.id, i.sku, i.name, i.price, i.tax_rate_bp)


def sale_step(result: ScanResult, *, location: str) -> SaleStep:
    """What a scanned code does to a sale at a till selling from `location`: decided here
    once for the window, the command line and the tests."""
    match result:
        case UnitScan(unit):
            if unit.reason:
                return Refuse(unit.reason)
            return AddLine(unit.cart_line(), f"Added {unit.item.name} — {unit.serial}")
        case SerialChoice(units):
            serial = units[0].serial
            skus = ", ".join(sorted(u.item.sku for u in units))
            return PickUnit(
                f"Several items have serial {serial}: which one is it?",
                units,
                f"{serial} is a serial of several items ({skus}): scan its GS1 code",
                with_item=True,
            )
        case ItemScan(item, units_here, more_here) if item.serialized:
            return _pick_from_item(item, units_here, more_here, location)
        case ItemScan(item):
            return AddLine(result.cart_line(), f"Added {item.name}")
        case BundleScan(item, components):
            return _bundle_step(item, components)
        case SaleScan(number):
            return ReceiptScanned(number)
        case TicketScan(number):
            return CollectTicket(number)
        case UnknownScan(_code, message):
            return Refuse(message)
    raise AssertionError(f"unhandled scan {result!r}")  # pragma: no cover


def _pick_from_item(
    item: ItemSummary, units_here: tuple[ScannedUnit, ...], more_here: bool, location: str
) -> SaleStep:
    """A serialized item's barcode names no unit: one of those in stock here, if any."""
    if not units_here:
        return Refuse(f"no {item.name} in stock at {location}: scan the serial on the unit itself")
    more = " (the first ones; scan or type the serial to find others)"
    here = ", ".join(u.serial for u in units_here[:10])
    return PickUnit(
        f"{item.name} ({item.sku}) — which unit?",
        units_here,
        f"{item.sku} is serialized: give the unit's serial (here: {here})",
        note=f"In stock at {location}{more if more_here else ''}",
    )


def _bundle_step(item: ItemSummary, components: tuple[BundleNeed, ...]) -> SaleStep:
    inactive = [n.component.sku for n in components if not n.component.active]
    if inactive:
        return Refuse(f"{item.sku} has a deactivated component ({', '.join(inactive)})")
    serialized = [n for n in components if n.component.serialized]
    if not serialized:
        return AddLine(_bundle_line(item), f"Added {item.name}")
    count = sum(n.component.qty for n in serialized)
    names = ", ".join(f"{n.component.qty} x {n.component.sku}" for n in serialized)
    return PickBundleUnits(
        item,
        components,
        f"{item.sku} is a bundle: give its {count} component serial"
        f"{'s' if count != 1 else ''} after it ({names})",
    )


def resolve_scan(store: Store, actor: Actor, code: str, *, location: str) -> ScanResult:
    """What a code is, with everything the view needs to act on it."""
    require(actor, Permission.VIEW_STOCK)
    raw = code.strip(TRIM)
    if not raw:
        return UnknownScan(code, "empty scan")
    if len(raw) > MAX_CODE:
        return UnknownScan(raw[:MAX_CODE], f"code too long ({len(raw)} characters): not a barcode")
    with store.read() as session:
        gs1 = _gs1_serial(raw)
        if gs1 is not None:
            found = _gs1_unit(session, *gs1, location=location)
            if found is not None:
                return found
        if has_control_chars(raw):
            return UnknownScan(raw, f"unreadable scan {shorten(raw)}: scanner noise")
        units = _units_by_serial(session, raw) if len(raw) <= MAX_SERIAL_LENGTH else []
        if len(units) == 1:
            return UnitScan(units[0])
        if units:
            return SerialChoice(tuple(units))
        item = _item_by_code(session, raw)
        if item is not None:
            components = components_of(session, item.id)
            if components:
                return _bundle_scan(session, item, components, location)
            return _item_scan(session, item, location)
        if _DOCUMENT.match(raw):
            number = raw.upper()
            ticket_status = session.scalar(select(Ticket.status).where(Ticket.number == number))
            if ticket_status is not None:
                return TicketScan(number, ticket_status)
            if session.scalar(select(Sale.id).where(Sale.number == number)):
                return SaleScan(number)
            refunded = session.scalar(
                select(Sale.number)
                .join(Refund, Refund.sale_id == Sale.id)
                .where(Refund.number == number)
            )
            if refunded:
                return UnknownScan(raw, f"{number} is a refund slip; its sale is {refunded}")
        return UnknownScan(raw, f"unknown code {shorten(raw)}")


def _gs1_serial(raw: str) -> tuple[str, str] | None:
    """(GTIN-14, serial) from a GS1 element string, in raw or (01)...(21)... form."""
    text = _SYMBOLOGY_PREFIX.sub("", raw)
    if not (text.startswith("01") or text.startswith("(01)")) or len(text) < 19:
        return None
    try:
        message = GS1Message.parse_hri(text) if text.startswith("(") else GS1Message.parse(text)
    except Exception:  # biip raises several parse errors; none of them is the user's fault
        return None
    gtin = message.element_strings.get(ai="01")
    serial = message.element_strings.get(ai="21")
    if gtin is None or serial is None:
        return None
    return gtin.value, serial.value


def _gs1_unit(session: Session, gtin14: str, serial: str, *, location: str) -> ScanResult | None:
    """The unit with this serial under the item whose barcode is this GTIN (its EAN/UPC
    form has fewer leading zeros)."""
    key = barcode_key(gtin14)
    items = [
        item
        for item in session.scalars(
            select(Item)
            .where(Item.active, Item.barcode.is_not(None))
            .where(Item.barcode.in_({gtin14, key, key.zfill(12), key.zfill(13), key.zfill(8)}))
        )
        if item.barcode and barcode_key(item.barcode) == key
    ]
    if not items:
        return None
    ids = {item.id for item in items}
    for unit in _units_by_serial(session, serial):
        if unit.item.id in ids:
            return UnitScan(unit)
    return UnknownScan(serial, f"{items[0].sku} has no unit with serial {shorten(serial)}")


def _summary(item: Item) -> ItemSummary:
    return ItemSummary(
        ItemId(item.id),
        item.sku,
        item.name,
        item.price,
        item.tax_rate_bp,
        item.serialized,
        item.warranty_days,
    )


_UNIT_QUERY = (
    select(SerialUnit, Item, Location.name, Location.sellable, Customer.name)
    .join(Item, Item.id == SerialUnit.item_id)
    .outerjoin(Location, Location.id == SerialUnit.location_id)
    .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
)


_UNITS_BY_KEY = _UNIT_QUERY.where(SerialUnit.serial_key == bindparam("key"))


def _scanned(
    session: Session,
    unit: SerialUnit,
    item: Item,
    loc: str | None,
    sellable: bool | None,
    customer: str | None,
) -> ScannedUnit:
    unit_id = UnitId(unit.id)
    state = UnitState(
        unit_id,
        ItemId(unit.item_id),
        unit.serial,
        unit.status,
        None if unit.location_id is None else LocationId(unit.location_id),
        loc,
        None if unit.customer_id is None else CustomerId(unit.customer_id),
        customer,
    )
    reason = unsellable_reason(session, state, bool(sellable))
    return ScannedUnit(unit_id, _summary(item), unit.serial, unit.status, loc, reason)


def _units_by_serial(session: Session, serial: str) -> list[ScannedUnit]:
    rows = session.execute(_UNITS_BY_KEY, {"key": serial_key(serial)}).all()
    return [_scanned(session, *row) for row in rows]


def _item_by_code(session: Session, code: str) -> Item | None:
    item = session.scalar(select(Item).where(Item.barcode == code, Item.active))
    if item is None:
        item = session.scalar(select(Item).where(func.lower(Item.sku) == code.lower(), Item.active))
    return item


def _bundle_scan(
    session: Session, bundle: Item, components: list[ComponentRecord], location: str
) -> BundleScan:
    needs = []
    for component in components:
        if component.serialized:
            units, more = _units_here(session, component.item_id, location)
            needs.append(BundleNeed(component, units, more))
        else:
            needs.append(BundleNeed(component))
    return BundleScan(_summary(bundle), tuple(needs))


def _item_scan(session: Session, item: Item, location: str) -> ItemScan:
    if not item.serialized:
        return ItemScan(_summary(item))
    units, more = _units_here(session, item.id, location)
    return ItemScan(_summary(item), units, more)


def _units_here(
    session: Session, item_id: int, location: str
) -> tuple[tuple[ScannedUnit, ...], bool]:
    """The item's first in-stock units at the till's location, for a picker."""
    rows = session.execute(
        _UNIT_QUERY.where(
            SerialUnit.item_id == item_id,
            SerialUnit.status == UnitStatus.IN_STOCK.value,
            func.lower(Location.name) == location.strip().lower(),
        )
        .order_by(SerialUnit.serial_key)
        .limit(PICKER_LIMIT + 1)
    ).all()
    units = tuple(_scanned(session, *row) for row in rows[:PICKER_LIMIT])
    return units, len(rows) > PICKER_LIMIT
