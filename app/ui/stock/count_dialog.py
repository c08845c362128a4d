"""A physical count of one location: scan every unit on the shelf, count bulk items by
quantity, see the live tally; Finish shows the variance, Apply writes it once confirmed.

Each scan is one worker call and the tally comes back from the service, so the screen
does the same small work on the 5,000th scan as on the first: the scan list keeps only
the latest rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.events import Change
from app.stock import queries
from app.stock.count_apply import apply_count, finish_count
from app.stock.count_export import write_variance_csv
from app.stock.count_log import CountScanSeen, latest_count_scans
from app.stock.count_records import (
    CountApplied,
    CountedUnit,
    CountScanResult,
    CountTally,
    CountVariance,
    Listed,
    ScanVerdict,
)
from app.stock.counts import count_quantity, scan_count
from app.stock.records import ItemRecord
from app.ui.ops import Ops
from app.ui.stock import asking
from app.ui.widgets.message_line import MessageLine, sentence
from app.ui.widgets.scan_list import ScanList, ScanShown
from app.users.roles import Actor

SHOWN_SCANS = 300
_COLOURS = {
    ScanVerdict.EXPECTED: "#1e7d3a",
    ScanVerdict.OTHER_LOCATION: "#a15c00",
    ScanVerdict.OTHER_STATUS: "#b3261e",
    ScanVerdict.UNKNOWN: "#b3261e",
}


def variance_text(v: CountVariance) -> str:
    """The variance as the person reads it before applying: each group's size and its
    first serials (the store counts a group; it never sends all of a large one)."""

    def listed(title: str, group: Listed[Any], text: Callable[[Any], str] = str) -> str:
        if not group.total:
            return ""
        more = group.total - len(group.first)
        shown = ", ".join(text(u) for u in group.first)
        return f"{title} ({group.total:,}): {shown}" + (
            f" … and {more:,} more\n" if more > 0 else "\n"
        )

    def serial(unit: CountedUnit) -> str:
        return unit.serial

    t = v.tally
    text = (
        f"{t.location}: {t.expected:,} expected, {t.counted:,} counted, {t.missing:,} missing, "
        f"{t.unexpected:,} unexpected\n\n"
    )
    text += listed("Missing — written off as 'missing at count'", v.missing, serial)
    text += listed("At another location — moved here", v.moved_here, serial)
    text += listed("Written off earlier — back in stock here", v.found, serial)
    text += listed(
        "Sold, used or away — listed only", v.not_moved, lambda u: f"{u.serial} ({u.state})"
    )
    text += listed("Unknown serials — receive them", v.unknown)
    for q in v.quantities:
        if q.difference:
            text += f"{q.sku} {q.name}: {q.on_record:,} on record, {q.counted:,} counted\n"
    if text.endswith("\n\n"):
        text += "No variance: the shelf matches the records.\n"
    return text


class CountDialog(QDialog):
    """One open count. Scans arrive from the window's scanner (handle_scan) or the field;
    they are sent one at a time in the order scanned."""

    def __init__(
        self, store: Store, actor: Actor, tally: CountTally, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("CountDialog")
        self.setWindowTitle(f"SerialPOS — Count of {tally.location}")
        self._store = store
        self._actor = actor
        self.tally = tally
        self.variance: CountVariance | None = None
        self.applied: CountApplied | None = None
        self.message = MessageLine(name="NoteLine")
        self._ops = Ops(store, self, show_problem=self.message.show_problem)
        self.scanning = ScanList(
            self._ops,
            self.message,
            placeholder="Scan every unit on the shelf (or type, then Enter)",
            keep=SHOWN_SCANS,
            check=self._check_scan,
            shown=self._scanned,
            refusal=self._refusal,
        )

        title = QLabel(f"Count {tally.count_id} — {tally.location}")
        title.setObjectName("DialogTitle")
        self.figures: dict[str, QLabel] = {}
        tally_box = QGroupBox("Tally")
        grid = QGridLayout(tally_box)
        for column, key in enumerate(("expected", "counted", "missing", "unexpected")):
            figure = QLabel("0")
            figure.setObjectName("TallyFigure")
            figure.setAlignment(Qt.AlignmentFlag.AlignCenter)
            figure.setStyleSheet("font-size: 22px; font-weight: bold;")
            name = QLabel(key.capitalize())
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(figure, 0, column)
            grid.addWidget(name, 1, column)
            self.figures[key] = figure

        bulk = QGroupBox("Bulk items here: counted by quantity")
        bulk_row = QHBoxLayout(bulk)
        self.bulk_item = QComboBox()
        self.bulk_item.setMinimumWidth(260)
        self.bulk_qty = QSpinBox()
        self.bulk_qty.setRange(0, 1_000_000)
        self.bulk_button = QPushButton("Set quantity")
        self.bulk_button.clicked.connect(self.set_quantity)
        bulk_row.addWidget(self.bulk_item, 1)
        bulk_row.addWidget(self.bulk_qty)
        bulk_row.addWidget(self.bulk_button)

        self.variance_view = QPlainTextEdit()
        self.variance_view.setReadOnly(True)
        self.variance_view.setPlaceholderText("Finish shows the variance here.")
        self.variance_view.setObjectName("VarianceText")

        self.close_button = QPushButton("Save and close")
        self.close_button.setToolTip("Every scan is saved as it is made: resume the count later")
        self.close_button.clicked.connect(self.reject)
        self.finish_button = QPushButton("Finish — show the variance")
        self.finish_button.clicked.connect(self.finish)
        self.csv_button = QPushButton("Variance CSV…")
        self.csv_button.setToolTip("Every unit of the variance, to a CSV file")
        self.csv_button.setEnabled(False)
        self.csv_button.clicked.connect(lambda: self.export_variance())
        self.apply_button = QPushButton("Apply…")
        self.apply_button.setObjectName("PrimaryButton")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.ask_apply)
        # Enter belongs to the scan field: no button of this dialog takes it by default.
        for button in (
            self.bulk_button,
            self.close_button,
            self.finish_button,
            self.csv_button,
            self.apply_button,
        ):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)  # the message line has the row above: a long refusal fits
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.finish_button)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.apply_button)

        left = QVBoxLayout()
        left.addWidget(self.scanning.field)
        left.addWidget(tally_box)
        left.addWidget(self.scanning.last)
        left.addWidget(bulk)
        left.addWidget(self.variance_view, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Scanned (latest first)"))
        right.addWidget(self.scanning.scans, 1)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 16)
        layout.addWidget(title)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(900, 620)
        self._show_tally(tally)
        self.scanning.field.setFocus()
        self._ops.run(
            lambda: queries.list_items(store, actor), success=self._bulk_items, name="items"
        )
        if tally.counted or tally.unexpected:  # a resumed count lists its scans again
            self._ops.run(
                lambda: latest_count_scans(store, actor, tally.count_id, limit=SHOWN_SCANS),
                success=self._earlier_scans,
                name="earlier scans",
            )

    def _earlier_scans(self, seen: list[CountScanSeen]) -> None:
        for scan in seen:  # newest first, below any scan made since the dialog opened
            text = sentence(scan.message)
            shown = ScanShown(text, _COLOURS[scan.verdict], scan.verdict.value, text)
            self.scanning.list_earlier(shown)

    def _bulk_items(self, items: list[ItemRecord]) -> None:
        for item in items:
            if not item.serialized:
                self.bulk_item.addItem(f"{item.sku} — {item.name}", item.sku)
        self.bulk_item.setEnabled(self.bulk_item.count() > 0)
        self.bulk_button.setEnabled(self.bulk_item.count() > 0)

    # ------------------------------------------------------------------ scanning

    def handle_scan(self, code: str) -> None:
        self.scanning.take(code)

    def _refusal(self) -> str | None:
        return "This count was applied; start a new one." if self.applied is not None else None

    def _check_scan(self, code: str) -> Callable[[], CountScanResult]:
        count_id, store, actor = self.tally.count_id, self._store, self._actor
        return lambda: scan_count(store, actor, count_id, code)

    def _scanned(self, result: CountScanResult) -> ScanShown:
        self._show_tally(result.tally)
        self._stale_variance()
        colour = "#a15c00" if result.already_scanned else _COLOURS[result.verdict]
        text = sentence(result.message)
        return ScanShown(text, colour, result.verdict.value, text)

    def set_quantity(self) -> None:
        sku, qty = self.bulk_item.currentData(), self.bulk_qty.value()
        if not sku:
            return
        store, actor, count_id = self._store, self._actor, self.tally.count_id

        def counted(tally: CountTally) -> None:
            self._show_tally(tally)
            self._stale_variance()
            self.message.show_done(f"{sku}: {qty:,} counted.")

        self._ops.run(
            lambda: count_quantity(store, actor, count_id, sku, qty), success=counted, name="qty"
        )

    def _show_tally(self, tally: CountTally) -> None:
        self.tally = tally
        for key, figure in self.figures.items():
            figure.setText(f"{getattr(tally, key):,}")

    def _stale_variance(self) -> None:
        if self.variance is not None:
            self.variance = None
            self.apply_button.setEnabled(False)
            self.variance_view.setPlainText("Scanned since: Finish again to see the variance.")

    # ------------------------------------------------------------------ finishing

    def finish(self) -> None:
        if self.scanning.busy:
            self.message.show_info("Scans still being checked…")
            return
        store, actor, count_id = self._store, self._actor, self.tally.count_id
        self._ops.run(
            lambda: finish_count(store, actor, count_id),
            success=self._show_variance,
            name="finish",
        )

    def _show_variance(self, variance: CountVariance) -> None:
        self.variance = variance
        self._show_tally(variance.tally)
        self.variance_view.setPlainText(variance_text(variance))
        self.apply_button.setEnabled(True)
        self.csv_button.setEnabled(True)
        self.apply_button.setFocus()

    def export_variance(self, path: Path | None = None) -> None:
        """Every unit of the variance to a CSV file (the screen lists the first of each
        group); written page by page on a worker."""
        if path is None:
            name = f"count-{self.tally.count_id}-variance.csv"
            chosen, _f = QFileDialog.getSaveFileName(self, "Variance CSV", name, "CSV (*.csv)")
            if not chosen:
                return
            path = Path(chosen)
        store, actor, count_id, target = self._store, self._actor, self.tally.count_id, path
        self._ops.run(
            lambda: write_variance_csv(store, actor, count_id, target),
            success=lambda n: self.message.show_done(f"{n:,} units written to {target.name}."),
            name="csv",
        )

    def ask_apply(self) -> None:
        v = self.variance
        if v is None:
            return
        text = (
            f"Apply the count of {v.tally.location}? {v.missing.total:,} missing unit(s) are "
            f"written off, {v.moved_here.total + v.found.total:,} moved here"
            + (
                f", {sum(1 for q in v.quantities if q.difference):,} quantities adjusted"
                if v.quantities
                else ""
            )
            + ". A count is applied once."
        )
        if not asking.confirm(self, "Apply count", text, action="Apply"):
            return
        approver = None
        if v.missing.total:
            what = (
                f"write off {v.missing.total:,} unit(s) missing at the count of {v.tally.location}"
            )
            go_on, approver = asking.approval(self._store, self._actor, what, self)
            if not go_on:
                return
        store, actor, count_id = self._store, self._actor, self.tally.count_id
        self._ops.run(
            lambda: apply_count(store, actor, count_id, approver=approver),
            success=self._applied,
            failure=lambda e: self.message.show_problem(f"Not applied: {e.message}"),
            changes={Change.UNITS},
            name="apply",
        )

    def _applied(self, applied: CountApplied) -> None:
        self.applied = applied
        self._show_tally(applied.variance.tally)
        by = f" (approved by {applied.approved_by})" if applied.approved_by else ""
        self.message.show_done(f"Count applied{by}.")
        self.scanning.field.setEnabled(False)
        self.finish_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.csv_button.setEnabled(False)  # applied: the store no longer shows the variance
        self.bulk_button.setEnabled(False)
        self.close_button.setText("Close")
