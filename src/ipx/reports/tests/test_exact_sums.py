"""Sums of amounts are exact to the fen on SQLite too, which keeps decimals as floating point:
three amounts near the largest taken and a hundred pairs of 0.10 and 0.20 sum, in floating
point, to 3,000,000,000,030.00 rather than 3,000,000,000,029.97."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ipx.expo import selectors
from ipx.expo.inputs import EditionInput
from ipx.expo.models import ExpoRecord
from ipx.expo.services.editions import edition_create
from ipx.reports import rollups
from ipx.reports.compute import edition_bulletin, range_bulletin

pytestmark = pytest.mark.django_db
LARGE = Decimal("999999999999.99")
EXACT = LARGE * 3 + (Decimal("0.10") + Decimal("0.20")) * 100  # 3000000000029.97


def _records(edition_id: int, day: date, prefix: str) -> list[ExpoRecord]:
    # The large amounts first: the small ones are then added to a large running sum, where a
    # binary fraction loses the most.
    amounts = [LARGE] * 3 + [Decimal("0.10"), Decimal("0.20")] * 100
    return [ExpoRecord(ref=f"{prefix}-{index}", edition_id=edition_id, date=day, kind="pledge", ip_type="",
                       amount=amount, amount_cny=amount, evidence="register") for index, amount in enumerate(amounts)]


def test_the_records_rollups_and_bulletin_sum_to_the_fen() -> None:
    edition = edition_create(data=EditionInput(slug="exact", name="Exact", start_date=date(2030, 5, 1),
                                               end_date=date(2030, 5, 2)))
    ExpoRecord.objects.bulk_create(_records(edition.pk, date(2030, 5, 1), "a")
                                   + _records(edition.pk, date(2030, 5, 2), "b"))

    [group] = selectors.record_groups(since=date(2030, 5, 1), until=date(2030, 5, 2))
    assert group.amount_cny == EXACT
    rollups.rebuild()
    assert rollups.differences() == []
    # Summed again over the two days' rollups.
    assert edition_bulletin("exact").figures.pledge.amount == EXACT * 2
    assert range_bulletin(date(2030, 5, 1), date(2030, 5, 3)).figures.pledge.amount == EXACT * 2
