"""Each side of an insurance policy and a claim is told of the steps it waits for: the insurer
of a quote asked for, a premium paid, a quote dropped and a claim filed; the policyholder of a
quote declined and of each decision on its claim; both of the policy's end; the insurer of
what a guarantee paid from its balance at a loan's default. Whoever took the step is not told."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import translation

from ipx.accounts.models import User
from ipx.finance.models import Claim, Policy, Valuation
from ipx.finance.services import claims, insurance
from ipx.finance.tests.test_insurance_guarantee import accepted, disburse_and_default, guaranteed
from ipx.finance.tests.test_insurance_policies import enforcement, product
from ipx.finance.tests.test_notices import told
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.notifications.models import Notification
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def asked(owner: Member, underwriter: Member) -> Policy:
    return insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                    product_id=product(underwriter, enforcement()).pk, asset_ids=[patent_of(owner).pk])


def test_a_policy_tells_the_insurer_of_the_quote_and_the_premium_and_both_of_its_end(
        owner: Member, underwriter: Member, on_commit: Any) -> None:
    with on_commit():
        policy = asked(owner, underwriter)
        deposit(owner.organisation, "10000")
        insurance.policy_pay(actor=owner.user, policy_id=policy.pk)
    ends = Policy.objects.get(pk=policy.pk).ends_on
    assert ends is not None
    with on_commit():
        assert insurance.policies_expire(today=ends + timedelta(days=1)) == 1
    page = f"/finance/insurance/policies/{policy.pk}/"
    insurer, holder = underwriter.user.email, owner.user.email
    assert told() == [("finance.policy_requested", insurer, page), ("finance.policy_issued", insurer, page),
                      ("finance.policy_expired", holder, page), ("finance.policy_expired", insurer, page)]
    quote = Notification.objects.get(verb="finance.policy_requested")
    assert quote.title == f"Policy {policy.pk}: a quote was asked for"
    assert quote.body.startswith(f"{owner.organisation.name} asks for “{policy.product.name}”: cover of "
                                 "100,000.00 CNY for a premium of 2,500.00 CNY.")
    issued = Notification.objects.get(verb="finance.policy_issued")
    assert issued.body == (f"{owner.organisation.name} paid the premium of 2,500.00 CNY; the policy is in force "
                           f"until {ends.isoformat()}.")
    assert [m.to for m in mail.outbox] == [[insurer], [insurer], [holder], [insurer]]


def test_a_dropped_quote_tells_the_insurer_and_a_declined_one_the_policyholder_with_the_reason(
        owner: Member, underwriter: Member) -> None:
    first, second = asked(owner, underwriter), asked(owner, underwriter)
    Notification.objects.all().delete()
    insurance.policy_cancel(actor=owner.user, policy_id=first.pk)
    insurance.policy_decline(actor=underwriter.user, policy_id=second.pk, reason="专利稳定性不足。")
    assert [(verb, user) for verb, user, _page in told()] == [
        ("finance.policy_cancelled", underwriter.user.email), ("finance.policy_declined", owner.user.email)]
    declined = Notification.objects.get(verb="finance.policy_declined")
    assert declined.body == f"{underwriter.organisation.name} will not cover it: 专利稳定性不足。"


def test_a_claim_tells_the_insurer_it_was_filed_and_the_policyholder_of_each_decision(
        owner: Member, underwriter: Member) -> None:
    policy = asked(owner, underwriter)
    deposit(owner.organisation, "2500")
    deposit(underwriter.organisation, "200000")
    insurance.policy_pay(actor=owner.user, policy_id=policy.pk)
    Notification.objects.all().delete()
    first = claims.claim_file(actor=owner.user, policy_id=policy.pk, amount="60000", description="律师费")
    second = claims.claim_file(actor=owner.user, policy_id=policy.pk, amount="1000", description="差旅费")
    claims.claim_approve(actor=underwriter.user, claim_id=first.pk, amount="55000")
    claims.claim_pay(actor=underwriter.user, claim_id=first.pk)
    claims.claim_reject(actor=underwriter.user, claim_id=second.pk, reason="不在保险责任范围内。")
    insurer, holder = underwriter.user.email, owner.user.email
    first_page, second_page = f"/finance/insurance/claims/{first.pk}/", f"/finance/insurance/claims/{second.pk}/"
    assert told() == [("finance.claim_filed", insurer, first_page), ("finance.claim_filed", insurer, second_page),
                      ("finance.claim_approved", holder, first_page), ("finance.claim_paid", holder, first_page),
                      ("finance.claim_rejected", holder, second_page)]
    filed = Notification.objects.filter(verb="finance.claim_filed").order_by("pk").first()
    assert filed is not None and filed.title == f"Claim {first.pk} on policy {policy.pk}"
    assert filed.body == (f"{owner.organisation.name} claims 60,000.00 CNY; approve an amount or reject it on the "
                          "claim's page.")
    assert Notification.objects.get(verb="finance.claim_paid").body == (
        f"{underwriter.organisation.name} paid 55,000.00 CNY into your balance.")
    assert Notification.objects.get(verb="finance.claim_rejected").body == (
        f"{underwriter.organisation.name} rejected it: 不在保险责任范围内。")
    owner.user.preferred_language = "zh-hant"
    owner.user.save(update_fields=["preferred_language"])
    with translation.override("en"):
        assert "理賠" in Notification.objects.get(verb="finance.claim_paid").title


def test_a_guarantee_paid_at_a_default_tells_the_insurer_and_the_bank(
        owner: Member, banker: Member, underwriter: Member, operator: User, valued: Valuation) -> None:
    deposit(banker.organisation, "1000000")
    deposit(underwriter.organisation, "1000000")
    loan = accepted(owner, banker, valued)
    policy = guaranteed(loan, owner, underwriter, cover="100000")
    Notification.objects.all().delete()
    disburse_and_default(loan, owner, operator)
    claim = Claim.objects.get(policy=policy)
    paid = Notification.objects.get(verb="finance.guarantee_paid")
    assert (paid.user, paid.url) == (underwriter.user, f"/finance/insurance/claims/{claim.pk}/")
    assert paid.title == f"Loan {loan.pk} defaulted: the guarantee paid"
    assert paid.body == f"Under policy {policy.pk}, 100,000.00 CNY was paid from your balance to " \
                        f"{banker.organisation.name}."
    received = Notification.objects.get(verb="finance.guarantee_compensated")
    assert (received.user, received.url) == (banker.user, f"/finance/loans/{loan.pk}/")
    assert received.body == f"{underwriter.organisation.name} paid 100,000.00 CNY of the loss under policy {policy.pk}."
