"""How the views show money, dates and statuses: in the shop's currency and locale."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.config import ShopSettings
from app.money import format_money
from app.users.roles import ROLE_TITLES, Actor

STATUS_TITLES = {
    "in_stock": "In stock",
    "sold": "Sold",
    "defective": "Defective",
    "adjusted_out": "Written off",
    "used": "Used as part",
    "at_vendor": "At vendor",
}

# Ledger move kinds (app.stock.lifecycle.Move) as the shop says them.
MOVE_TITLES = {
    "receive": "Received",
    "sale": "Sold",
    "refund": "Refunded",
    "refund_defective": "Refunded as defective",
    "write_off": "Written off",
    "use": "Used as a part",
    "to_vendor": "Sent to vendor",
    "from_vendor": "Back from vendor",
    "warranty_return": "Warranty return",
    "transfer": "Transferred",
    "count_missing": "Missing at count",
    "count_found": "Found at count",
    "serialize": "Serialized",
    "unserialize": "Unserialized",
}


def status_title(status: str) -> str:
    return STATUS_TITLES.get(status, status.replace("_", " ").capitalize())


def move_title(kind: str) -> str:
    return MOVE_TITLES.get(kind, kind.replace("_", " ").capitalize())


def actor_title(actor: Actor) -> str:
    """'manager (manager)', 'jane (service desk)': who is acting, as the status bar says it."""
    return f"{actor.name} ({ROLE_TITLES[actor.role]})"


# A table repaints each cell many times (Qt asks data() for every role on every paint):
# formatted money and dates are kept, up to this many of each, rather than asking babel
# again each time.
_CACHED = 4_096


class ShopFormat:
    """Formats values for display using the shop's currency and locale settings."""

    def __init__(self, shop: ShopSettings) -> None:
        self.currency = shop.currency
        self.locale = shop.locale
        self._money: dict[int, str] = {}
        self._days: dict[date, str] = {}

    def money(self, minor: int) -> str:
        text = self._money.get(minor)
        if text is None:
            if len(self._money) >= _CACHED:
                self._money.clear()
            text = format_money(minor, currency=self.currency, locale=self.locale)
            self._money[minor] = text
        return text

    def day(self, value: date | None) -> str:
        if value is None:
            return ""
        text = self._days.get(value)
        if text is None:
            if len(self._days) >= _CACHED:
                self._days.clear()
            from babel.dates import format_date  # at the first date shown, not at start

            text = format_date(value, "medium", locale=self.locale)
            self._days[value] = text
        return text

    def moment(self, utc_value: datetime | None) -> str:
        """A stored (naive UTC) timestamp in the counter PC's local time."""
        if utc_value is None:
            return ""
        from babel.dates import format_time

        local = _local(utc_value)
        return f"{self.day(local.date())} {format_time(local.time(), 'short', locale=self.locale)}"

    def local_day(self, utc_value: datetime | None) -> str:
        """The local date of a stored (naive UTC) timestamp: what a list column needs."""
        return "" if utc_value is None else self.day(_local(utc_value).date())


def _local(utc_value: datetime) -> datetime:
    return utc_value.replace(tzinfo=UTC).astimezone()
