"""The scheduled backup's settings (manager only; save_settings_as checks it): on or off,
the folder, how many to keep. The window makes the backups (app.ui.scheduled_backup);
this page says how the last one went. Saved to the settings file on a worker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import BackupSettings, Settings, check_backup_settings, load_settings
from app.db.backup import SCHEDULED_PREFIX, SCHEDULED_SUFFIX
from app.errors import InvalidInput, UserError
from app.ui.ops import Ops
from app.ui.settings.file_page import SettingsFilePage
from app.ui.widgets.message_line import MessageLine, sentence
from app.users.roles import Actor, Permission
from app.users.settings import save_settings_as

NOTE = (
    "While this window is open it backs up the store once a day into the folder below"
    f" ({SCHEDULED_PREFIX}DATE-TIME{SCHEDULED_SUFFIX}), keeping the newest ones and removing"
    " older ones. A backup holds every PIN hash and customer: keep the folder safe."
)
MANAGER_ONLY = "Only a manager can change the backups."


class BackupPage(SettingsFilePage):
    """Signals: saved(Settings) once the file holds the new settings."""

    saved = Signal(object)
    EDIT_PERMISSION = Permission.MANAGE_STORE

    def __init__(self, *, config_file: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(config_file=config_file, parent=parent)
        self.setObjectName("BackupPage")
        self.settings = Settings()
        self.message = MessageLine(name="NoteLine")
        self.last_line = MessageLine(name="NoteLine")
        self._ops = Ops(None, self, show_problem=self.message.show_problem)

        self.enabled_box = QCheckBox("Back up the store every day")
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("e.g. /media/backup-drive/serialpos")
        self.choose_button = QPushButton("Choose…")
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, BackupSettings.MAX_KEEP)
        self.keep_spin.setSuffix(" backups")
        self.keep_spin.setMaximumWidth(160)
        self.save_button = QPushButton("Save backup settings")
        self.save_button.setObjectName("PrimaryButton")
        self.revert_button = QPushButton("Revert")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("", self.enabled_box)
        folder_label = QLabel("&Folder")  # a row of two needs its label's buddy set by hand
        folder_label.setBuddy(self.folder_edit)
        form.addRow(folder_label, folder_row)
        form.addRow("&Keep the newest", self.keep_spin)
        form.addRow("Last backup", self.last_line)
        note = QLabel(NOTE)
        note.setObjectName("ReadOnlyNote")
        note.setWordWrap(True)
        inner = QVBoxLayout()
        inner.setContentsMargins(12, 10, 12, 4)
        inner.addWidget(note)
        inner.addLayout(form)
        inner.addStretch(1)
        buttons = self.button_row(self.message, self.revert_button, self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(inner, 1)
        layout.addLayout(buttons)
        self.folder_edit.setMinimumWidth(360)
        self.last_line.show_info("none made yet by this window")

        self.choose_button.clicked.connect(self._choose_folder)

    def editing_widgets(self) -> Sequence[QWidget]:
        return (self.enabled_box, self.folder_edit, self.choose_button, self.keep_spin,
                self.save_button, self.revert_button)  # fmt: skip

    def set_actor(self, actor: Actor | None) -> None:
        super().set_actor(actor)
        if actor is not None and not self.can_edit:
            self.message.show_info(MANAGER_ONLY)

    def load(self) -> None:
        """The file's [backup] table in the form."""
        try:
            self.settings = load_settings(self.config_file)
        except UserError as exc:
            self.message.show_problem(f"{exc.message} — fix or remove the file first.")
            return
        backup = self.settings.backup
        self.enabled_box.setChecked(backup.enabled)
        self.folder_edit.setText(backup.folder)
        self.keep_spin.setValue(backup.keep)
        self.message.clear()

    def show_report(self, text: str, failed: bool) -> None:
        """How the window's last scheduled backup went (from app.ui.scheduled_backup)."""
        if failed:
            self.last_line.show_problem(text)
        else:
            self.last_line.show_done(text)

    def backup_settings(self) -> BackupSettings:
        backup = BackupSettings(
            enabled=self.enabled_box.isChecked(),
            folder=self.folder_edit.text().strip(),
            keep=self.keep_spin.value(),
        )
        check_backup_settings(backup)
        return backup

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the backups",
                                                  self.folder_edit.text())  # fmt: skip
        if chosen:
            self.folder_edit.setText(chosen)

    def save(self) -> None:
        if not self.can_edit:
            self.message.show_problem(MANAGER_ONLY)
            return
        try:
            backup = self.backup_settings()
        except UserError as exc:
            self.message.show_problem(f"Not saved: {sentence(exc.message)}")
            return
        actor, path = self._actor, self.config_file
        assert actor is not None  # can_edit said so

        def write() -> Settings:
            folder = Path(backup.folder).expanduser()
            if backup.enabled and not folder.is_dir():
                raise InvalidInput(f"folder {backup.folder!r} does not exist")
            new = replace(load_settings(path), backup=backup)  # keep what else changed
            try:
                save_settings_as(actor, new, path)
            except OSError as exc:
                raise UserError(f"Could not write {path}: {exc.strerror}") from None
            return new

        self._ops.run(
            write,
            success=self._written,
            failure=lambda e: self.message.show_problem(f"Not saved: {e.message}"),
            name="save backups",
        )

    def _written(self, new: Settings) -> None:
        self.settings = new
        self.message.show_info(f"Saved to {self.config_file}")
        self.saved.emit(new)
