"""Finding the sale at the Refund desk: a scanned receipt number, or the serial of a unit
that was sold (its sale is found), read on a worker with the scan; a unit of the sale on
screen is chosen at once. What a scan cannot lead to is said, and nothing changes."""

from __future__ import annotations

from app.db.uow import Store
from app.errors import UserError
from app.pos.records import SaleRecord
from app.pos.sales import find_sale_of_unit, get_sale
from app.scan import (
    BundleScan,
    ItemScan,
    SaleScan,
    ScanResult,
    SerialChoice,
    UnitScan,
    UnknownScan,
    resolve_scan,
)
from app.ui.pos.scanning import TakesScans
from app.ui.refund.refund_parts import RefundParts
from app.users.roles import Actor

REFUND_SLIP_PREFIX = "RF-"


def _serial_of(result: ScanResult) -> str | None:
    """The serial a scan named, to choose its line on the sale found."""
    match result:
        case UnitScan(unit):
            return unit.serial
        case SerialChoice(units):
            return units[0].serial
    return None


def _sale_of(store: Store, actor: Actor, result: ScanResult) -> SaleRecord | None:
    """The sale a scanned receipt or sold unit leads to (read on the worker, with the scan)."""
    match result:
        case SaleScan(number) if not number.upper().startswith(REFUND_SLIP_PREFIX):
            return get_sale(store, actor, number)
    serial = _serial_of(result)
    return find_sale_of_unit(store, actor, serial) if serial is not None else None


class FindsTheSale(TakesScans, RefundParts):
    """Mixed into RefundView; `init_scans()` first."""

    def act_on_scan(self, code: str) -> bool:
        actor = self.actor
        if actor is None:
            return False
        self.pages.setCurrentIndex(0)
        # A unit of the open sale: it is one of the things coming back.
        row = self.lines_model.row_of_serial(code)
        if row >= 0:
            self._choose_scanned(row)
            return False
        store, location = self._store, self.till.location

        def look_up() -> tuple[ScanResult, SaleRecord | None]:
            result = resolve_scan(store, actor, code, location=location)
            return result, _sale_of(store, actor, result)

        return self.ops.run(look_up, success=self._found, failure=self._scan_refused, name="scan")

    def _scan_refused(self, error: UserError) -> None:
        self.message.show_problem(error.message)
        self.scan_done()

    def _found(self, found: tuple[ScanResult, SaleRecord | None]) -> None:
        try:
            if self.actor is not None:
                self._act_on(*found)
        finally:
            self.scan_done()

    def _act_on(self, result: ScanResult, sale: SaleRecord | None) -> None:
        match result:
            case SaleScan(number) if number.upper().startswith(REFUND_SLIP_PREFIX):
                self.message.show_problem(
                    f"{number} is a refund slip; scan the receipt of the sale instead"
                )
            case SaleScan() | UnitScan() | SerialChoice() if sale is not None:
                self._load(sale, _serial_of(result))
            case ItemScan(item) | BundleScan(item):
                self.message.show_problem(
                    f"that is the barcode of {item.name}: scan the receipt, or the serial"
                    " on the unit itself"
                )
            case UnknownScan(_code, message):
                self.message.show_problem(message)

    def _load(self, sale: SaleRecord, serial: str | None = None) -> None:
        self.lines_model.set_sale(sale)
        self.reason_edit.clear()
        self._show_sale(sale)
        row = self.lines_model.row_of_serial(serial) if serial else -1
        if row >= 0:
            self._choose_scanned(row)
        elif not any(line.refundable_qty for line in sale.lines):
            self.message.show_problem(f"everything on {sale.number} has been refunded already")
        elif self.lines_model.chosen():
            self.message.show_info(f"{sale.number}: its one unit is coming back — type the reason")
            self.reason_edit.setFocus()
        else:
            self.message.show_info(f"{sale.number}: Space on each line coming back")
            self.focus_lines()

    def _choose_scanned(self, row: int) -> None:
        line = self.lines_model.line(row)
        sale = self.lines_model.sale
        assert sale is not None
        if not self.lines_model.choose(row):
            self.message.show_problem(
                f"{line.serial or line.sku} from {sale.number} has been refunded already"
            )
            return
        self._select_row(row)
        self.message.show_info(
            f"{line.description} — {line.serial} is coming back from {sale.number}."
            " Scan more units, or type the reason"
        )
        self.reason_edit.setFocus()

    def _show_sale(self, sale: SaleRecord) -> None:
        customer = f" · Customer: {sale.customer}" if sale.customer else ""
        refunds = f" · Refunds so far: {', '.join(sale.refunds)}" if sale.refunds else ""
        self.sale_label.setText(
            f"<b>Sale {sale.number}</b> · {self._fmt.moment(sale.at)} · {sale.till} · "
            f"{sale.cashier}{customer} · Total {self._fmt.money(sale.total)}{refunds}"
        )
