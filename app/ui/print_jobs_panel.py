"""Print jobs: what the print queue holds, live, with Retry and Cancel for the chosen job.

The queue tells its listeners on its own thread; the panel only hears it through the
DeviceBridge's printJobChanged signal, which Qt delivers in the GUI thread. Each event
carries the whole job as it is now, so a row is simply replaced by the newer snapshot.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from app.devices.print_jobs import FINISHED_STATES, JobEvent, JobState, PrintJob
from app.devices.print_queue import PrintQueue
from app.ui.bridge import DeviceBridge
from app.ui.models.columns import RIGHT, AnyIndex, Column, column_data
from app.ui.models.headed import HeadedTableModel
from app.ui.ops import Ops
from app.ui.widgets.tables import ShopTable, apply_column_defaults
from app.users.roles import Actor

STATE_TITLES = {
    JobState.QUEUED: "Waiting",
    JobState.PRINTING: "Printing",
    JobState.RETRYING: "Will retry",
    JobState.DONE: "Printed",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}
STATE_COLOURS = {
    JobState.FAILED: QColor("#b3261e"),
    JobState.RETRYING: QColor("#a15c00"),
    JobState.DONE: QColor("#52606d"),
    JobState.CANCELLED: QColor("#7b8794"),
}
RETRYABLE = frozenset({JobState.FAILED, JobState.CANCELLED, JobState.RETRYING})
# A job in one of these has not printed and someone should know (the side bar counts them).
NOT_PRINTED = frozenset({JobState.RETRYING, JobState.FAILED, JobState.UNSURE})
NO_JOBS_TEXT = "No print jobs — receipts and labels sent to a printer appear here"


def state_text(job: PrintJob, now: float | None = None) -> str:
    """The state as the shop says it; a job waiting to retry says when."""
    title = STATE_TITLES.get(job.state, job.state.value)
    if job.state is JobState.RETRYING and job.next_attempt_at:
        seconds = max(0, round(job.next_attempt_at - (now or time.time())))
        return f"{title} in {seconds} s"
    return title


def job_time(job: PrintJob) -> str:
    """When the job last changed, in local time (today's jobs need no date)."""
    moment = datetime.fromtimestamp(job.updated_at)
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")


JOB_COLUMNS: list[Column[PrintJob]] = [
    Column("title", "Job", lambda j: j.title, width=220),
    Column("printer", "Printer", lambda j: j.printer, width=120),
    Column("state", "State", state_text, width=130),
    Column("attempts", "Tries", lambda j: str(j.attempts), align=RIGHT, width=50),
    Column(
        "error",
        "Last problem",
        lambda j: j.last_error,
        width=260,
        stretch=True,  # the problem text takes the spare width, and wraps (never cut)
        tooltip=lambda j: j.last_error,
    ),
    Column("time", "Time", job_time, width=90),
]


class JobsTableModel(HeadedTableModel):
    """The queue's jobs, one row each, in the order they were sent."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = JOB_COLUMNS
        self.headings = self.headings_of(JOB_COLUMNS)
        self._jobs: list[PrintJob] = []

    # --- the queue's side ---------------------------------------------------------------

    def set_jobs(self, jobs: list[PrintJob]) -> None:
        self.beginResetModel()
        self._jobs = sorted(jobs, key=lambda j: j.seq)
        self.endResetModel()

    def apply(self, event: JobEvent) -> None:
        """One change from the queue: a new job, a newer snapshot, or a pruned job."""
        job = event.job
        row = self.row_of(job.id)
        if event.removed:
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._jobs[row]
                self.endRemoveRows()
            return
        if row < 0:
            # Submission order: new jobs go last, but a late event of an older job slots in.
            row = next((r for r, j in enumerate(self._jobs) if j.seq > job.seq), len(self._jobs))
            self.beginInsertRows(QModelIndex(), row, row)
            self._jobs.insert(row, job)
            self.endInsertRows()
            return
        if job.updated_at < self._jobs[row].updated_at:
            return  # an event older than the snapshot the panel already shows
        self._jobs[row] = job
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def tick(self) -> None:
        """Redraw the states of jobs waiting to retry (their countdown)."""
        for row, job in enumerate(self._jobs):
            if job.state is JobState.RETRYING:
                cell = self.index(row, 2)
                self.dataChanged.emit(cell, cell)

    # --- reading ------------------------------------------------------------------------

    def job(self, row: int) -> PrintJob | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def jobs(self) -> list[PrintJob]:
        return list(self._jobs)

    def row_of(self, job_id: str) -> int:
        return next((row for row, job in enumerate(self._jobs) if job.id == job_id), -1)

    def row_total(self) -> int:
        return len(self._jobs)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self._jobs[index.row()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 2:
            return STATE_COLOURS.get(job.state)
        return column_data(self.columns[index.column()], job, role)


class PrintJobsPanel(QWidget):
    """The print queue's jobs with their state, and Retry / Cancel for the selected one.

    Usable as a dock or as a view in the side bar (it has what ShopView asks for).
    Signals:
        problem(str): a job that could not be retried or cancelled (it changed meanwhile).
        summary_changed(str): e.g. "2 waiting · 1 failed", for a dock title or badge.
    """

    title = "Print jobs"
    problem = Signal(str)
    summary_changed = Signal(str)
    trouble_changed = Signal(int)  # jobs that did not print (retrying, failed, unsure)

    def __init__(
        self, queue: PrintQueue, bridge: DeviceBridge, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("PrintJobsPanel")
        self.trouble = 0
        self._queue = queue
        self._ops = Ops(None, self, show_problem=self.problem.emit)
        self.model = JobsTableModel(self)
        self.table = ShopTable(empty_text=NO_JOBS_TEXT)
        self.table.setObjectName("PrintJobsTable")
        self.table.setModel(self.model)
        apply_column_defaults(self.table, self.model.columns)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setToolTip("Send the selected job to its printer again now")
        self.cancel_button = QPushButton("Cancel job")
        self.cancel_button.setToolTip("Do not print the selected job")
        self.summary_label = QLabel()
        self.summary_label.setObjectName("CountLine")

        # Connected before the first snapshot is read, so no change falls in between.
        bridge.printJobChanged.connect(self._job_changed)
        self.retry_button.clicked.connect(self.retry_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self.model.tick)
        self._countdown.start()

        buttons = QHBoxLayout()
        buttons.addWidget(self.summary_label, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    # --- ShopView -------------------------------------------------------------------------

    def set_actor(self, actor: Actor | None) -> None:
        """Anyone logged in may retry or cancel a job; locked, nothing can be pressed."""
        self.setEnabled(actor is not None)

    def refresh(self) -> None:
        """Read every job from the queue again (events keep it current in between).

        Read here, on the GUI thread: it is a copy of the queue's list in memory, and only
        a snapshot read before the events that follow it are applied keeps them in order
        (one read on a worker could land after a newer event and undo it)."""
        self.model.set_jobs(self._queue.jobs())
        self._summarise()

    def focus_search(self) -> None:
        self.table.setFocus()

    # --- acting on the selected job ---------------------------------------------------------

    def selected_job(self) -> PrintJob | None:
        index = self.table.currentIndex()
        return self.model.job(index.row()) if index.isValid() else None

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.table.selectRow(row)

    # Retry and cancel write the job's state file (fsynced): on a worker, not the GUI.

    def retry_selected(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        refused = f"{job.title}: cannot be retried now ({state_text(job).lower()})"
        self._ops.run(lambda: self._queue.retry(job.id), success=self._said(refused), name="retry")

    def cancel_selected(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        refused = f"{job.title}: already {state_text(job).lower()}"
        self._ops.run(
            lambda: self._queue.cancel(job.id), success=self._said(refused), name="cancel"
        )

    def _said(self, refused: str) -> Callable[[bool], None]:
        def answered(done: bool) -> None:
            if not done:
                self.problem.emit(refused)

        return answered

    # --- events -------------------------------------------------------------------------------

    def _job_changed(self, event: object) -> None:
        if not isinstance(event, JobEvent):
            return
        self.model.apply(event)
        self._update_buttons()
        self._summarise()

    def _update_buttons(self) -> None:
        job = self.selected_job()
        self.retry_button.setEnabled(job is not None and job.state in RETRYABLE)
        self.cancel_button.setEnabled(job is not None and job.state not in FINISHED_STATES)

    def _summarise(self) -> None:
        jobs = self.model.jobs()
        waiting = sum(j.state not in FINISHED_STATES for j in jobs)
        failed = sum(j.state is JobState.FAILED for j in jobs)
        parts = [f"{waiting} waiting"] if waiting else []
        parts += [f"{failed} failed"] if failed else []
        trouble = sum(j.state in NOT_PRINTED for j in jobs)
        if trouble != self.trouble:
            self.trouble = trouble
            self.trouble_changed.emit(trouble)
        text = " · ".join(parts) or ("All printed" if jobs else "")
        if text != self.summary_label.text():
            self.summary_label.setText(text)
            self.summary_changed.emit(text)
