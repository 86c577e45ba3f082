"""Who may see and act in a negotiation: the two parties, their agents, and operators.

Everyone else gets "not found", so an outsider cannot even learn that a thread or deal
exists. Both the negotiation and the deal modules ask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound
from ipx.deals.models import Deal, Thread, ThreadAgent

Row = TypeVar("Row", Thread, Deal)


@dataclass(frozen=True, slots=True)
class Role:
    """How a user stands in a thread: for which side (if any), and as whom."""

    side: str  # "buyer", "seller" or "" for an operator
    organisation: Organisation | None  # the organisation the user acts for
    is_agent: bool
    is_operator: bool
    # A party's administrator or named signatory: may commit it (accept, sign, cancel,
    # fund, release); other members negotiate only.
    binds: bool = False

    @property
    def is_party(self) -> bool:
        """A member of the buyer or seller itself (agents act for a party but are not one)."""
        return bool(self.side) and not self.is_agent


def _member_org_ids(user: User) -> dict[int, bool]:
    """The user's organisations, each with whether the user may commit it."""
    return {m.organisation_id: m.binds for m in memberships_of(user)}


def _role(user: User, org_ids: dict[int, bool], buyer: Organisation, seller: Organisation,
          agent: ThreadAgent | None) -> Role | None:
    if buyer.pk in org_ids:
        return Role("buyer", buyer, is_agent=False, is_operator=user.is_operator, binds=org_ids[buyer.pk])
    if seller.pk in org_ids:
        return Role("seller", seller, is_agent=False, is_operator=user.is_operator, binds=org_ids[seller.pk])
    if agent is not None:
        return Role(agent.side, agent.organisation, is_agent=True, is_operator=user.is_operator)
    if user.is_operator:
        return Role("", None, is_agent=False, is_operator=True)
    return None


def _role_in(user: User, thread_id: int, buyer: Organisation, seller: Organisation) -> Role | None:
    if not user.is_authenticated:
        return None
    org_ids = _member_org_ids(user)
    agent = None
    if not org_ids.keys() & {buyer.pk, seller.pk}:
        agent = (ThreadAgent.objects.filter(thread_id=thread_id, organisation_id__in=org_ids)
                 .select_related("organisation").order_by("pk").first())
    return _role(user, org_ids, buyer, seller, agent)


def role_in_thread(user: User, thread: Thread) -> Role | None:
    return _role_in(user, thread.pk, thread.buyer, thread.seller)


def _access(rows: QuerySet[Row], pk: int, role_of: Callable[[Row], Role | None], *, for_update: bool,
            not_found: str) -> tuple[Row, Role]:
    """The row and the user's role in it; not found alike when there is none or no role."""
    if for_update:
        rows = rows.select_for_update(of=("self",))
    row = rows.filter(pk=pk).first()
    role = role_of(row) if row is not None else None
    if row is None or role is None:
        raise NotFound(not_found)
    return row, role


def access_thread(user: User, thread_id: int, *, for_update: bool = False) -> tuple[Thread, Role]:
    return _access(Thread.objects.select_related("listing", "buyer", "seller"), thread_id,
                   lambda thread: role_in_thread(user, thread), for_update=for_update,
                   not_found=_("No such negotiation."))


def access_deal(user: User, deal_id: int, *, for_update: bool = False) -> tuple[Deal, Role]:
    return _access(Deal.objects.select_related("thread", "listing", "buyer", "seller"), deal_id,
                   lambda deal: role_in_deal(user, deal), for_update=for_update, not_found=_("No such deal."))


# How each user stands in a deal, kept on the deal object for as long as it lives (one
# request): the deal's workflow asks for every action and every milestone on a page.
_ROLES = "_ipx_roles"


def remember_role(deal: Deal, user: User, role: Role | None) -> None:
    deal.__dict__.setdefault(_ROLES, {})[user.pk] = role


def role_in_deal(user: User, deal: Deal) -> Role | None:
    """How ``user`` stands in ``deal`` (None: no part in it), looked up once per deal object."""
    roles: dict[int, Role | None] = deal.__dict__.setdefault(_ROLES, {})
    if user.pk not in roles:
        roles[user.pk] = _role_in(user, deal.thread_id, deal.buyer, deal.seller)
    return roles[user.pk]


def remember_roles(user: User, deals: Iterable[Deal]) -> None:
    """The user's role in each of ``deals`` (with their buyer and seller loaded), in two
    queries for a whole list."""
    deals = [deal for deal in deals if user.pk not in deal.__dict__.get(_ROLES, {})]
    if not deals or not user.is_authenticated:
        return
    org_ids = _member_org_ids(user)
    agents: dict[int, ThreadAgent] = {}
    for agent in (ThreadAgent.objects.filter(thread_id__in={deal.thread_id for deal in deals},
                                             organisation_id__in=org_ids)
                  .select_related("organisation").order_by("pk")):
        agents.setdefault(agent.thread_id, agent)
    for deal in deals:
        remember_role(deal, user, _role(user, org_ids, deal.buyer, deal.seller, agents.get(deal.thread_id)))


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
