"""Selling a bundle (a kit): its line at the kit's price, and its parts on the sale at zero.

The till scans the bundle's SKU and then one serial for each serialized part unit; the
cart line carries those units (`CartLine.bundle_units`). In the sale's own transaction
`complete_sale` hands each bundle line to `sell`, which checks the scanned units against
the bundle's components as they are now, claims each unit (its warranty from its own
item), takes the bulk parts by quantity, and writes one zero-priced sale line per part
unit (per bulk part: one line with its quantity), numbered after the bundle's line and
pointing back at it, so the receipt lists every part with its serial and warranty.

Refund money: each part line keeps its share of the bundle line's total (`bundle_share`,
and of its tax), split in proportion to the parts' item prices (by quantity when every
part is priced at zero). A part coming back refunds its share; the shares add up to the
bundle's total exactly, so when every part comes back the whole bundle price does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput
from app.ids import ItemId
from app.pos.cart import CartLine, LineTotals, _spread
from app.pos.sale_reads import SoldItem
from app.pos.sale_rows import SaleLineRow, SaleRow
from app.stock.bundles import ComponentRecord, components_by_bundle
from app.stock.models import Item

# Sells one part unit (a cart line of one unit) or one bulk part (a line with its quantity)
# with the ledger reason given; returns (serial, warranty end) for a unit.
SellUnit = Callable[[SoldItem, CartLine, str], tuple[str, date | None]]
SellBulk = Callable[[SoldItem, CartLine, str], None]


@dataclass(frozen=True)
class _Part:
    item: SoldItem
    line: CartLine  # one unit, or a bulk part's quantity
    weight: int  # for the split of the bundle's total


def bundles_in(session: Session, items: dict[int, SoldItem]) -> dict[int, list[ComponentRecord]]:
    """The cart's bundle items and their components now, by item id (asked only when the
    cart holds a bundle: most sales have none)."""
    bundles = [item_id for item_id, item in items.items() if item.is_bundle]
    return components_by_bundle(session, bundles) if bundles else {}


def check_line(line: CartLine, bundles: dict[int, list[ComponentRecord]]) -> None:
    """A line with scanned parts must be a bundle's; a bundle line must have them."""
    if line.item_id not in bundles and line.bundle_units:
        raise InvalidInput(f"{line.sku} is not a bundle: it has no components to scan")


def unit_ids(lines: Sequence[CartLine]) -> list[int]:
    return [unit for line in lines for unit in line.unit_ids]


def sell(
    session: Session,
    sale: SaleRow,
    line_no: int,
    line: CartLine,
    totals: LineTotals,
    components: list[ComponentRecord],
    selling: tuple[SellUnit, SellBulk],
) -> list[SaleLineRow]:
    """The bundle's part lines (after its own line `line_no`), each unit claimed and each
    bulk part taken; refused if the scanned units are not exactly the kit's."""
    parts = _parts(session, line, components)
    sell_unit, sell_bulk = selling
    reason = f"in bundle {line.sku}"
    shares = _spread(totals.total, [p.weight for p in parts])
    taxes = _spread(totals.tax, [p.weight for p in parts])
    out = []
    for number, (part, share, tax) in enumerate(zip(parts, shares, taxes, strict=True), 1):
        serial: str | None = None
        warranty_end: date | None = None
        if part.line.unit_id is not None:
            serial, warranty_end = sell_unit(part.item, part.line, reason)
        else:
            sell_bulk(part.item, part.line, reason)
        out.append(
            SaleLineRow(
                sale_id=sale.id,
                line_no=line_no + number,
                item_id=part.item.id,
                unit_id=part.line.unit_id,
                sku=part.item.sku,
                description=part.item.name,
                serial=serial,
                qty=part.line.qty,
                unit_price=0,
                tax_rate_bp=part.item.tax_rate_bp,
                line_discount_bp=0,
                discount=0,
                tax=0,
                total=0,
                warranty_end=warranty_end,
                bundle_line_no=line_no,
                bundle_share=share,
                bundle_share_tax=tax,
            )
        )
    return out


def _parts(session: Session, line: CartLine, components: list[ComponentRecord]) -> list[_Part]:
    wanted = {c.item_id: c.qty * line.qty for c in components if c.serialized}
    scanned = Counter(part.item_id for part in line.bundle_units)
    by_id = {c.item_id: c for c in components}
    for part in line.bundle_units:
        if part.item_id not in wanted:
            raise InvalidInput(f"{part.serial} ({part.sku}) is not a component of {line.sku}")
    for item_id, qty in wanted.items():
        if scanned[ItemId(item_id)] != qty:
            c = by_id[item_id]
            raise InvalidInput(
                f"{line.sku} needs {qty} {c.name} ({c.sku}): scan {qty} serial"
                f"{'s' if qty != 1 else ''}, {scanned[ItemId(item_id)]} given"
            )
    items = {c.item_id: _active_item(session, line, c) for c in components}
    parts: list[_Part] = []
    for c in components:
        item = items[c.item_id]
        weight = item.price
        if c.serialized:
            for unit in (u for u in line.bundle_units if u.item_id == c.item_id):
                one = CartLine(
                    ItemId(item.id), item.sku, item.name, 0, item.tax_rate_bp,
                    unit_id=unit.unit_id, serial=unit.serial,
                )  # fmt: skip
                parts.append(_Part(item, one, weight))
        else:
            qty = c.qty * line.qty
            bulk = CartLine(ItemId(item.id), item.sku, item.name, 0, item.tax_rate_bp, qty=qty)
            parts.append(_Part(item, bulk, weight * qty))
    if all(item.price == 0 for item in items.values()):
        parts = [_Part(p.item, p.line, p.line.qty) for p in parts]
    return parts


def _active_item(session: Session, line: CartLine, component: ComponentRecord) -> SoldItem:
    item = SoldItem.of(session.get_one(Item, component.item_id))
    if not item.active:
        raise Conflict(f"{line.sku}: its component {item.sku} is deactivated")
    return item
