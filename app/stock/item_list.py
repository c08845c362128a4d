"""The Products list's read side: items a page at a time (keyset on the SKU), searched by
SKU, name or barcode, with the IMEI flag the item form edits and whether it is a kit."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import exists, func, or_, select

from app.db.uow import Store
from app.stock.models import BundleComponent, Item
from app.stock.records import ItemRecord
from app.users.roles import Actor, Permission, require

ITEM_PAGE = 200


@dataclass(frozen=True)
class ItemRow:
    """One product as the list shows it: the item, whether its serials are IMEIs, and
    whether it is a kit of components (app.stock.bundles)."""

    item: ItemRecord
    imei: bool
    kit: bool = False


@dataclass(frozen=True)
class ItemListPage:
    rows: list[ItemRow]
    next_after: str | None  # the last SKU shown, when there may be more


def item_page(
    store: Store,
    actor: Actor,
    *,
    search: str = "",
    after: str | None = None,
    include_inactive: bool = True,
    limit: int = ITEM_PAGE,
) -> ItemListPage:
    """Items in SKU order from after `after`; `search` matches part of the SKU, the name or
    the barcode (letter case ignored)."""
    require(actor, Permission.VIEW_STOCK)
    query = _PAGE.limit(limit + 1)
    if after is not None:
        query = query.where(Item.sku > after)
    if not include_inactive:
        query = query.where(Item.active)
    text = search.strip().lower()
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(
            or_(
                func.lower(Item.sku).like(like),
                func.lower(Item.name).like(like),
                func.lower(func.coalesce(Item.barcode, "")).like(like),
            )
        )
    with store.read() as session:
        found = session.connection().execute(query).all()
    more = len(found) > limit
    width = len(_RECORD)
    rows = [
        ItemRow(ItemRecord(*row[:width]), bool(row[width]), bool(row[width + 1]))
        for row in found[:limit]
    ]
    return ItemListPage(rows, rows[-1].item.sku if more and rows else None)


# The columns an ItemRecord holds, in its order, then the IMEI flag and whether the item
# is a kit: plain rows, no ORM objects (a page of 200 would cost more to build than to read).
_RECORD = [getattr(Item, f.name) for f in fields(ItemRecord)]
_KIT = exists().where(BundleComponent.bundle_item_id == Item.id)
_PAGE = select(*_RECORD, Item.imei, _KIT).order_by(Item.sku)
