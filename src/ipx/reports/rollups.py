"""The records' rollups: kept by day, recomputed from the records, checked against them.

``refresh_days`` is what the queue runs after records change (``expo.records.changed``): it
recomputes the rows of each day named from that day's records, so it is idempotent and a
repeated or late delivery leaves the same rows. ``differences`` recomputes every day that has
records or rollups and lists what does not match (``ipx report verify``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from ipx.core.money import ZERO
from ipx.expo import selectors as expo
from ipx.reports.models import RecordRollup

Key = tuple[str, str]  # kind, IP type
AUCTION_LOT = "auction_lot"  # the record kind whose rows carry lots sold and premiums


@dataclass(frozen=True)
class DaySums:
    records: int
    items: int
    amount_cny: Decimal
    sold: int
    max_premium_rate: Decimal | None


def _day_sums(day: date) -> dict[Key, DaySums]:
    """What the rollups of ``day`` should hold, from the records."""
    following = day + timedelta(days=1)
    premiums = expo.max_premium_rates(since=day, until=following)
    totals: dict[Key, tuple[int, int, Decimal, int]] = {}
    for group in expo.record_groups(since=day, until=following):
        key = (group.kind, group.ip_type)
        records, items, amount, sold = totals.get(key, (0, 0, ZERO, 0))
        totals[key] = (records + group.count, items + group.items, amount + group.amount_cny,
                       sold + (group.count if group.sold else 0))
    return {key: DaySums(records, items, amount, sold,
                         premiums.get(key[1]) if key[0] == AUCTION_LOT else None)
            for key, (records, items, amount, sold) in totals.items()}


def _stored(days: Iterable[date]) -> dict[tuple[date, str, str], DaySums]:
    return {(row.day, row.kind, row.ip_type): DaySums(row.records, row.items, expo.from_fen(row.amount_fen),
                                                     row.sold, row.max_premium_rate)
            for row in RecordRollup.objects.filter(day__in=list(days))}


def _write_day(day: date) -> None:
    sums = _day_sums(day)
    with transaction.atomic():
        RecordRollup.objects.filter(day=day).delete()
        RecordRollup.objects.bulk_create(
            RecordRollup(day=day, kind=kind, ip_type=ip_type, records=one.records, items=one.items,
                         amount_fen=expo.as_fen(one.amount_cny), sold=one.sold,
                         max_premium_rate=one.max_premium_rate)
            for (kind, ip_type), one in sums.items())


def refresh_days(*, dates: Iterable[str] = (), edition_ids: Iterable[int] = (), **_: object) -> int:
    """Recompute the rollups of ``dates`` (ISO days); the number of days done. ``edition_ids``
    comes with the event and is not needed: a day belongs to one edition at most."""
    days = sorted({date.fromisoformat(value) for value in dates})
    for day in days:
        try:
            _write_day(day)
        except IntegrityError:
            # Another worker rewrote the same day at the same moment; its rows came from the
            # same records, but recompute once more so the last writer saw every change.
            _write_day(day)
    return len(days)


def days_with_records() -> set[date]:
    return set(expo.records().values_list("date", flat=True).distinct())


def differences() -> list[str]:
    """Every mismatch between the stored rollups and a recomputation from the records, in words
    (empty when they agree)."""
    days = days_with_records() | set(RecordRollup.objects.values_list("day", flat=True).distinct())
    stored = _stored(days)
    found: list[str] = []
    for day in sorted(days):
        for (kind, ip_type), expected in sorted(_day_sums(day).items()):
            have = stored.pop((day, kind, ip_type), None)
            if have != expected:
                found.append(f"{day} {kind} {ip_type or '-'}: rollup {have} but records give {expected}")
    for (day, kind, ip_type), have in sorted(stored.items()):
        found.append(f"{day} {kind} {ip_type or '-'}: rollup {have} but there are no such records")
    return found


def rebuild() -> int:
    """Recompute every day's rollups (after a bulk load, or to repair what verify found)."""
    days = days_with_records() | set(RecordRollup.objects.values_list("day", flat=True).distinct())
    return refresh_days(dates=[day.isoformat() for day in days])
