"""Reads for deals, scoped to who may see them (parties, their agents, operators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipx.accounts.models import User
from ipx.core.errors import NotFound
from ipx.deals.access import Role, access_deal, visible_deals
from ipx.deals.models import Commitment, Deal, DealEvent, DealMilestone, DealSignature, MilestoneCondition

S = Deal.Status
SIGNED_STATUSES = (S.SIGNED, S.RECORDAL_SUBMITTED, S.COMPLETED)

EVENT_LABELS = {
    "created": _("Deal made from the accepted offer"),
    "signed": _("Signed"),
    "fully_signed": _("Signed by both sides"),
    "concluded": _("Intended agreement concluded as a contract"),
    "funded": _("Milestone funded"),
    "released": _("Money released"),
    "refunded": _("Money returned to the buyer"),
    "recordal_submitted": _("Recordal submitted"),
    "recordal_approved": _("Recordal checked; deal completed"),
    "recordal_returned": _("Recordal returned to the seller"),
    "cancelled": _("Cancelled"),
}


def _with_details(rows: QuerySet[Deal]) -> QuerySet[Deal]:
    return rows.select_related("buyer", "seller", "listing", "thread").prefetch_related(
        Prefetch("milestones", queryset=DealMilestone.objects.order_by("position")),
        Prefetch("signatures", queryset=DealSignature.objects.select_related("organisation", "user").order_by("pk")),
        Prefetch("events", queryset=DealEvent.objects.select_related("actor").order_by("pk")),
        "asset_links__asset",
    )


def deals_for(user: User, *, status: str = "", commitment: str = "") -> QuerySet[Deal]:
    """Deals the user may see, newest first."""
    rows = visible_deals(user).select_related("buyer", "seller", "listing")
    if status:
        rows = rows.filter(status=status)
    if commitment:
        rows = rows.filter(commitment=commitment)
    return rows.order_by("-id")


def deal_detail(user: User, deal_id: int) -> tuple[Deal, Role]:
    """The deal with its milestones, signatures, events and assets; 404 for anyone not involved."""
    _deal, role = access_deal(user, deal_id)
    return _with_details(Deal.objects.filter(pk=deal_id)).get(), role


def contract_of(user: User, deal_id: int) -> Deal:
    deal, _role = access_deal(user, deal_id)
    if not deal.contract_pdf:
        raise NotFound(_("The contract of this deal is not ready yet."))
    return deal


@dataclass(frozen=True)
class Permissions:
    """What the user may do on the deal page (the services decide again on every request)."""

    sign: bool = False
    conclude: bool = False
    fund: bool = False
    release: bool = False
    submit_recordal: bool = False
    check_recordal: bool = False
    cancel: bool = False
    signed_by_mine: bool = False


def permissions(user: User, deal: Deal, role: Role) -> Permissions:
    signed = {s.organisation_id for s in deal.signatures.all()}
    mine = role.organisation.pk if role.is_party and role.organisation is not None else None
    open_deal = deal.status not in (S.COMPLETED, S.CANCELLED)
    concluded = deal.commitment == Commitment.CONCLUDED
    return Permissions(
        sign=mine is not None and mine not in signed and deal.status == S.AWAITING_SIGNATURES,
        conclude=role.is_party and not concluded and deal.status in (S.AWAITING_SIGNATURES, S.SIGNED),
        fund=role.is_party and role.side == "buyer" and concluded and deal.status in SIGNED_STATUSES,
        release=((role.is_party and role.side == "buyer") or user.is_operator) and concluded
        and deal.status in SIGNED_STATUSES,
        submit_recordal=role.is_party and role.side == "seller" and concluded and deal.status == S.SIGNED,
        check_recordal=user.is_operator and deal.status == S.RECORDAL_SUBMITTED,
        cancel=(role.is_party or user.is_operator) and open_deal,
        signed_by_mine=mine is not None and mine in signed,
    )


def milestone_releasable(deal: Deal, milestone: DealMilestone) -> bool:
    if milestone.status != DealMilestone.Status.FUNDED or deal.status == S.CANCELLED:
        return False
    if milestone.condition == MilestoneCondition.ON_SIGNING:
        return deal.status in SIGNED_STATUSES
    return deal.status == S.COMPLETED


def milestone_held(milestone: DealMilestone) -> Decimal:
    if milestone.status != DealMilestone.Status.FUNDED:
        return Decimal("0.00")
    return milestone.amount - milestone.released_amount - milestone.refunded_amount


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
    totals = {row["currency"]: (row["total"] or Decimal(0)).quantize(Decimal("0.01"))
              for row in rows.order_by().values("currency").annotate(total=Sum("price_amount"), n=Count("id"))
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
