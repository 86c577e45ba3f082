"""The platform's own deals count in the bulletin by themselves, once, beside the records: by
their IP types (data IP as the data-IP statistics count it), in CNY only, and a record naming
a platform deal is refused so it is never counted twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from ipx.catalog.models import Asset
from ipx.dataip.tests.test_statistics import _completed, _deal_on
from ipx.expo.inputs import EditionInput
from ipx.expo.services.editions import edition_create
from ipx.expo.services.records import import_records
from ipx.reports.compute import edition_bulletin
from ipx.testing.expo_bulletin import Records
from ipx.testing.factories import AssetFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def _assets(owner: Member, *types: str) -> list[Asset]:
    return [AssetFactory.create(holder=owner.organisation, ip_type=ip_type) for ip_type in types]


def test_platform_deals_count_once_beside_the_records(owner: Member, buyer: Member,
                                                      on_commit: Callable[[], Any]) -> None:
    edition_create(data=EditionInput(slug="e2030", name="Expo 2030", start_date=date(2030, 11, 13),
                                     end_date=date(2030, 11, 19)))
    inside = date(2030, 11, 15)
    patent_deal = _deal_on(owner, buyer, _assets(owner, "patent", "copyright"), price_amount=Decimal("300000.00"))
    works = _deal_on(owner, buyer, _assets(owner, "copyright", "copyright"), price_amount=Decimal("20000.00"))
    data = _deal_on(owner, buyer, _assets(owner, "data", "patent"), price_amount=Decimal("7000.00"))
    in_hkd = _deal_on(owner, buyer, _assets(owner, "trademark"), price_amount=Decimal("1000.00"), currency="HKD")
    later = _deal_on(owner, buyer, _assets(owner, "patent"), price_amount=Decimal("99.00"))
    for deal in (patent_deal, works, data, in_hkd):
        _completed(deal, inside)
    _completed(later, date(2030, 11, 20))  # the day after the edition
    books = Records("e2030", date(2030, 11, 13), 7)
    books.add("transaction", "patent", "1000.50")
    books.add("transaction", "copyright", "500.00", items=3)
    refused = Records("e2030", date(2030, 11, 13), 7)
    refused.add("transaction", "patent", "300000.00")
    refused.rows[0]["evidence"] = f"concluded on the exchange as deal:{patent_deal.pk}"
    with on_commit():
        assert import_records(books.csv(), actor=None).created == 2
        report = import_records(refused.csv(), actor=None)
    assert report.created == 0 and [(e.row, e.column) for e in report.errors] == [(2, "evidence")]

    bulletin = edition_bulletin("e2030")
    money = bulletin.figures.transactions

    assert money.patent_trademark_amount == Decimal("301000.50")
    assert money.copyright_amount == Decimal("20500.00") and money.copyright_items == 2 + 3
    assert money.data_amount == Decimal("7000.00")
    assert money.total_amount == Decimal("328500.50")
    assert bulletin.not_converted == frozenset({"HKD"})
