"""What a scan means for a sale (`sale_step`): decided here once for the window, the
command line and the tests."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from app.errors import InvalidInput
from app.ids import UnitId
from app.pos.cart import BundlePart, CartLine
from app.scan.results import (
    BundleNeed,
    BundleScan,
    ItemScan,
    ItemSummary,
    ScanCases,
    ScannedUnit,
    ScanResult,
    TicketScan,
    UnknownScan,
)


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
    return _SaleCases(location).answer(result)


class _SaleCases(ScanCases[SaleStep]):
    def __init__(self, location: str) -> None:
        self._location = location

    def unit(self, unit: ScannedUnit) -> SaleStep:
        if unit.reason:
            return Refuse(unit.reason)
        return AddLine(unit.cart_line(), f"Added {unit.item.name} — {unit.serial}")

    def serial_choice(self, units: tuple[ScannedUnit, ...]) -> SaleStep:
        serial = units[0].serial
        skus = ", ".join(sorted(u.item.sku for u in units))
        return PickUnit(
            f"Several items have serial {serial}: which one is it?",
            units,
            f"{serial} is a serial of several items ({skus}): scan its GS1 code",
            with_item=True,
        )

    def item(self, found: ItemScan) -> SaleStep:
        item, units_here, location = found.item, found.units_here, self._location
        if not item.serialized:
            return AddLine(found.cart_line(), f"Added {item.name}")
        # A serialized item's barcode names no unit: one of those in stock here, if any.
        if not units_here:
            return Refuse(
                f"no {item.name} in stock at {location}: scan the serial on the unit itself"
            )
        more = " (the first ones; scan or type the serial to find others)"
        here = ", ".join(u.serial for u in units_here[:10])
        return PickUnit(
            f"{item.name} ({item.sku}) — which unit?",
            units_here,
            f"{item.sku} is serialized: give the unit's serial (here: {here})",
            note=f"In stock at {location}{more if found.more_here else ''}",
        )

    def bundle(self, found: BundleScan) -> SaleStep:
        item, components = found.item, found.components
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

    def receipt(self, number: str) -> SaleStep:
        return ReceiptScanned(number)

    def ticket(self, found: TicketScan) -> SaleStep:
        return CollectTicket(found.number)

    def unknown(self, found: UnknownScan) -> SaleStep:
        return Refuse(found.message)
