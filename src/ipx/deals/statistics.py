"""Deals concluded on the platform, as the statistics bulletin counts them.

A deal is *concluded* when it completed (``completed_at``) in the window ``[since, until)`` of
days in the exchange's time zone. A deal that an auction's sale became is left out: the
bulletin counts it among the auction's lots (``ipx.auctions.results.selectors.lots_closed``),
so no sale is counted twice. Each deal comes with the IP types of the rights it covers and how
many of them are copyrights (the bulletin's "works of copyright"). Amounts are the deal's price
in its own currency, never converted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from ipx.catalog.models import Asset
from ipx.deals.models import Deal, DealAsset


@dataclass(frozen=True)
class ConcludedDeal:
    deal_id: int
    completed_on: date
    currency: str
    amount: Decimal
    ip_types: frozenset[str]
    copyrights: int  # copyright assets among the deal's rights

    @property
    def has_data(self) -> bool:
        return Asset.Type.DATA in self.ip_types


def concluded_deals(*, since: date, until: date) -> tuple[ConcludedDeal, ...]:
    """Deals completed on a day of ``[since, until)`` and not an auction's sale; two queries."""
    zone = timezone.get_current_timezone()
    deals = list(Deal.objects.filter(status=Deal.Status.COMPLETED, auction_settlement__isnull=True,
                                     completed_at__gte=datetime.combine(since, time.min, tzinfo=zone),
                                     completed_at__lt=datetime.combine(until, time.min, tzinfo=zone))
                 .values_list("id", "completed_at", "currency", "price_amount").order_by("completed_at", "id"))
    types: dict[int, set[str]] = defaultdict(set)
    copyrights: Counter[int] = Counter()
    for deal_id, ip_type in DealAsset.objects.filter(deal_id__in=[row[0] for row in deals]).values_list(
            "deal_id", "asset__ip_type"):
        types[deal_id].add(ip_type)
        if ip_type == Asset.Type.COPYRIGHT:
            copyrights[deal_id] += 1
    return tuple(ConcludedDeal(deal_id, timezone.localtime(moment, zone).date(), currency, amount,
                               frozenset(types[deal_id]), copyrights[deal_id])
                 for deal_id, moment, currency, amount in deals)
