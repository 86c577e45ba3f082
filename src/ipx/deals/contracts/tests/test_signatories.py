"""Business rule: only an administrator or a named signatory commits an organisation. A plain
member of the buyer or the seller may read and negotiate, but neither signs, concludes,
cancels or asks to cancel a deal, nor funds or releases escrow: each is refused with who may,
and nothing changes. A member the administrator names signatory may."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ipx.accounts.models import Membership, User
from ipx.core.errors import PermissionDenied
from ipx.deals.contracts import services
from ipx.deals.contracts.tests.helpers import deposit, fresh, funded, intended, signed, snapshot
from ipx.deals.contracts.workflow import DEAL, MILESTONE
from ipx.deals.models import Deal, DealSignature
from ipx.testing.factories import MembershipFactory, UserFactory
from ipx.testing.fixtures import Member

pytestmark = pytest.mark.django_db


def member_of(party: Member, *, signatory: bool = False) -> User:
    return MembershipFactory.create(user=UserFactory.create(), organisation=party.organisation,
                                    role=Membership.Role.MEMBER, is_signatory=signatory).user


Step = Callable[[Deal, User], Any]
STEPS: list[tuple[str, Callable[[Member, Member, User], Deal], str, Step, str]] = [
    ("sign", fresh, "seller", lambda deal, user: services.deal_sign(deal_id=deal.pk, actor=user),
     "Only an administrator or a signatory of {name} may sign this contract."),
    ("conclude", intended, "buyer", lambda deal, user: services.deal_conclude(deal_id=deal.pk, actor=user),
     "Only an administrator or a signatory of {name} may conclude this agreement as a contract."),
    ("cancel", fresh, "buyer", lambda deal, user: services.deal_cancel(deal_id=deal.pk, actor=user, reason="不要了"),
     "Only an administrator or a signatory of {name} may cancel this deal."),
    ("request_cancellation", signed, "seller",
     lambda deal, user: services.deal_request_cancellation(deal_id=deal.pk, actor=user, reason="对方违约"),
     "Only an administrator or a signatory of {name} may ask to cancel this deal."),
    ("fund", signed, "buyer", lambda deal, user: services.milestone_fund(deal_id=deal.pk, position=1, actor=user),
     "Only an administrator or a signatory of {name} may pay into escrow."),
    ("release", funded, "buyer",
     lambda deal, user: services.milestone_release(deal_id=deal.pk, position=1, actor=user),
     "Only an administrator or a signatory of {name} may release money held in escrow."),
]


@pytest.mark.parametrize(("name", "prepare", "side", "step", "message"), STEPS, ids=[s[0] for s in STEPS])
def test_a_plain_member_cannot_commit_the_party(name: str, prepare: Callable[[Member, Member, User], Deal],
                                                side: str, step: Step, message: str, owner: Member, buyer: Member,
                                                operator: User) -> None:
    deal = prepare(owner, buyer, operator)
    party = owner if side == "seller" else buyer
    member = member_of(party)
    before = snapshot(deal)

    with pytest.raises(PermissionDenied) as refused:
        step(deal, member)

    assert (refused.value.code, refused.value.message) == ("not_signatory",
                                                           message.format(name=party.organisation.name))
    assert snapshot(deal) == before
    deal = Deal.objects.get(pk=deal.pk)
    table = MILESTONE if name in ("fund", "release") else DEAL
    subject = deal.milestones.get(position=1) if table is MILESTONE else deal
    assert name not in table.allowed_actions(subject, member)  # type: ignore[arg-type]
    assert name in table.allowed_actions(subject, party.user)  # type: ignore[arg-type]


def test_a_named_signatory_signs_and_funds(owner: Member, buyer: Member, operator: User) -> None:
    deal = fresh(owner, buyer, operator)
    seller_signatory, buyer_signatory = member_of(owner, signatory=True), member_of(buyer, signatory=True)
    services.deal_sign(deal_id=deal.pk, actor=seller_signatory)
    services.deal_sign(deal_id=deal.pk, actor=buyer_signatory)
    deal.refresh_from_db()
    assert deal.status == "signed"
    assert list(DealSignature.objects.filter(deal=deal).order_by("pk").values_list("user", flat=True)) == [
        seller_signatory.pk, buyer_signatory.pk]
    deposit(buyer, "100000")
    milestone = services.milestone_fund(deal_id=deal.pk, position=1, actor=buyer_signatory)
    assert milestone.status == "funded"


def test_a_plain_member_still_reads_the_deal_and_hears_the_refusal_in_the_api(owner: Member, buyer: Member,
                                                                             operator: User) -> None:
    deal = fresh(owner, buyer, operator)
    member = member_of(buyer)
    client = buyer.client
    client.force_login(member)
    body = client.get(f"/api/v1/deals/{deal.pk}").json()
    assert (body["id"], body["allowed_actions"]) == (deal.pk, [])
    before = snapshot(deal)
    response = client.post(f"/api/v1/deals/{deal.pk}/cancel", data=json.dumps({"reason": "不要了"}),
                           content_type="application/json", HTTP_IDEMPOTENCY_KEY="member-1")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_signatory")
    assert snapshot(deal) == before
