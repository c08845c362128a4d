"""A settings page that edits one table of the settings file: which file, who may edit it,
and its editing widgets enabled for them only."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.config import config_path
from app.users.roles import Actor, Permission


class SettingsFilePage(QWidget):
    """Subclasses name EDIT_PERMISSION, their editing widgets and how they load the file."""

    EDIT_PERMISSION: ClassVar[Permission]

    def __init__(self, *, config_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config_file = config_file
        self._actor: Actor | None = None

    @property
    def config_file(self) -> Path:
        return self._config_file or config_path()

    @property
    def can_edit(self) -> bool:
        return self._actor is not None and self._actor.can(self.EDIT_PERMISSION)

    def editing_widgets(self) -> Sequence[QWidget]:
        """What only someone who may edit the page can use."""
        raise NotImplementedError

    def load(self) -> None:
        """The file's table in the form."""
        raise NotImplementedError

    def save(self) -> None:
        """The form's values into the file, through the settings service."""
        raise NotImplementedError

    def button_row(self, message: QWidget, revert: QPushButton, save: QPushButton) -> QHBoxLayout:
        """The page's foot: its message line, then Revert (reloads the file) and Save."""
        row = QHBoxLayout()
        row.setContentsMargins(12, 0, 12, 6)
        row.addWidget(message, 1)
        row.addWidget(revert)
        row.addWidget(save)
        save.clicked.connect(self.save)
        revert.clicked.connect(self.load)
        return row

    def set_actor(self, actor: Actor | None) -> None:
        self._actor = actor
        for widget in self.editing_widgets():
            widget.setEnabled(self.can_edit)
        if actor is not None:
            self.load()
