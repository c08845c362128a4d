"""E-mail after the commit: the customer's notification goes to the durable mail queue.

The SMTP password is kept sealed in the settings file (app.vault); it is unsealed only
here, when the queue is opened, and never written anywhere in the clear.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Settings, data_dir

# The queue (smtplib, ssl) and the vault (cryptography) come with a shop that mails, or with
# the Settings view: the window's start only asks whether [mail] is set up.
if TYPE_CHECKING:
    from app.devices.mail_queue import MailQueue, MailServer


def mail_spool_dir() -> Path:
    return data_dir() / "mail-spool"


def mail_server(settings: Settings) -> MailServer:
    from app import vault
    from app.devices.mail_queue import MailServer

    mail = settings.mail
    password = vault.unseal(mail.password) if mail.password else ""
    return MailServer(
        host=mail.host,
        port=mail.port,
        sender=mail.sender,
        starttls=mail.starttls,
        user=mail.user,
        password=password,
    )


def open_mail_queue(settings: Settings, spool: Path | None = None) -> MailQueue | None:
    """A started mail queue when the shop has set up its SMTP server, else None."""
    if not settings.mail.enabled:
        return None
    from app.devices.mail_queue import MailQueue

    queue = MailQueue(spool or mail_spool_dir(), mail_server(settings))
    queue.start()
    return queue


def with_mail_password(settings: Settings, plain: str) -> Settings:
    """The settings with the SMTP password sealed (for the Settings view to save); an
    empty password clears it."""
    from app import vault

    sealed = vault.seal(plain) if plain else ""
    return replace(settings, mail=replace(settings.mail, password=sealed))
