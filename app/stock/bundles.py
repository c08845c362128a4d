"""Bundles: an item sold as a kit of component items (camera kit = body + lens + strap).

A bundle has no stock of its own and no serial: selling one takes its parts from the till's
location (a serialized part by the serial scanned for it, a bulk part by quantity), and the
bundle's price is the kit's. A bundle's parts are plain items, never bundles themselves, so
no bundle can end up inside itself however the kits are edited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, exists, select
from sqlalchemy.orm import Session

from app.db.uow import Store
from app.errors import Conflict, InvalidInput
from app.ids import ItemId
from app.stock.items import _on_hand
from app.stock.lookups import get_item
from app.stock.lookups import is_bundle as is_bundle
from app.stock.models import BundleComponent, Item
from app.users import audit
from app.users.roles import Actor, Permission, require
from app.users.standing import require_active

MAX_COMPONENTS = 20
MAX_QTY = 99
BUNDLE_ACTION = "item.bundle"


@dataclass(frozen=True)
class ComponentInput:
    """One part asked for: an item's SKU and how many of it go in one kit."""

    sku: str
    qty: int = 1


@dataclass(frozen=True)
class ComponentRecord:
    """One part of a bundle as the till and the back office see it. A serialized part's
    `qty` is how many of its units one kit holds (one serial scanned for each)."""

    item_id: ItemId
    sku: str
    name: str
    qty: int
    serialized: bool
    price: int
    warranty_days: int
    active: bool


def set_components(
    store: Store, actor: Actor, sku: str, components: Sequence[ComponentInput]
) -> list[ComponentRecord]:
    """Makes `sku` a bundle of these parts (replacing the parts it had), in the order given.

    Refused: no parts or too many, a part twice, a quantity outside 1..99, the bundle in
    itself, a part that is a bundle, a missing or deactivated part; a bundle that is
    serialized, has stock of its own, or is itself another bundle's part."""
    require(actor, Permission.EDIT_ITEMS)
    if not components:
        raise InvalidInput("a bundle needs at least one component")
    if len(components) > MAX_COMPONENTS:
        raise InvalidInput(f"a bundle has at most {MAX_COMPONENTS} components")
    for part in components:
        if not 1 <= part.qty <= MAX_QTY:
            raise InvalidInput(f"{part.sku.strip()}: a quantity is between 1 and {MAX_QTY}")
    with store.write() as session:
        require_active(session, actor)
        bundle = get_item(session, sku, lock=True)
        _check_can_be_bundle(session, bundle)
        parts = [(_component_item(session, bundle, part.sku), part.qty) for part in components]
        seen: set[int] = set()
        for item, _qty in parts:
            if item.id in seen:
                raise InvalidInput(f"{item.sku} is listed twice: give its quantity once")
            seen.add(item.id)
        session.execute(delete(BundleComponent).where(BundleComponent.bundle_item_id == bundle.id))
        for position, (item, qty) in enumerate(parts, 1):
            session.add(
                BundleComponent(
                    bundle_item_id=bundle.id, component_item_id=item.id, position=position, qty=qty
                )
            )
        session.flush()
        detail = ", ".join(f"{item.sku} x{qty}" for item, qty in parts)
        audit.record(session, actor, BUNDLE_ACTION, bundle.sku, detail)
        return components_of(session, bundle.id)


def list_components(store: Store, actor: Actor, sku: str) -> list[ComponentRecord]:
    """A bundle's parts in the order the till asks for them (empty: not a bundle)."""
    require(actor, Permission.VIEW_STOCK)
    with store.read() as session:
        return components_of(session, get_item(session, sku, active=False).id)


# A ComponentRecord's columns, in its order (the till's scan prepares this too).
COMPONENTS = (
    select(
        Item.id,
        Item.sku,
        Item.name,
        BundleComponent.qty,
        Item.serialized,
        Item.price,
        Item.warranty_days,
        Item.active,
    )
    .join(BundleComponent, BundleComponent.component_item_id == Item.id)
    .order_by(BundleComponent.position)
)


_PARTS_OF_ANY = COMPONENTS.add_columns(BundleComponent.bundle_item_id).where(
    BundleComponent.bundle_item_id.in_(bindparam("ids", expanding=True))
)


def components_by_bundle(
    session: Session, item_ids: Sequence[int]
) -> dict[int, list[ComponentRecord]]:
    """Inside a caller's transaction: which of these items are bundles, with their parts
    in order (one query for them all)."""
    found: dict[int, list[ComponentRecord]] = {}
    for *part, bundle_id in session.execute(_PARTS_OF_ANY, {"ids": list(item_ids)}):
        found.setdefault(bundle_id, []).append(ComponentRecord(ItemId(part[0]), *part[1:]))
    return found


def components_of(session: Session, item_id: int) -> list[ComponentRecord]:
    """Inside a caller's transaction: the item's parts, in order (empty: not a bundle)."""
    rows = session.execute(COMPONENTS.where(BundleComponent.bundle_item_id == item_id)).all()
    return [ComponentRecord(ItemId(row[0]), *row[1:]) for row in rows]


def is_component(session: Session, item_id: int) -> bool:
    return bool(
        session.scalar(select(exists().where(BundleComponent.component_item_id == item_id)))
    )


def _check_can_be_bundle(session: Session, bundle: Item) -> None:
    if is_component(session, bundle.id):
        raise Conflict(f"{bundle.sku} is a component of another bundle: bundles do not nest")
    if bundle.serialized:
        raise Conflict(f"{bundle.sku} is serialized: a bundle has no serial of its own")
    if _on_hand(session, bundle.id):
        raise Conflict(
            f"{bundle.sku} has stock of its own: a bundle is sold from its components' stock"
        )


def _component_item(session: Session, bundle: Item, sku: str) -> Item:
    item = get_item(session, sku)
    if item.id == bundle.id:
        raise InvalidInput(f"{bundle.sku} cannot be a component of itself")
    if is_bundle(session, item.id):
        raise InvalidInput(f"{item.sku} is a bundle: bundles do not nest")
    return item
