"""The [mail] settings: the shop's SMTP server, the customer notification's template, and
which ticket statuses e-mail the customer. The password is sealed (app.vault) before it is
written; the page never shows the stored one, only whether there is one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import MailSettings, Settings
from app.effects.mail import with_mail_password
from app.errors import InvalidInput
from app.tickets.statuses import TicketStatus

PLACEHOLDERS = "Placeholders: {ticket} {customer} {device} {status} {shop}"
KEPT = "kept (type to change)"
NOTIFIABLE = tuple(s for s in TicketStatus if s is not TicketStatus.NEW)


class MailPage(QWidget):
    """Signals: edited() on any change."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MailPage")
        self._stored_password = ""
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("smtp.example.com (empty: no e-mail)")
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.starttls_box = QCheckBox("STARTTLS (encrypt the connection)")
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.clear_password = QCheckBox("Remove the stored password")
        self.sender_edit = QLineEdit()
        self.sender_edit.setPlaceholderText("shop@example.com")
        self.subject_edit = QLineEdit()
        self.body_edit = QPlainTextEdit()
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(90)
        self.status_boxes = {s: QCheckBox(s.label) for s in NOTIFIABLE}
        statuses = QGridLayout()
        statuses.setContentsMargins(0, 0, 0, 0)
        for n, box in enumerate(self.status_boxes.values()):
            statuses.addWidget(box, n // 3, n % 3)
        hint = QLabel(PLACEHOLDERS)
        hint.setObjectName("NoteLine")

        server = QFormLayout()
        server.addRow("SMTP server", self.host_edit)
        server.addRow("Port", self.port_box)
        server.addRow("", self.starttls_box)
        server.addRow("User", self.user_edit)
        server.addRow("Password", self.password_edit)
        server.addRow("", self.clear_password)
        server.addRow("Sender", self.sender_edit)
        message = QFormLayout()
        message.addRow("Subject", self.subject_edit)
        message.addRow("Message", self.body_edit)
        message.addRow("", hint)
        message.addRow("E-mail when", statuses)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(server, 2)
        columns.addLayout(message, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(columns)
        layout.addStretch(1)

        for edit in (self.host_edit, self.user_edit, self.password_edit, self.sender_edit,
                     self.subject_edit):  # fmt: skip
            edit.textEdited.connect(lambda _t: self.edited.emit())
        self.body_edit.textChanged.connect(self.edited)
        self.port_box.valueChanged.connect(lambda _v: self.edited.emit())
        for box in (self.starttls_box, self.clear_password, *self.status_boxes.values()):
            box.toggled.connect(lambda _on: self.edited.emit())

    def set_editable(self, editable: bool) -> None:
        for child in self.findChildren(QWidget):
            if not isinstance(child, QLabel):
                child.setEnabled(editable)

    def set_settings(self, settings: Settings) -> None:
        mail = settings.mail
        self._stored_password = mail.password
        self.host_edit.setText(mail.host)
        self.port_box.setValue(mail.port)
        self.starttls_box.setChecked(mail.starttls)
        self.user_edit.setText(mail.user)
        self.password_edit.clear()
        self.password_edit.setPlaceholderText(KEPT if mail.password else "")
        self.clear_password.setChecked(False)
        self.clear_password.setVisible(bool(mail.password))
        self.sender_edit.setText(mail.sender)
        self.subject_edit.setText(mail.subject)
        self.body_edit.setPlainText(mail.body)
        for status, box in self.status_boxes.items():
            box.setChecked(status.value in settings.shop.ticket_notify_statuses)

    def snapshot(self) -> tuple[object, ...]:
        return (
            self.host_edit.text(), self.port_box.value(), self.starttls_box.isChecked(),
            self.user_edit.text(), self.password_edit.text(), self.clear_password.isChecked(),
            self.sender_edit.text(), self.subject_edit.text(), self.body_edit.toPlainText(),
            self.notify_statuses(),
        )  # fmt: skip

    def notify_statuses(self) -> tuple[str, ...]:
        return tuple(s.value for s, box in self.status_boxes.items() if box.isChecked())

    def check(self) -> None:
        """What the form alone can refuse, before anything is written."""
        host, sender = self.host_edit.text().strip(), self.sender_edit.text().strip()
        if host and "@" not in sender:
            raise InvalidInput("e-mail: the sender must be an e-mail address")
        for text, what in ((self.subject_edit.text(), "subject"),
                           (self.body_edit.toPlainText(), "message")):  # fmt: skip
            try:
                text.format(ticket="", customer="", device="", status="", shop="")
            except (KeyError, IndexError, ValueError) as exc:
                raise InvalidInput(f"e-mail {what}: unknown placeholder {exc}") from None

    def edit(self) -> Callable[[Settings], Settings]:
        """What this page changes, read now (on the GUI thread), to apply to the settings
        file as it is when written: its [mail] and notify statuses, a typed password sealed."""
        host, port, starttls = (
            self.host_edit.text().strip(),
            self.port_box.value(),
            (self.starttls_box.isChecked()),
        )
        user, sender = self.user_edit.text().strip(), self.sender_edit.text().strip()
        subject, body = self.subject_edit.text(), self.body_edit.toPlainText()
        typed, clear, statuses = (
            self.password_edit.text(),
            self.clear_password.isChecked(),
            self.notify_statuses(),
        )

        def applied(on_disk: Settings) -> Settings:
            mail = MailSettings(
                host=host, port=port, starttls=starttls, user=user,
                password="" if clear else on_disk.mail.password,
                sender=sender, subject=subject, body=body,
            )  # fmt: skip
            shop = replace(on_disk.shop, ticket_notify_statuses=statuses)
            new = replace(on_disk, mail=mail, shop=shop)
            return with_mail_password(new, typed) if typed else new

        return applied
