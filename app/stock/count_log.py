"""What a count's scans were, newest first: a resumed count shows its list again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.db.uow import Store
from app.stock.count_records import ScanVerdict
from app.stock.counts import load_count
from app.stock.session_models import CountScan
from app.users.roles import Actor, Permission, require

# What each verdict meant when the serial was scanned, in the scan list's words.
VERDICT_WORDS: dict[ScanVerdict, str] = {
    ScanVerdict.EXPECTED: "in stock here",
    ScanVerdict.OTHER_LOCATION: "in stock at another location: unexpected",
    ScanVerdict.OTHER_STATUS: "not in stock (sold, written off...): unexpected",
    ScanVerdict.UNKNOWN: "unknown serial, to be received",
}


@dataclass(frozen=True)
class CountScanSeen:
    """One distinct serial scanned into a count, as it was when scanned."""

    serial: str
    verdict: ScanVerdict
    message: str


def latest_count_scans(
    store: Store, actor: Actor, count_id: int, *, limit: int = 300
) -> list[CountScanSeen]:
    """The count's latest `limit` distinct scans, newest first (one indexed read, however
    long the count)."""
    require(actor, Permission.COUNT_STOCK)
    with store.read() as session:
        load_count(session, count_id)  # NotFound for a count that is not there
        rows = session.execute(
            select(CountScan.serial, CountScan.verdict)
            .where(CountScan.session_id == count_id)
            .order_by(CountScan.id.desc())
            .limit(limit)
        ).all()
    seen = []
    for serial, stored in rows:
        verdict = ScanVerdict(stored)
        seen.append(CountScanSeen(serial, verdict, f"{serial} {VERDICT_WORDS[verdict]}"))
    return seen
