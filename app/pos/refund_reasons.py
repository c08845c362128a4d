"""The reasons a shop keeps for refunds, each with where the unit goes by default.

Read from the settings' `refund_reasons` ("faulty -> defective", "changed mind ->
restock", ...): a faulty unit never goes back on sale by default. "other" is a reason the
cashier types in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

OTHER = "other"


@dataclass(frozen=True)
class RefundReason:
    name: str  # as printed on the refund slip
    defective: bool  # the default restock: defective stock (else the till's location)

    @property
    def asks_text(self) -> bool:
        """'other': the cashier types the reason itself."""
        return self.name.lower() == OTHER

    @property
    def title(self) -> str:
        return self.name[:1].upper() + self.name[1:]


def refund_reasons(settings: Sequence[str]) -> tuple[RefundReason, ...]:
    """The shop's reasons in its order ("REASON" alone restocks)."""
    reasons = []
    for text in settings:
        name, _arrow, restock = text.partition("->")
        reasons.append(RefundReason(name.strip(), restock.strip().lower() == "defective"))
    return tuple(reasons)


def reason_named(reasons: Sequence[RefundReason], text: str) -> RefundReason | None:
    """The kept reason this text is (case ignored), if any."""
    wanted = text.strip().lower()
    return next((r for r in reasons if r.name.lower() == wanted and not r.asks_text), None)
