"""Which rights can still change hands (``catalog.rights``), and the database's first cut of the
ones that may have ended, which must never leave one out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ipx.catalog.models import Asset, Patent
from ipx.catalog.rights import OFFERABLE, first_ended, may_have_ended, with_details
from ipx.testing.factories import AssetFactory, OrganisationFactory, PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 6)


def patent(kind: str, filed: date, status: str = Asset.LegalStatus.IN_FORCE) -> Asset:
    return PatentFactory.create(kind=kind, filing_date=filed, asset__legal_status=status).asset


def test_each_term_ends_on_the_day_before_its_anniversary() -> None:
    cases = {
        patent(Patent.Kind.INVENTION, date(2006, 12, 7)): "in_force",  # today is its last day
        patent(Patent.Kind.INVENTION, date(2006, 12, 6)): "expired",
        patent(Patent.Kind.UTILITY_MODEL, date(2016, 12, 7)): "in_force",
        patent(Patent.Kind.UTILITY_MODEL, date(2016, 12, 6)): "expired",
        patent(Patent.Kind.DESIGN, date(2021, 6, 1)): "in_force",  # fifteen years since the 2021 law
        patent(Patent.Kind.DESIGN, date(2016, 12, 5)): "expired",  # ten before it
        TrademarkFactory.create(registration_date=date(2016, 12, 5)).asset: "expired",
        TrademarkFactory.create(registration_date=date(2016, 12, 5), renewed_until=date(2036, 12, 5)).asset: "in_force",
        patent(Patent.Kind.INVENTION, date(2024, 1, 1), Asset.LegalStatus.PENDING): "pending",
        patent(Patent.Kind.INVENTION, date(2020, 1, 1), Asset.LegalStatus.LAPSED): "lapsed",
    }
    assets = with_details(Asset.objects.filter(pk__in=[asset.pk for asset in cases]))
    assert {asset.pk: asset.status_on(TODAY) for asset in assets} == {asset.pk: want for asset, want in cases.items()}


def test_applications_pending_and_rights_in_force_have_not_ended() -> None:
    application = patent(Patent.Kind.INVENTION, date(2024, 1, 1), Asset.LegalStatus.PENDING)
    granted = patent(Patent.Kind.INVENTION, date(2020, 1, 1))
    ended = patent(Patent.Kind.UTILITY_MODEL, date(2010, 1, 1))
    assert first_ended([application, granted], today=TODAY) is None
    assert first_ended([application, ended, granted], today=TODAY) == ended


def test_the_first_cut_holds_every_right_that_ended_over_thirty_years_of_days() -> None:
    holder = OrganisationFactory.create()
    start = date(1996, 1, 1)
    made = []
    for step in range(0, 31 * 365, 97):  # filings and registrations spread over thirty years
        day = start + timedelta(days=step)
        for kind in Patent.Kind.values:
            made.append(PatentFactory.create(kind=kind, filing_date=day, asset__holder=holder).asset)
        made.append(TrademarkFactory.create(registration_date=day, asset__holder=holder).asset)
    for status in Asset.LegalStatus.values:
        made.append(AssetFactory.create(holder=holder, legal_status=status, ip_type=Asset.Type.COPYRIGHT))
    ids = [asset.pk for asset in made]
    for today in (TODAY, date(2030, 2, 28), date(2040, 3, 1)):
        cut = set(Asset.objects.filter(may_have_ended(today), pk__in=ids).values_list("pk", flat=True))
        ended = {asset.pk for asset in with_details(Asset.objects.filter(pk__in=ids))
                 if asset.status_on(today) not in OFFERABLE}
        assert ended and ended <= cut
        # And it is a cut: rights years from the end of their terms are left out.
        assert len(cut) < len(ids)
