"""Actions with a key: every button shows its shortcut, and the key works without the mouse."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
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


class _ShortcutsFirst(QObject):
    """Lets the owner's Ctrl shortcuts through a line edit that would take them as editing
    keys (Ctrl+E is "end of line" on Linux): what a button shows, the key does."""

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self._owner = owner

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False  # Del, Backspace and the letters stay the field's
        pressed = QKeySequence(event.keyCombination())
        for action in self._owner.actions():
            if action.isEnabled() and any(
                key.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                for key in action.shortcuts()
            ):
                return True  # not accepted: the shortcut map fires the owner's action
        return False


def shortcuts_first(field: QWidget, owner: QWidget) -> None:
    """Every Ctrl shortcut of `owner`'s actions works while `field` has the focus."""
    field.installEventFilter(_ShortcutsFirst(owner))
