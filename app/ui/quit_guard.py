"""Quitting with a sale open: the sale is kept either way (it comes back at the next
log-in on this till), but nobody quits on it by accident."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def ask_before_quitting(
    parent: QWidget, items: int, answered: Callable[[bool], None]
) -> QMessageBox:
    """The question, open (window-modal, not blocking); `answered(True)` to quit."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "SerialPOS — Quit",
        f"A sale is open ({items} item{'s' if items != 1 else ''}). Quit anyway?\n"
        "It is kept and comes back when you log in on this till again.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.button(QMessageBox.StandardButton.Yes).setText("Quit")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    box.finished.connect(lambda result: answered(result == QMessageBox.StandardButton.Yes.value))
    box.open()
    return box
