"""Who may see and act in a negotiation: the two parties, their agents, and operators.

Everyone else gets "not found", so an outsider cannot even learn that a thread or deal
exists. Both the negotiation and the deal modules ask here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound, PermissionDenied
from ipx.deals.models import Deal, Thread, ThreadAgent


@dataclass(frozen=True, slots=True)
class Role:
    """How a user stands in a thread: for which side (if any), and as whom."""

    side: str  # "buyer", "seller" or "" for an operator
    organisation: Organisation | None  # the organisation the user acts for
    is_agent: bool
    is_operator: bool

    @property
    def is_party(self) -> bool:
        """A member of the buyer or seller itself (agents act for a party but are not one)."""
        return bool(self.side) and not self.is_agent


def _member_org_ids(user: User) -> set[int]:
    return set(memberships_of(user).values_list("organisation_id", flat=True))


def role_in_thread(user: User, thread: Thread) -> Role | None:
    if not user.is_authenticated:
        return None
    org_ids = _member_org_ids(user)
    if thread.buyer_id in org_ids:
        return Role("buyer", thread.buyer, is_agent=False, is_operator=user.is_operator)
    if thread.seller_id in org_ids:
        return Role("seller", thread.seller, is_agent=False, is_operator=user.is_operator)
    agent = thread.agents.filter(organisation_id__in=org_ids).select_related("organisation").first()
    if agent is not None:
        return Role(agent.side, agent.organisation, is_agent=True, is_operator=user.is_operator)
    if user.is_operator:
        return Role("", None, is_agent=False, is_operator=True)
    return None


def access_thread(user: User, thread_id: int, *, for_update: bool = False) -> tuple[Thread, Role]:
    rows = Thread.objects.select_related("listing", "buyer", "seller")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    thread = rows.filter(pk=thread_id).first()
    role = role_in_thread(user, thread) if thread is not None else None
    if thread is None or role is None:
        raise NotFound(_("No such negotiation."))
    return thread, role


def access_deal(user: User, deal_id: int, *, for_update: bool = False) -> tuple[Deal, Role]:
    rows = Deal.objects.select_related("thread", "listing", "buyer", "seller")
    if for_update:
        rows = rows.select_for_update(of=("self",))
    deal = rows.filter(pk=deal_id).first()
    role = role_in_thread(user, deal.thread) if deal is not None else None
    if deal is None or role is None:
        raise NotFound(_("No such deal."))
    return deal, role


def require_party(role: Role, *, side: str | None = None) -> Organisation:
    """The organisation a party member acts for; agents and operators are refused."""
    if not role.is_party or role.organisation is None:
        raise PermissionDenied(_("Only the buyer or the seller may do this."))
    if side is not None and role.side != side:
        raise PermissionDenied(_("Only the %(side)s may do this.") % {"side": side_label(side)})
    return role.organisation


def require_operator(user: User) -> None:
    if not user.is_operator:
        raise PermissionDenied(_("Only an operator may do this."))


def side_label(side: str) -> str:
    return _("buyer") if side == "buyer" else _("seller")


def visible_threads(user: User) -> QuerySet[Thread]:
    if not user.is_authenticated:
        return Thread.objects.none()
    if user.is_operator:
        return Thread.objects.all()
    org_ids = _member_org_ids(user)
    agent_threads = ThreadAgent.objects.filter(organisation_id__in=org_ids).values("thread_id")
    return Thread.objects.filter(Q(buyer_id__in=org_ids) | Q(seller_id__in=org_ids) | Q(pk__in=agent_threads))


def visible_deals(user: User) -> QuerySet[Deal]:
    if not user.is_authenticated:
        return Deal.objects.none()
    if user.is_operator:
        return Deal.objects.all()
    return Deal.objects.filter(thread__in=visible_threads(user))
