"""The window's side bar: the list of views, and at its foot who is acting and the Lock
button. The window decides which view each row shows; the bar only shows them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.users.roles import ROLE_TITLES, Actor


class SideBar(QFrame):
    """The list of views, and at its foot who is acting and the Lock button."""

    def __init__(self, shop_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SideBar")
        self.setFixedWidth(180)
        title = QLabel("SerialPOS")
        title.setObjectName("SideBarTitle")
        shop = QLabel(shop_name)
        shop.setObjectName("SideBarShop")
        shop.setWordWrap(True)
        self.nav = QListWidget()
        self.nav.setObjectName("NavList")
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.user_label = QLabel()
        self.user_label.setObjectName("SideBarUser")
        self.user_label.setWordWrap(True)
        self.lock_button = QPushButton("Lock   Ctrl+L")
        self.lock_button.setObjectName("LockButton")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 16, 0, 14)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(shop)
        layout.addSpacing(18)
        layout.addWidget(self.nav, 1)
        layout.addWidget(self.user_label)
        layout.addWidget(self.lock_button)

    def show_actor(self, actor: Actor | None) -> None:
        if actor is None:
            self.user_label.clear()
            return
        role = ROLE_TITLES[actor.role].capitalize()
        self.user_label.setText(
            f"<b>{escape(actor.name)}</b><br><span style='color:#9aa5b1'>{role}</span>"
        )

    def add_view(self, title: str, shortcut: str) -> None:
        item = QListWidgetItem(title)
        item.setToolTip(f"{title} ({shortcut})")
        self.nav.addItem(item)

    def show_unprinted(self, row: int, title: str, count: int) -> None:
        """Print jobs ⚠ 2 on `row` (the view `title`): jobs that did not print."""
        item = self.nav.item(row)
        item.setText(f"{title}  ⚠ {count}" if count else title)
        item.setToolTip(f"{count} job(s) did not print — Ctrl+{row + 1}" if count else "")


def work_area(side_bar: SideBar, banner: QWidget, views: QStackedWidget) -> QWidget:
    """What a logged-in till shows: the side bar, and beside it the banner above the view."""
    work = QWidget()
    work.setObjectName("WorkArea")
    layout = QHBoxLayout(work)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(side_bar)
    right = QVBoxLayout()
    right.setContentsMargins(0, 0, 0, 0)
    right.setSpacing(0)
    right.addWidget(banner)
    right.addWidget(views, 1)
    layout.addLayout(right, 1)
    return work
