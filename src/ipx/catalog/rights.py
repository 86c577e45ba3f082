"""Whether an IP right can still change hands, or back a loan.

A right in force can be sold, licensed and pledged; an application still pending can be
assigned or licensed (its holder's rights in it are). A lapsed, expired, invalidated or
withdrawn right, or one in force on paper but past its term (``Asset.effective_status``: a
patent's twenty years, a trademark's ten unless renewed, a data-IP certificate's end), is
nobody's to sell or pledge: the listings refuse it at review, the clock takes a published
listing of one off the market, an offer on one is not accepted, and a bank takes no pledge of
it. (Whether an office registers a pledge of an application is the bank's and the operator's
check of the pledge's registration, ``ipx.finance``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.catalog.models import Asset

LS = Asset.LegalStatus
OFFERABLE = frozenset({LS.PENDING, LS.IN_FORCE})
# Every relation ``Asset.detail`` may read (the data-IP register's too, by its reverse name).
DETAIL_RELATIONS = ("patent", "trademark", "copyright", "gi_product", "data_product")


def has_ended(asset: Asset, *, today: date | None = None) -> bool:
    """Whether ``asset``'s right has ended by ``today``."""
    return asset.status_on(today or timezone.localdate()) not in OFFERABLE


def first_ended(assets: Iterable[Asset], *, today: date | None = None) -> Asset | None:
    """The first of ``assets`` whose right has ended by ``today``, or None."""
    day = today or timezone.localdate()
    return next((asset for asset in assets if has_ended(asset, today=day)), None)


def with_details(assets: QuerySet[Asset]) -> QuerySet[Asset]:
    """``assets`` with what their terms are read from, in a stable order."""
    return assets.select_related(*DETAIL_RELATIONS).order_by("pk")


def ended_message(asset: Asset) -> str:
    return (_("“%(title)s” is %(status)s: only rights in force, or applications pending, can be offered.")
            % {"title": asset.title, "status": asset.effective_status_label.lower()})


def not_pledgeable_message(asset: Asset) -> str:
    return (_("IP right %(asset)s (“%(title)s”) is %(status)s: a right that has ended cannot be pledged.")
            % {"asset": asset.pk, "title": asset.title, "status": asset.effective_status_label.lower()})


def offer_refusal_message(asset_ids: Iterable[int]) -> str | None:
    """Why the rights ``asset_ids`` cannot be offered now (the first whose right ended), or None."""
    ended = first_ended(with_details(Asset.objects.filter(pk__in=list(asset_ids))))
    return ended_message(ended) if ended is not None else None


def may_have_ended(today: date) -> Q:
    """Assets whose right may have ended by ``today``, a superset read from the database (the
    exact answer, ``first_ended``, needs each detail's term): a status other than in force or
    pending, a patent or trademark old enough for its shortest term to have run (ten years, less
    a year's margin for the offices' date arithmetic), a data-IP registration without a valid
    certificate reaching ``today``."""
    nine_years_ago = today - timedelta(days=9 * 365)
    nineteen_years_ago = today - timedelta(days=19 * 365)
    old_patent = Q(ip_type=Asset.Type.PATENT) & (
        Q(patent__kind="invention", patent__filing_date__lt=nineteen_years_ago)
        | (~Q(patent__kind="invention") & Q(patent__filing_date__lt=nine_years_ago)))
    old_trademark = Q(ip_type=Asset.Type.TRADEMARK, trademark__registration_date__lt=nine_years_ago)
    # The data-IP register's certificates, read by their reverse names (the register sits above
    # the catalog): one condition on the same certificate row, so one filter.
    certified = Asset.objects.filter(data_product__certificates__status="valid",
                                     data_product__certificates__valid_until__gte=today).values("pk")
    data_uncertified = Q(ip_type=Asset.Type.DATA) & ~Q(pk__in=certified)
    return ~Q(legal_status__in=OFFERABLE) | old_patent | old_trademark | data_uncertified
