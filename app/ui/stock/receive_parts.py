"""What the Receive dialog shows besides its form: the serial preview (worked out ahead for
a scheme), the serials that clashed, the banner of a delivery received, and the question
before entered serials are thrown away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db.uow import Store
from app.errors import UserError
from app.stock import serials
from app.stock.lookups import DuplicateSerials, existing_keys
from app.stock.records import ItemRecord
from app.stock.serial_schemes import SerialScheme, generate
from app.stock.serials import SerialEntry
from app.ui.models.columns import AnyIndex
from app.ui.stock.serial_input import SerialInput

PREVIEW_LIMIT: Final = 1_000  # generated serials worked out ahead; the rest follow the scheme
CLASH_COLOUR: Final = QColor("#b3261e")


def generated_preview(store: Store, item: ItemRecord, count: int) -> tuple[list[str], str]:
    """The serials the item's scheme gives next (skipping taken ones), and a note.

    The service generates them again inside its transaction; another till receiving the
    same item meanwhile can move them on, which the result then shows.
    """
    scheme = SerialScheme(item.serial_prefix, item.serial_digits, item.serial_random)
    if scheme.random:
        return [], f"{count:,} random serials like {scheme.pattern}, drawn when you press Receive"
    shown = min(count, PREVIEW_LIMIT)
    with store.read() as session:
        made, _next = generate(
            scheme,
            shown,
            next_number=item.serial_next,
            taken=lambda keys: existing_keys(session, item.id, keys),
        )
    more = f" — the first {shown:,} shown" if shown < count else ""
    return made, f"From the scheme {scheme.pattern}, next number {item.serial_next:,}{more}"


class SerialListModel(QAbstractListModel):
    """A list of serials for a list view: only the rows on screen are ever drawn. Serials
    the store refused (already on file) are shown in red."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serials: list[str] = []
        self._clashing: frozenset[str] = frozenset()

    def set_serials(self, values: Sequence[str]) -> None:
        self.beginResetModel()
        self._serials = list(values)
        self._clashing = frozenset()
        self.endResetModel()

    def mark_clashing(self, values: Sequence[str]) -> None:
        self._clashing = frozenset(serials.serial_key(v) for v in values)
        if self._serials:
            self.dataChanged.emit(self.index(0), self.index(len(self._serials) - 1))

    def serials(self) -> list[str]:
        return list(self._serials)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._serials)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        serial = self._serials[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return serial
        if role == Qt.ItemDataRole.ForegroundRole and self._clashing:
            return CLASH_COLOUR if serials.serial_key(serial) in self._clashing else None
        return None


def count_text(values: Sequence[str], total: int) -> str:
    if not total:
        return "No serials yet"
    noun = "serial" if total == 1 else "serials"
    ends = f": {values[0]}" + (f" … {values[-1]}" if len(values) > 1 else "") if values else ""
    return f"{total:,} {noun}{ends}"


class SerialsBox(QGroupBox):
    """The serials of a delivery: entered one of four ways beside the preview of exactly
    what will be saved (only the rows on screen are drawn)."""

    def __init__(self) -> None:
        super().__init__("Serials")
        self.serial_input = SerialInput()
        self.preview_model = SerialListModel(self)
        self.preview = QListView()
        self.preview.setObjectName("SerialPreview")
        self.preview.setModel(self.preview_model)
        self.preview.setUniformItemSizes(True)  # a long list lays out at once
        self.count_label = QLabel()
        self.count_label.setObjectName("PreviewCount")
        self.count_label.setWordWrap(True)
        row = QHBoxLayout(self)
        row.addWidget(self.serial_input, 3)
        preview = QVBoxLayout()
        preview.addWidget(QLabel("Preview"))
        preview.addWidget(self.preview, 1)
        preview.addWidget(self.count_label)
        row.addLayout(preview, 2)

    def show_preview(self, values: list[str], total: int) -> None:
        self.preview_model.set_serials(values)
        self.count_label.setText(count_text(values, total))


def entries_problem(entries: Sequence[SerialEntry], quantity: int) -> str:
    """What stops these serials being received as the quantity typed ("" if nothing):
    the service refuses the same, this says it before Receive is pressed."""
    try:
        serials.check_count(entries, quantity)
    except UserError as exc:
        return f"{exc.message} (the quantity is {quantity:,})"
    repeated = serials.duplicates(entries) or serials.duplicate_asset_tags(entries)
    if repeated:
        problem = f"Repeated in the input: {', '.join(repeated[:10])}"
        if len(repeated) > 10:
            problem += f" and {len(repeated) - 10:,} more"
        return problem
    return ""


class ClashBox(QGroupBox):
    """The serials the store refused as already on file or repeated, side by side."""

    def __init__(self) -> None:
        super().__init__("Serials that clash — nothing was saved")
        self.setObjectName("DuplicatesBox")
        self.serials_list = QListWidget()
        self.serials_list.setObjectName("DuplicatesList")
        # Serials side by side, wrapping: a clash of twenty shows at a glance.
        self.serials_list.setFlow(QListView.Flow.LeftToRight)
        self.serials_list.setWrapping(True)
        self.serials_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.serials_list.setSpacing(4)
        self.serials_list.setMaximumHeight(110)
        QVBoxLayout(self).addWidget(self.serials_list)
        self.hide()

    def show_clash(self, error: DuplicateSerials) -> None:
        self.serials_list.clear()
        self.serials_list.addItems(error.serials)
        self.setTitle(
            f"{len(error.serials):,} serial{'s' if len(error.serials) != 1 else ''} "
            "clash — nothing was saved"
        )
        self.show()


def done_banner() -> tuple[QFrame, QLabel, QPushButton]:
    """The banner of a delivery received, with its Print labels… button; hidden until one is."""
    frame = QFrame()
    frame.setObjectName("DoneBanner")
    label = QLabel()
    label.setObjectName("DoneText")
    label.setWordWrap(True)
    button = QPushButton("Print labels…")
    button.setObjectName("PrimaryButton")
    row = QHBoxLayout(frame)
    row.addWidget(label, 1)
    row.addWidget(button)
    frame.hide()
    return frame, label, button


def ask_to_discard(parent: QWidget, count: int, answered: Callable[[bool], None]) -> QMessageBox:
    """Asks (window-modal, not blocking) before `count` entered serials are thrown away;
    `answered(True)` on Discard, else `answered(False)`. The box is returned so a locking
    till can dismiss it."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Receive stock",
        f"Throw away the {count:,} serial{'s' if count != 1 else ''} entered? Nothing"
        " has been received.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    box.finished.connect(
        lambda button: answered(button == QMessageBox.StandardButton.Discard.value)
    )
    box.open()
    return box
