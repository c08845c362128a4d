"""Settings file (TOML) and paths. Device settings are kept here as plain tables.

The file lives in the user's config directory; the store in the user's data directory.
Both can be moved: SERIALPOS_CONFIG names another settings file, SERIALPOS_DB another store.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
from platformdirs import user_config_dir, user_data_dir

from app.errors import InvalidInput
from app.files import write_atomically

APP_NAME = "SerialPOS"


def data_dir() -> Path:
    return Path(os.environ.get("SERIALPOS_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    override = os.environ.get("SERIALPOS_CONFIG")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def default_db_url() -> str:
    """SERIALPOS_DB if set, else the embedded SQLite store in the user's data directory."""
    return os.environ.get("SERIALPOS_DB") or f"sqlite:///{data_dir() / 'serialpos.sqlite3'}"


@dataclass(frozen=True)
class ShopSettings:
    """What the shop sets once: its name on receipts, money, tax and limits."""

    name: str = "SerialPOS Demo Shop"
    address_lines: tuple[str, ...] = ("1 High Street", "Springfield")
    currency: str = "USD"
    locale: str = "en_US"
    prices_include_tax: bool = True
    max_range: int = 100_000
    manager_discount_percent: int = 10
    till: str = "TILL-1"
    till_location: str = ""  # where this till sells from; "": the store's only sellable one
    receipt_footer: tuple[str, ...] = ("Keep this receipt for warranty claims.",)
    # Repair tickets: the shop's own condition-on-arrival checklist, the statuses that
    # e-mail the customer, when an open ticket counts as untouched, the claim slip's terms.
    ticket_checklist: tuple[str, ...] = (
        "screen cracked",
        "scratches",
        "dents",
        "water damage",
        "missing screws",
        "does not power on",
    )
    ticket_notify_statuses: tuple[str, ...] = ("ready",)
    ticket_stale_days: int = 7
    ticket_terms: tuple[str, ...] = (
        "Bring this slip to collect your device.",
        "Devices not collected within 90 days may be disposed of.",
    )

    write_off_reasons: tuple[str, ...] = (
        "damaged",
        "missing at count",
        "stolen",
        "obsolete",
        "other",
    )
    # Why things come back, each with where the unit goes by default: "REASON -> defective"
    # (not for sale again) or "REASON -> restock" (the till's location). "other" asks for
    # the reason in words (app.pos.refund_reasons reads these).
    refund_reasons: tuple[str, ...] = (
        "faulty -> defective",
        "dead on arrival -> defective",
        "changed mind -> restock",
        "wrong item -> restock",
        "not as described -> restock",
        "other -> restock",
    )


@dataclass(frozen=True)
class MailSettings:
    """[mail]: the shop's SMTP server and the customer notification's template.

    `password` is a Fernet token sealed with the key kept outside the store (app.vault),
    never the password itself. The template's placeholders: {ticket} {customer} {device}
    {status} {shop}.
    """

    host: str = ""
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = ""
    sender: str = ""
    subject: str = "Your repair {ticket}: {status}"
    body: str = "Dear {customer},\n\nyour {device} (ticket {ticket}) is now: {status}.\n\n{shop}\n"

    @property
    def enabled(self) -> bool:
        return bool(self.host and self.sender)


@dataclass(frozen=True)
class BackupSettings:
    """[backup]: the window's scheduled backup (app.ui.scheduled_backup): once a day into
    `folder`, the newest `keep` kept. Off until a manager sets a folder and turns it on."""

    enabled: bool = False
    folder: str = ""
    keep: int = 7

    MAX_KEEP = 365


@dataclass(frozen=True)
class Settings:
    shop: ShopSettings = field(default_factory=ShopSettings)
    # Device tables are kept raw here; app.devices.settings parses and validates them.
    printers: tuple[dict[str, Any], ...] = ()
    scanner: dict[str, Any] = field(default_factory=dict)
    label_size: str = "50x25"
    receipt_printer: str = ""  # a printer's name: receipts, refund slips, drawer kick
    label_printer: str = ""  # a printer's name: serial labels
    mail: MailSettings = field(default_factory=MailSettings)
    backup: BackupSettings = field(default_factory=BackupSettings)


def _shop_from(table: object) -> ShopSettings:
    """[shop] checked field by field: a wrong type or a value out of range is one clear line."""
    if not isinstance(table, dict):
        raise InvalidInput("settings [shop] must be a table")
    defaults = ShopSettings()
    known: dict[str, Any] = {}
    for key, value in table.items():
        if key not in ShopSettings.__dataclass_fields__:
            continue  # a newer version's setting: ignored, not fatal
        expected = getattr(defaults, key)
        if isinstance(expected, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InvalidInput(f"settings [shop] {key} must be a list of texts")
            value = tuple(value)
        elif type(value) is not type(expected):
            raise InvalidInput(
                f"settings [shop] {key} must be {type(expected).__name__}, not {value!r}"
            )
        known[key] = value
    shop = replace(defaults, **known)
    if not 1 <= len(shop.till) <= 20:
        raise InvalidInput("settings [shop] till must be 1 to 20 characters")
    if not 1 <= shop.max_range <= 1_000_000:
        raise InvalidInput("settings [shop] max_range must be 1 to 1000000")
    if not 0 <= shop.manager_discount_percent <= 100:
        raise InvalidInput("settings [shop] manager_discount_percent must be 0 to 100")
    if not shop.write_off_reasons or not all(
        0 < len(r.strip()) <= 200 for r in shop.write_off_reasons
    ):
        raise InvalidInput("settings [shop] write_off_reasons must be texts of 1 to 200 characters")
    _check_refund_reasons(shop.refund_reasons)
    return shop


def _check_refund_reasons(reasons: tuple[str, ...]) -> None:
    if not 1 <= len(reasons) <= 9:
        raise InvalidInput("settings [shop] refund_reasons must list 1 to 9 reasons")
    for text in reasons:
        name, arrow, restock = text.partition("->")
        if not 0 < len(name.strip()) <= 200 or (
            arrow and restock.strip().lower() not in ("defective", "restock")
        ):
            raise InvalidInput(
                f"settings [shop] refund_reasons: {text!r} is not 'REASON -> defective'"
                " or 'REASON -> restock'"
            )


_Plain = TypeVar("_Plain", "MailSettings", "BackupSettings")


def _plain_table(table: object, defaults: _Plain, section: str) -> _Plain:
    """A table of plain values (text, numbers, flags) over `defaults`, checked like [shop]:
    a wrong type is one clear line; a newer version's key is ignored."""
    if not isinstance(table, dict):
        raise InvalidInput(f"settings [{section}] must be a table")
    known: dict[str, Any] = {}
    for key, value in table.items():
        if key not in type(defaults).__dataclass_fields__:
            continue
        expected = getattr(defaults, key)
        if type(value) is not type(expected):
            raise InvalidInput(
                f"settings [{section}] {key} must be {type(expected).__name__}, not {value!r}"
            )
        known[key] = value
    return replace(defaults, **known)


def _mail_from(table: object) -> MailSettings:
    mail = _plain_table(table, MailSettings(), "mail")
    if not 1 <= mail.port <= 65535:
        raise InvalidInput("settings [mail] port must be 1 to 65535")
    return mail


def _backup_from(table: object) -> BackupSettings:
    backup = _plain_table(table, BackupSettings(), "backup")
    check_backup_settings(backup)
    return backup


def check_backup_settings(backup: BackupSettings) -> None:
    """One line for a scheduled backup that could never run as set."""
    if not 1 <= backup.keep <= BackupSettings.MAX_KEEP:
        raise InvalidInput(f"keep 1 to {BackupSettings.MAX_KEEP} backups, not {backup.keep}")
    if backup.enabled and not backup.folder.strip():
        raise InvalidInput("choose the folder the backups go to")
    if backup.folder.strip() and not Path(backup.folder).expanduser().is_absolute():
        raise InvalidInput(f"the backup folder must be a full path, not {backup.folder!r}")


def load_settings(path: Path | None = None) -> Settings:
    """Reads the settings file; a missing file gives the defaults."""
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"settings file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise InvalidInput(f"settings file {path}: {exc.strerror}") from None
    printers = raw.get("printers", [])
    if not isinstance(printers, list) or not all(isinstance(p, dict) for p in printers):
        raise InvalidInput(f"settings file {path}: printers must be [[printers]] tables")
    scanner = raw.get("scanner", {})
    if not isinstance(scanner, dict):
        raise InvalidInput(f"settings file {path}: [scanner] must be a table")
    return Settings(
        shop=_shop_from(raw.get("shop", {})),
        printers=tuple(printers),
        scanner=dict(scanner),
        label_size=str(raw.get("label_size", "50x25")),
        receipt_printer=str(raw.get("receipt_printer", "")),
        label_printer=str(raw.get("label_printer", "")),
        mail=_mail_from(raw.get("mail", {})),
        backup=_backup_from(raw.get("backup", {})),
    )


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Writes the settings atomically: a crash never leaves half a file."""
    path = path or config_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shop = asdict(settings.shop)
    shop = {k: list(v) if isinstance(v, tuple) else v for k, v in shop.items()}
    doc: dict[str, Any] = {
        "label_size": settings.label_size,
        "receipt_printer": settings.receipt_printer,
        "label_printer": settings.label_printer,
        "shop": shop,
        "printers": list(settings.printers),
        "scanner": settings.scanner,
        "mail": asdict(settings.mail),
        "backup": asdict(settings.backup),
    }
    write_atomically(path, tomli_w.dumps(doc), durable=True)
