"""After the commit (PRODUCT.md: Tickets): a new ticket's intake tag and claim slip print
with barcodes that scan back, never the passcode; a ticket that becomes ready e-mails the
customer through the queued, retried mail (a real SMTP server on 127.0.0.1)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from app.config import MailSettings, Settings, load_settings, save_settings
from app.db.uow import Store
from app.devices.mail_queue import MailQueue, MailServer, MailState
from app.devices.print_jobs import RetryPolicy
from app.effects.handlers import Effects
from app.effects.mail import mail_server, with_mail_password
from app.paperwork.tickets import claim_slip_rows, intake_tag
from app.printing.raster import rows_image, tag_image
from app.tickets.workflow import change_status
from app.users.roles import Actor
from tests.integration.ticket_shop import Shop, make_shop, take_in
from tests.support.escpos_decode import Barcode, Raster, code128_image, code128_symbols, decode
from tests.support.smtp_inbox import free_port, smtp_server

FAST = RetryPolicy(base_s=0.1, max_s=0.2, max_attempts=50, jitter=0)


class Jobs:
    """A print queue stand-in that keeps what it was given."""

    def __init__(self) -> None:
        self.jobs: list[tuple[str, str, bytes, str]] = []

    def submit(self, printer_name: str, title: str, payload: bytes, *, kind: str = "") -> str:
        self.jobs.append((printer_name, title, payload, kind))
        return f"job-{len(self.jobs)}"


def settings_for(port: int = 25, *, profile: str = "TM-T88V") -> Settings:
    printer = {"name": "Desk", "backend": "network", "host": "127.0.0.1", "port": 9,
               "profile": profile}  # fmt: skip
    mail = MailSettings(host="127.0.0.1", port=port, starttls=False, sender="shop@example.test")
    return Settings(printers=(printer,), receipt_printer="Desk", mail=mail)


@pytest.fixture
def shop(store: Store, manager: Actor) -> Shop:
    return make_shop(store, manager)


def scan(image: Image.Image) -> list[str]:
    return [b.text for b in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]


def scanned_from_escpos(payload: bytes, profile: str) -> list[str]:
    out: list[str] = []
    for event in decode(payload, profile):
        if isinstance(event, Barcode):
            bars = code128_image(code128_symbols(event.data), module_px=event.module_dots,
                                 height=event.height_dots)  # fmt: skip
            out += scan(bars)
        elif isinstance(event, Raster):
            out += scan(event.image)
    return out


@pytest.mark.parametrize("profile", ["TM-T88V", "simple"])  # printer-drawn, and raster
def test_a_new_ticket_prints_a_tag_and_slip_whose_barcodes_scan(shop: Shop, profile: str) -> None:
    jobs = Jobs()
    shop.store.listen(Effects(settings_for(profile=profile), jobs))
    ticket = take_in(shop, passcode="PIN-8642", estimate=4500)
    assert [(title, kind) for _, title, _, kind in jobs.jobs] == [
        (f"Intake tag {ticket.number}", "tag"),
        (f"Claim slip {ticket.number}", "slip"),
    ]
    for _, _, payload, _ in jobs.jobs:
        assert scanned_from_escpos(payload, profile) == [ticket.number]
        assert b"PIN-8642" not in payload


def test_the_tag_and_slip_previews_scan_as_the_ticket_number(shop: Shop) -> None:
    ticket = take_in(shop, passcode="PIN-8642", estimate=4500)
    assert scan(tag_image(intake_tag(ticket))) == [ticket.number]
    slip = claim_slip_rows(settings_for().shop, ticket, 48)
    assert scan(rows_image(slip, width_mm=80, dpi=203, columns=48)) == [ticket.number]
    text = " ".join(getattr(row, "text", "") for row in slip)
    assert "$45.00" in text and "PIN-8642" not in text and ticket.customer in text


def test_a_ready_ticket_emails_the_customer_through_smtp(shop: Shop, tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        settings = settings_for(port)
        mail = MailQueue(tmp_path / "mail", mail_server(settings), policy=FAST)
        mail.start()
        effects = Effects(settings, Jobs(), mail=mail, print_receipts=False)
        shop.store.listen(effects)
        t = take_in(shop).number
        change_status(shop.store, shop.service, t, "diagnosing")
        assert effects.mailed == []  # only the statuses the shop ticked (ready)
        change_status(shop.store, shop.service, t, "ready")
        (mail_id,) = effects.mailed
        assert mail.wait(mail_id, timeout_s=10).state is MailState.SENT  # type: ignore[union-attr]
        mail.stop()
    (message,) = inbox.messages
    assert message["To"] == "jane@example.test" and message["From"] == "shop@example.test"
    assert message["Subject"] == f"Your repair {t}: ready for collection"
    assert "Dear Jane Doe" in message.get_payload() and "Phone X" in message.get_payload()


def test_mail_waits_and_retries_until_the_server_answers(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there yet
    server = MailServer(host="127.0.0.1", port=port, sender="shop@example.test", starttls=False,
                        timeout_s=1.0)  # fmt: skip
    mail = MailQueue(tmp_path / "mail", server, policy=FAST)
    mail.start()
    job = mail.submit("jane@example.test", "Ready", "Your phone is ready.")
    deadline = time.monotonic() + 10
    while (mail.job(job) or pytest.fail("lost")).attempts < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mail.job(job).state is MailState.RETRYING  # type: ignore[union-attr]
    with smtp_server(port) as (inbox, _):
        assert mail.wait(job, timeout_s=10).state is MailState.SENT  # type: ignore[union-attr]
        mail.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Ready"]


def test_queued_mail_survives_a_restart(tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        server = MailServer(host="127.0.0.1", port=port, sender="s@example.test", starttls=False)
        first = MailQueue(tmp_path / "mail", server, policy=FAST)
        first.spool.mkdir(parents=True)
        job = first.submit("jane@example.test", "Kept", "on disk")  # never started: not sent
        second = MailQueue(tmp_path / "mail", server, policy=FAST)
        second.start()
        assert second.wait(job, timeout_s=10).state is MailState.SENT  # type: ignore[union-attr]
        second.stop()
    assert [m["Subject"] for m in inbox.messages] == ["Kept"]


def test_the_smtp_password_is_kept_sealed_in_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(with_mail_password(settings_for(), "hunter2-smtp"), path)
    assert b"hunter2-smtp" not in path.read_bytes()
    assert mail_server(load_settings(path)).password == "hunter2-smtp"
