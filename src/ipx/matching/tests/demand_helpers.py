"""Shared input and shortcuts for the demand and saved-search tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from ipx.accounts.models import User
from ipx.listings import services as listing_services
from ipx.listings.models import Listing
from ipx.matching.demands import services
from ipx.matching.demands.inputs import DemandInput
from ipx.matching.models import Demand
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member

TITLE = "寻找高安全性锂电池隔膜技术"
DESCRIPTION = "我们需要一种在180摄氏度以上仍保持稳定的锂电池隔膜，用于电动汽车动力电池包，年用量约十万平方米。"


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def demand_data(**changes: Any) -> dict[str, Any]:
    return {
        "title": TITLE, "description": DESCRIPTION, "ipc_codes": ["H01M", "H01M50/40"],
        "budget_min_amount": "100000", "budget_max_amount": "500000.50", "budget_currency": "CNY",
        "region_kind": "mainland", "province": "44", "country": "", "deadline": in_days(90),
        "visibility": "public", **changes,
    }


def draft(member: Member, **changes: Any) -> Demand:
    return services.demand_create(organisation_id=member.organisation.pk, actor=member.user,
                                  demand=DemandInput.parse(demand_data(**changes)))


def submitted(member: Member, **changes: Any) -> Demand:
    demand = draft(member, **changes)
    return services.demand_submit(demand_id=demand.pk, actor=member.user)


def published(member: Member, operator: User, **changes: Any) -> Demand:
    demand = submitted(member, **changes)
    return services.demand_approve(demand_id=demand.pk, operator=operator)


def snapshot(demand: Demand) -> tuple[Any, ...]:
    """Everything a refused action must leave as it was."""
    demand = Demand.objects.get(pk=demand.pk)
    return (demand.status, demand.title, demand.description, demand.budget_min_amount, demand.budget_max_amount,
            demand.budget_currency, demand.deadline, demand.visibility, demand.review_note, demand.close_note,
            demand.updated_at, demand.events.count())


def publish_listing(member: Member, operator: User, **fields: Any) -> Listing:
    """A listing of one new patent, taken through submit and the operator's approval (so the
    ``listing.published`` event fires when the caller's on_commit block ends)."""
    listing = listing_with_patent(member.organisation, member.user, expires_on=in_days(300), **fields)
    listing_services.listing_submit(listing_id=listing.pk, actor=member.user)
    return listing_services.listing_approve(listing_id=listing.pk, operator=operator)
