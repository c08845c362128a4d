"""The one scan resolver: a scanned or typed code -> what it is, for every view.

In order (PRODUCT.md, Scans): a GS1 element string with (01) GTIN and (21) serial; an exact
unit serial (several items: the user picks); a product barcode or SKU; a receipt or ticket
number; else unknown. Resolving never changes anything.

- resolve.py: `resolve_scan`, the order above;
- units.py: serials and GS1 codes (and a serialized item's units here, for a picker);
- items.py: barcodes and SKUs, bundles with their components;
- documents.py: ticket, receipt and refund-slip numbers;
- results.py: what a scan found, and one dispatch on it (`ScanCases`);
- steps.py: what it means for a sale (`sale_step`).

The names imported here are the package's: they are listed once, below (pyproject.toml
lets this one module re-export what it imports, for mypy and ruff alike).
"""

from app.scan.resolve import MAX_CODE, resolve_scan
from app.scan.results import (
    BundleNeed,
    BundleScan,
    ItemScan,
    ItemSummary,
    SaleScan,
    ScanCases,
    ScannedUnit,
    ScanResult,
    SerialChoice,
    TicketScan,
    UnitScan,
    UnknownScan,
)
from app.scan.steps import (
    AddLine,
    CollectTicket,
    PickBundleUnits,
    PickUnit,
    ReceiptScanned,
    Refuse,
    SaleStep,
    sale_step,
)
from app.scan.units import PICKER_LIMIT
