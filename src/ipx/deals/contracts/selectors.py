"""Reads for deals, scoped to who may see them (parties, their agents, operators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import User
from ipx.core.errors import NotFound
from ipx.core.money import AmountSum, cents_or_zero
from ipx.deals.access import Role, access_deal, remember_role, visible_deals
from ipx.deals.contracts.workflow import SIGNED_STATUSES
from ipx.deals.models import Commitment, Deal, DealEvent, DealMilestone, DealSignature, Dispute

S = Deal.Status


def _with_details(rows: QuerySet[Deal]) -> QuerySet[Deal]:
    return rows.select_related("buyer", "seller", "listing", "thread").prefetch_related(
        Prefetch("milestones", queryset=DealMilestone.objects.order_by("position")),
        Prefetch("signatures", queryset=DealSignature.objects.select_related("organisation", "user").order_by("pk")),
        Prefetch("events", queryset=DealEvent.objects.select_related("actor").order_by("pk")),
        Prefetch("disputes", queryset=Dispute.objects.select_related("requested_by", "requested_for", "decided_by")
                 .order_by("pk")),
        "asset_links__asset",
    )


def deals_for(user: User, *, status: str = "", commitment: str = "", disputed: bool = False) -> QuerySet[Deal]:
    """Deals the user may see, newest first (with what their allowed actions are read from);
    ``disputed``: only those with a request to cancel waiting for an operator's decision."""
    rows = visible_deals(user).select_related("buyer", "seller", "listing").prefetch_related(
        Prefetch("signatures", queryset=DealSignature.objects.order_by("pk")),
        Prefetch("disputes", queryset=Dispute.objects.order_by("pk")))
    if status:
        rows = rows.filter(status=status)
    if commitment:
        rows = rows.filter(commitment=commitment)
    if disputed:
        rows = rows.filter(disputes__status=Dispute.Status.OPEN)
    return rows.order_by("-id")


def deal_detail(user: User, deal_id: int) -> tuple[Deal, Role]:
    """The deal with its milestones, signatures, events and assets; 404 for anyone not involved."""
    _deal, role = access_deal(user, deal_id)
    deal = _with_details(Deal.objects.filter(pk=deal_id)).get()
    remember_role(deal, user, role)
    return deal, role


def contract_of(user: User, deal_id: int) -> Deal:
    deal, _role = access_deal(user, deal_id)
    if not deal.contract_pdf:
        raise NotFound(_("The contract of this deal is not ready yet."))
    return deal


# --- Statistics ---------------------------------------------------------------------------------

@dataclass
class CommitmentFigures:
    count: int = 0
    # Sum of agreed prices per currency (never converted: the reports decide how to show them).
    totals: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class DealStatistics:
    """Counts and value of deals, intended agreements (意向) apart from concluded contracts (成交).

    A deal counts once both sides have signed it and while it is not cancelled; ``completed``
    is the part of ``concluded`` whose recordal the operator has checked. ``awaiting_signatures``
    counts agreed deals not yet signed by both, of either commitment.
    """

    intended: CommitmentFigures
    concluded: CommitmentFigures
    completed: CommitmentFigures
    awaiting_signatures: CommitmentFigures
    since: date | None = None
    until: date | None = None


def _figures(rows: QuerySet[Deal]) -> CommitmentFigures:
    totals = {row["currency"]: cents_or_zero(row["total"])
              for row in rows.order_by().values("currency").annotate(total=AmountSum("price_amount"), n=Count("id"))
              .order_by("currency")}
    return CommitmentFigures(count=rows.count(), totals=totals)


def deal_statistics(*, since: date | None = None, until: date | None = None) -> DealStatistics:
    """Figures for the statistics reports; ``since``/``until`` (inclusive) filter on the day the
    deal was agreed (the offer accepted), in the exchange's time zone."""
    rows = Deal.objects.all()
    zone = timezone.get_current_timezone()
    if since is not None:
        rows = rows.filter(created_at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        rows = rows.filter(created_at__lt=datetime.combine(until, time.max, tzinfo=zone))
    signed = rows.filter(status__in=SIGNED_STATUSES)
    return DealStatistics(
        intended=_figures(signed.filter(commitment=Commitment.INTENDED)),
        concluded=_figures(signed.filter(commitment=Commitment.CONCLUDED)),
        completed=_figures(signed.filter(commitment=Commitment.CONCLUDED, status=S.COMPLETED)),
        awaiting_signatures=_figures(rows.filter(status=S.AWAITING_SIGNATURES)),
        since=since, until=until,
    )
