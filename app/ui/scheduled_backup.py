"""The window's scheduled backup: every few minutes it looks whether today's backup is due
([backup] in the settings file, set on the Settings view's Backups page) and, if so, makes
it on a worker (app.ui.ops) with app.db.backup.scheduled_backup, which keeps the newest N.

The settings file is read at each look, so a change saved on any till applies from the next
one. A backup that fails (the folder gone with its drive, the disk full) changes nothing —
the older backups stay — and is one line for the manager (`reported`), tried again at the
next look; never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.config import config_path, load_settings
from app.db.backup import BackupMade, backup_due, scheduled_backup
from app.db.uow import Store
from app.errors import UserError
from app.ui.ops import Ops

log = logging.getLogger(__name__)

LOOK_EVERY_MS = 10 * 60 * 1000  # a day's backup a few minutes late is still today's


class ScheduledBackups(QObject):
    """Signals:
    reported(str, bool): how the last backup went, and whether it failed.
    """

    reported = Signal(str, bool)

    def __init__(
        self,
        store: Store,
        *,
        config_file: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
        interval_ms: int = LOOK_EVERY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._config_file = config_file
        self._clock = clock
        self.problem = ""  # the last failure, until a backup is made again
        self.last_made: BackupMade | None = None
        self._ops = Ops(store, self, show_problem=self._failed_line)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.look)

    @property
    def config_file(self) -> Path:
        return self._config_file or config_path()

    def start(self) -> None:
        """Looks now, then every interval."""
        self._timer.start()
        self.look()

    def stop(self) -> None:
        self._timer.stop()

    def look(self) -> None:
        """Makes the backup on a worker if it is due (a look while one runs is dropped)."""
        store, path, now = self._store, self.config_file, self._clock()

        def work() -> BackupMade | None:
            settings = load_settings(path).backup
            if not settings.enabled or not settings.folder:
                return None
            folder = Path(settings.folder).expanduser()
            if not backup_due(folder, now):
                return None
            return scheduled_backup(store, folder, keep=settings.keep, now=now)

        self._ops.run(work, success=self._made, failure=self._failed, name="scheduled backup")

    def _made(self, made: BackupMade | None) -> None:
        if made is None:
            return
        self.last_made, self.problem = made, ""
        log.info("scheduled backup %s (%d bytes)", made.path, made.size)
        self.reported.emit(f"{made.path.name}, {made.size / 1e6:.1f} MB", False)

    def _failed(self, error: UserError) -> None:
        self._failed_line(error.message)

    def _failed_line(self, message: str) -> None:
        self.problem = f"Scheduled backup failed: {message}"
        log.warning("%s", self.problem)
        self.reported.emit(self.problem, True)
