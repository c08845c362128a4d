"""A run of labels on a worker thread, fixed when Print is pressed: ESC/POS print jobs of a
chunk each (a long run starts printing at once; a jam loses one chunk), or one file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.config import Settings
from app.db.uow import Store
from app.devices.print_queue import PrintQueue
from app.devices.settings import PrinterSettings
from app.paperwork import labels as label_files
from app.paperwork.labels import CHUNK, LabelSource
from app.printing.documents import Label
from app.stock.records import ItemRecord, UnitRecord
from app.ui.workers import TaskProgress
from app.users.roles import Actor


@dataclass(frozen=True)
class LabelRun:
    """Everything the worker needs, fixed when Print is pressed."""

    store: Store
    actor: Actor
    settings: Settings
    source: LabelSource
    items: dict[str, ItemRecord]
    gs1: bool
    size_name: str

    def labels(self, units: list[UnitRecord]) -> list[Label]:
        return label_files.labels_for(self.settings.shop, units, self.items, gs1=self.gs1)

    def to_printer(
        self, queue: PrintQueue, printer: PrinterSettings, progress: TaskProgress, sent: list[str]
    ) -> str:
        """One print job per chunk; `sent` collects the job ids (read after a cancel)."""
        total, done = self.source.count, 0
        progress.step(0, total, f"Sending to {printer.name}…")
        from app.printing.escpos import render_labels

        for units in self.source.pages(self.store, self.actor, CHUNK):
            payload = render_labels(
                self.labels(units), width_mm=printer.paper_width_mm, profile=printer.profile
            )
            progress.check()  # rendered but not queued yet: a cancel now sends nothing more
            first, done = done + 1, done + len(units)
            title = f"Labels {first}–{done} of {total} · {self.source.title}"
            sent.append(queue.submit(printer.name, title, payload, kind="labels"))
            progress.step(done, total, f"{done:,} of {total:,} labels sent to {printer.name}")
        jobs = len(sent)
        return (
            f"{done:,} labels sent to {printer.name} in {jobs} print job{'s' if jobs != 1 else ''}."
        )

    def to_file(self, path: Path, progress: TaskProgress) -> str:
        total = self.source.count
        labels: list[Label] = []
        progress.step(0, total, "Preparing labels…")
        for units in self.source.pages(self.store, self.actor, CHUNK):
            labels += self.labels(units)
            progress.step(len(labels), total, f"{len(labels):,} of {total:,} labels prepared")
        progress.step(0, 0, f"Writing {path.name}…")
        size = label_files.write_labels(labels, path, label_files.label_size(self.size_name))
        return f"{len(labels):,} labels written to {path} ({size / 1024:,.0f} kB)."


def cancelled_message(jobs: int, count: int, *, printing: bool) -> str:
    """What a cancel of a run of `count` labels left behind: print jobs already sent print."""
    if printing and jobs:
        labels = min(jobs * CHUNK, count)
        return (
            f"Cancelled: {labels:,} labels in {jobs} job{'s' if jobs != 1 else ''} "
            "already sent will print (Print jobs can cancel them)."
        )
    return "Cancelled: nothing was printed or saved."
