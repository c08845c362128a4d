"""Actions with a key: every button shows its shortcut, and the key works without the mouse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget


def key_name(key: str) -> str:
    """'Return' -> 'Enter', 'Ctrl+Del' -> 'Ctrl+Del': as printed on the keyboard."""
    if key in ("Return", "Enter"):
        return "Enter"
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def key_button(text: str, key: str, slot: Callable[[], object]) -> QPushButton:
    """A button labelled 'Text   Key' for a key that its dialog or field already handles
    (Enter in a line edit, Escape in a dialog). It never takes the focus, and it is never
    a dialog's auto-default button: Enter belongs to the field that has the focus."""
    button = QPushButton(f"{text}   {key_name(key)}")
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setAutoDefault(False)
    button.setToolTip(f"{text} ({key_name(key)})")
    button.clicked.connect(lambda _checked=False: slot())
    return button


def keyed_action(
    owner: QWidget,
    text: str,
    key: str,
    slot: Callable[[], object],
    *,
    object_name: str = "",
) -> tuple[QAction, QPushButton]:
    """An action on `owner` whose key works while the focus is inside `owner` (not in its
    dialogs), and its button labelled 'Text   Key'."""
    action = QAction(text, owner)
    action.setShortcut(QKeySequence(key))
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    owner.addAction(action)
    button = key_button(text, key, action.trigger)
    if object_name:
        button.setObjectName(object_name)
    action.enabledChanged.connect(button.setEnabled)
    return action, button
