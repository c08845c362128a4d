"""The Products list's read side: items a page at a time (keyset on the SKU), searched by
SKU, name or barcode, with the IMEI flag the item form edits and whether it is a kit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from app.db.uow import Store
from app.stock.lookups import item_record
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
    with store.read() as session:
        query = select(Item).order_by(Item.sku).limit(limit + 1)
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
        items = list(session.scalars(query))
        more = len(items) > limit
        shown = items[:limit]
        # One look-up for the page (the primary key's first column), not one per row.
        kits = (
            set(
                session.scalars(
                    select(BundleComponent.bundle_item_id)
                    .where(BundleComponent.bundle_item_id.in_([i.id for i in shown]))
                    .distinct()
                )
            )
            if shown
            else set()
        )
        rows = [ItemRow(item_record(i), bool(i.imei), i.id in kits) for i in shown]
        return ItemListPage(rows, rows[-1].item.sku if more and rows else None)
