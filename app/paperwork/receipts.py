"""Receipts: a committed sale or refund -> the printable `Receipt` document, and its text.

This sits between the domain and printing (ARCHITECTURE.md rules 2 and 4: `pos` may not
import `printing`, and `printing` knows no models), so the mapping lives here.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.config import ShopSettings
from app.money import format_money
from app.pos.records import (
    DayReport,
    RefundRecord,
    SaleLineRecord,
    SaleRecord,
    TenderRecord,
)
from app.printing.documents import (
    BarcodeRow,
    FeedRow,
    Receipt,
    ReceiptLine,
    Row,
    TenderLine,
    TextRow,
    TotalLine,
    receipt_rows,
    two_columns,
)

COLUMNS_80MM = 48


def _money(shop: ShopSettings, minor: int) -> str:
    return format_money(minor, currency=shop.currency, locale=shop.locale)


def _local(at: datetime) -> str:
    """Stored times are naive UTC; the receipt shows the shop's local time."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _tenders(shop: ShopSettings, tenders: list[TenderRecord]) -> tuple[TenderLine, ...]:
    return tuple(
        TenderLine(t.kind.title(), _money(shop, t.amount), t.reference or None) for t in tenders
    )


def sale_receipt(shop: ShopSettings, sale: SaleRecord, *, reprint: bool = False) -> Receipt:
    """The customer's receipt: serials and warranty end dates on each serialized line; a
    bundle's components under it (each unit with its serial and warranty), a price a
    manager changed with the price it replaced, and the repair ticket the sale collected."""
    lines = tuple(_sale_line(shop, line) for line in sale.lines)
    tax_label = "incl. tax" if sale.prices_include_tax else "Tax"
    totals = [TotalLine("Subtotal", _money(shop, sale.subtotal))]
    if sale.discount:
        totals.append(TotalLine("Discounts", f"-{_money(shop, sale.discount)}"))
    totals += [
        TotalLine(tax_label, _money(shop, sale.tax)),
        TotalLine("TOTAL", _money(shop, sale.total)),
    ]
    return Receipt(
        store_lines=(shop.name, *shop.address_lines),
        title="SALE (REPRINT)" if reprint else "SALE",
        number=sale.number,
        date=_local(sale.at),
        cashier=sale.cashier,
        customer=sale.customer,
        lines=lines,
        totals=tuple(totals),
        tenders=_tenders(shop, sale.tenders),
        change=_money(shop, sale.change) if sale.change else None,
        footer_lines=shop.receipt_footer,
        references=(f"Repair ticket: {sale.ticket_number}",) if sale.ticket_number else (),
    )


def _sale_line(shop: ShopSettings, line: SaleLineRecord) -> ReceiptLine:
    warranty = line.warranty_end.isoformat() if line.warranty_end else None
    if line.bundle_line_no is not None:  # a kit's part: priced in the kit's line above
        qty = f"{line.qty} x " if line.qty != 1 else ""
        return ReceiptLine(
            description=f"  + {qty}{line.description}",
            qty=1,
            unit_price="",
            total="",
            serial=line.serial,
            warranty_end=warranty,
        )
    changed = None
    if line.list_price is not None:
        changed = f"Price changed from {_money(shop, line.list_price)}"
    return ReceiptLine(
        description=line.description,
        qty=line.qty,
        unit_price=_money(shop, line.unit_price),
        total=_money(shop, line.total),
        serial=line.serial,
        warranty_end=warranty,
        discount=f"-{_money(shop, line.discount)}" if line.discount else None,
        note=changed,
    )


def refund_receipt(shop: ShopSettings, refund: RefundRecord) -> Receipt:
    """The refund slip: what came back, why, who approved, and the money given back."""
    lines = tuple(
        ReceiptLine(
            description=line.description,
            qty=line.qty,
            unit_price=_money(shop, line.amount // line.qty),
            total=f"-{_money(shop, line.amount)}",
            serial=line.serial,
        )
        for line in refund.lines
    )
    return Receipt(
        store_lines=(shop.name, *shop.address_lines),
        title="REFUND",
        number=refund.number,
        date=_local(refund.at),
        cashier=f"{refund.cashier} (approved by {refund.approved_by})",
        customer=refund.customer,
        lines=lines,
        totals=(
            TotalLine("Original sale", refund.sale_number),
            TotalLine("Reason", refund.reason),
            TotalLine("Restocked to", refund.restock),
            TotalLine("incl. tax", _money(shop, refund.tax)),
            TotalLine("REFUNDED", f"-{_money(shop, refund.total)}"),
        ),
        tenders=_tenders(shop, refund.tenders),
    )


def day_report_lines(shop: ShopSettings, report: DayReport) -> list[tuple[str, str]]:
    """End of day as label/amount pairs, for the screen and for printing."""

    def money(minor: int) -> str:
        return _money(shop, minor)

    rows = [
        ("Till", report.till),
        ("Day", report.day.isoformat()),
        ("Sales", str(report.sales)),
        ("Gross", money(report.gross)),
        ("Discounts", f"-{money(report.discounts)}"),
        ("Net sales", money(report.net_sales)),
        ("of which tax", money(report.tax)),
    ]
    rows += [(f"Taken: {kind}", money(v)) for kind, v in sorted(report.taken_by_tender.items())]
    rows += [("Change given", f"-{money(report.change_given)}"), ("Refunds", str(report.refunds))]
    rows += [
        (f"Refunded: {kind}", f"-{money(v)}")
        for kind, v in sorted(report.refunded_by_tender.items())
    ]
    rows.append(("Cash expected in drawer", money(report.cash_expected)))
    return rows


def day_report_rows(shop: ShopSettings, report: DayReport, columns: int) -> list[Row]:
    """End of day laid out for the receipt roll: the same slip on screen and on paper."""
    rows: list[Row] = [
        TextRow(shop.name, bold=True, align="center"),
        TextRow("END OF DAY", bold=True, align="center", tall=True),
        FeedRow(),
    ]
    for label, value in day_report_lines(shop, report):
        rows += [TextRow(line) for line in two_columns(label, value, columns)]
    rows.append(FeedRow(2))
    return rows


def rows_text(rows: tuple[Row, ...] | list[Row], columns: int) -> str:
    """Plain text of laid-out rows (terminal output and tests); a barcode shows as *DATA*."""
    out: list[str] = []
    for row in rows:
        if isinstance(row, TextRow):
            text = row.text
            out.append(text.center(columns).rstrip() if row.align == "center" else text)
        elif isinstance(row, BarcodeRow):
            out.append(f"*{row.data}*".center(columns).rstrip())
        elif isinstance(row, FeedRow):
            out.extend([""] * row.lines)
    return "\n".join(out)


def receipt_text(receipt: Receipt, columns: int = COLUMNS_80MM) -> str:
    return rows_text(receipt_rows(receipt, columns), columns)
