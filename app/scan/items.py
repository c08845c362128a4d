"""Scans that name an item: its barcode or SKU. A serialized item offers its units in
stock at the till; a bundle lists its components (with, for each serialized one, its
units here)."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from app.db.prepared import Prepared, QuickReader
from app.scan.results import BundleNeed, BundleScan, ItemScan, ItemSummary
from app.scan.units import units_here
from app.stock.bundles import COMPONENTS, ComponentRecord
from app.stock.models import ITEM_SALE_COLUMNS, BundleComponent, Item

_ITEM_BY_BARCODE = Prepared(
    select(*ITEM_SALE_COLUMNS).where(Item.barcode == bindparam("code"), Item.active)
)
_ITEM_BY_SKU = Prepared(
    select(*ITEM_SALE_COLUMNS).where(func.lower(Item.sku) == bindparam("sku"), Item.active)
)
_COMPONENTS_OF = Prepared(COMPONENTS.where(BundleComponent.bundle_item_id == bindparam("item_id")))


def item_by_code(db: QuickReader, code: str) -> ItemSummary | None:
    """The active item with this barcode, else with this SKU (any case)."""
    row = db.first(_ITEM_BY_BARCODE, code=code) or db.first(_ITEM_BY_SKU, sku=code.lower())
    return None if row is None else ItemSummary(*row)


def item_scan(db: QuickReader, item: ItemSummary, location: str) -> ItemScan | BundleScan:
    components = [ComponentRecord(*row) for row in db.rows(_COMPONENTS_OF, item_id=item.id)]
    if components:
        return _bundle_scan(db, item, components, location)
    if not item.serialized:
        return ItemScan(item)
    units, more = units_here(db, item.id, location)
    return ItemScan(item, units, more)


def _bundle_scan(
    db: QuickReader, bundle: ItemSummary, components: list[ComponentRecord], location: str
) -> BundleScan:
    needs = []
    for component in components:
        if component.serialized:
            units, more = units_here(db, component.item_id, location)
            needs.append(BundleNeed(component, units, more))
        else:
            needs.append(BundleNeed(component))
    return BundleScan(bundle, tuple(needs))
