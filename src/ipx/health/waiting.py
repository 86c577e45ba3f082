"""What waits for the operators, counted for the back-office's front page: each row one kind
of decision that only an operator takes, how many wait and where to take them. Counts only
(one query a row); the queues themselves list and order them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.selectors import organisations_awaiting_verification
from ipx.auctions.models import Registration
from ipx.dataip.models import DataProduct, Objection
from ipx.dataip.selectors import QUEUES
from ipx.deals.contracts.selectors import deals_for
from ipx.deals.models import Deal
from ipx.finance.selectors import pledges_to_check
from ipx.listings.selectors import listings_awaiting_review


@dataclass(frozen=True)
class Waiting:
    key: str
    label: str
    count: int
    url: str


def _dataip_to_decide() -> int:
    """Applications in a check or a change under review, and those in publicity that can be
    decided now (the period over) or have an objection to decide."""
    S = DataProduct.Status
    in_review = (*QUEUES["formal"], *QUEUES["substantive"], *QUEUES["changes"])
    open_objection = Objection.objects.filter(product=OuterRef("pk"), status=Objection.Status.OPEN)
    return DataProduct.objects.filter(
        Q(status__in=in_review)
        | Q(status=S.PUBLICITY, publicity_until__lt=timezone.localdate())
        | Q(status=S.PUBLICITY) & Exists(open_objection)).count()


def waiting_for_operators(user: Any) -> list[Waiting]:
    """The rows ``user`` (an operator) can act on, counted: a back-office list's only with its
    view permission."""
    admin = "admin:%s_changelist"
    rows: list[tuple[str, str, Callable[[], int], str, str]] = [
        ("organisations", _("Organisations awaiting verification"), organisations_awaiting_verification().count,
         reverse("accounts:verification_queue"), ""),
        ("listings", _("Listings awaiting review"), listings_awaiting_review().count,
         reverse(admin % "listings_listing") + "?status__exact=submitted", "listings.view_listing"),
        ("dataip", _("Data-IP applications and changes to decide"), _dataip_to_decide, reverse("dataip:queues"), ""),
        ("pledges", _("Pledge registrations to check"), pledges_to_check(user).count, reverse("finance:home"), ""),
        ("recordals", _("Deal recordals to check"), deals_for(user, status=Deal.Status.RECORDAL_SUBMITTED).count,
         reverse(admin % "deals_deal") + "?status__exact=recordal_submitted", "deals.view_deal"),
        ("cancellations", _("Requests to cancel a deal"), deals_for(user, disputed=True).count,
         reverse(admin % "deals_deal") + "?disputes__status__exact=open", "deals.view_deal"),
        ("bidders", _("Bidders awaiting admission to an auction"),
         Registration.objects.filter(status=Registration.Status.APPLIED).count, reverse("auctions:list"), ""),
    ]
    return [Waiting(key, label, count(), url) for key, label, count, url, permission in rows
            if not permission or user.has_perm(permission)]
