"""Insurance products and policies: a product's rules checked as the insurer sets it up; the
premium and cover worked out by the rule and shown before buying; the premium paid once
through the ledger (a retry with the same key answered as the first time); a guarantee only
on the policyholder's own loan, in its currency; expiry by the clock."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from ipx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ipx.finance.models import InsuranceProduct, Loan, Policy, PolicyEvent, Valuation
from ipx.finance.services import insurance
from ipx.finance.services.insurance import ProductValues
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger import descriptions
from ipx.ledger.selectors import ledger_check
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


def enforcement(**changes: Any) -> ProductValues:
    """Patent enforcement cost cover: 2,000 plus 500 per patent, cover 40 times the premium, a year."""
    values: dict[str, Any] = {"name": "专利执行保险", "kind": "enforcement", "premium_rule": "per_asset",
                              "premium_base": "2000", "premium_per_asset": "500", "cover_rule": "multiple",
                              "cover_multiple": "40", "term_months": "12", **changes}
    return ProductValues(**values)


def guarantee(**changes: Any) -> ProductValues:
    """Pledge-loan guarantee cover: 1.5 % of the cover, at most 200,000, a year."""
    values: dict[str, Any] = {"name": "知识产权质押融资保证保险", "kind": "loan_guarantee", "premium_rule": "percent",
                              "premium_percent": "1.5", "cover_rule": "fixed", "cover_fixed": "200000",
                              "term_months": "12", **changes}
    return ProductValues(**values)


def product(insurer: Member, values: ProductValues) -> InsuranceProduct:
    return insurance.product_create(actor=insurer.user, insurer_id=insurer.organisation.pk, values=values)


def test_a_product_is_set_up_by_a_financial_institution_with_consistent_rules(
        underwriter: Member, owner: Member) -> None:
    with pytest.raises(PermissionDenied):
        product(owner, enforcement())
    with pytest.raises(ValidationFailed) as refused:
        product(underwriter, enforcement(kind="weather", premium_base="-1", cover_multiple="0", term_months="0"))
    assert set(refused.value.fields) == {"kind", "premium_base", "cover_multiple", "term_months"}
    with pytest.raises(ValidationFailed) as refused:  # a percentage of a cover that is a multiple of it
        product(underwriter, guarantee(cover_rule="multiple", cover_multiple="10"))
    assert set(refused.value.fields) == {"cover_rule"}
    with pytest.raises(ValidationFailed) as refused:
        product(underwriter, enforcement(premium_base="0", premium_per_asset="0"))
    assert set(refused.value.fields) == {"premium_base"}
    assert not InsuranceProduct.objects.exists()
    made = product(underwriter, enforcement())
    assert (made.premium_base, made.premium_per_asset, made.cover_multiple) == (D("2000.00"), D("500.00"), D("40"))
    updated = insurance.product_update(actor=underwriter.user, product_id=made.pk,
                                       values=enforcement(premium_base="3000", active=False))
    assert (updated.premium_base, updated.active) == (D("3000.00"), False)
    with pytest.raises(PermissionDenied):
        insurance.product_update(actor=owner.user, product_id=made.pk, values=enforcement())


def test_the_premium_and_cover_follow_the_products_rule(underwriter: Member, owner: Member) -> None:
    cover = product(underwriter, enforcement())
    patents = [patent_of(owner).pk, patent_of(owner).pk]
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      asset_ids=patents)
    # 2,000 + 2 × 500 = 3,000; cover 40 × 3,000 = 120,000.
    assert (policy.premium, policy.cover, policy.status) == (D("3000.00"), D("120000.00"), "requested")
    assert set(policy.assets.values_list("pk", flat=True)) == set(patents)
    assert PolicyEvent.objects.get(policy=policy).verb == "request"
    percent = product(underwriter, enforcement(premium_rule="percent", premium_percent="2.5", cover_rule="fixed",
                                               cover_fixed="300000"))
    smaller = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                       product_id=percent.pk, asset_ids=patents[:1], cover="80000")
    assert (smaller.premium, smaller.cover) == (D("2000.00"), D("80000.00"))  # 2.5 % of 80,000
    with pytest.raises(ValidationFailed) as refused:
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=percent.pk,
                                 asset_ids=patents[:1], cover="300000.01")
    assert set(refused.value.fields) == {"cover"}


def test_a_request_is_refused_by_field_and_nothing_is_saved(underwriter: Member, owner: Member,
                                                            buyer: Member) -> None:
    cover = product(underwriter, enforcement())
    with pytest.raises(ValidationFailed) as refused:
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                 asset_ids=[patent_of(buyer).pk], loan_id="3", cover="abc", currency="USD")
    assert set(refused.value.fields) == {"asset_ids", "loan_id", "cover", "currency"}
    with pytest.raises(PermissionDenied):  # not the owner's organisation
        insurance.policy_request(actor=buyer.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                 asset_ids=[patent_of(owner).pk])
    off_sale = product(underwriter, enforcement(active=False))
    with pytest.raises(NotFound):
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=off_sale.pk,
                                 asset_ids=[patent_of(owner).pk])
    assert not Policy.objects.exists() and not PolicyEvent.objects.exists()


def test_paying_the_premium_issues_the_policy_once(underwriter: Member, owner: Member, buyer: Member) -> None:
    cover = product(underwriter, enforcement())
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      asset_ids=[patent_of(owner).pk])
    with pytest.raises(PermissionDenied):
        insurance.policy_pay(actor=buyer.user, policy_id=policy.pk, key="k1")
    with pytest.raises(Conflict):  # the owner has no money on the exchange
        insurance.policy_pay(actor=owner.user, policy_id=policy.pk, key="k1")
    assert Policy.objects.get(pk=policy.pk).status == "requested"
    deposit(owner.organisation, "10000")
    paid = insurance.policy_pay(actor=owner.user, policy_id=policy.pk, key="k1")
    today = timezone.localdate()
    assert (paid.status, paid.starts_on) == ("issued", today)
    assert paid.ends_on == insurance.policy_ends(today, 12)
    assert available(owner) == D("7500.00") and available(underwriter) == D("2500.00")  # 2,000 + 500
    again = insurance.policy_pay(actor=owner.user, policy_id=policy.pk, key="k1")  # a retry: answered, not paid
    assert again.pk == paid.pk and available(owner) == D("7500.00")
    with pytest.raises(Conflict) as refused:
        insurance.policy_pay(actor=owner.user, policy_id=policy.pk, key="k2")
    assert refused.value.code == "paid_already" and available(owner) == D("7500.00")
    # The statement names the premium's policy.
    assert descriptions.describe("transfer", paid.ledger_reference) == f"Insurance policy #{paid.pk}"
    assert ledger_check().ok


def test_a_policy_runs_to_the_day_before_its_anniversary() -> None:
    assert insurance.policy_ends(date(2026, 12, 3), 12) == date(2027, 12, 2)
    assert insurance.policy_ends(date(2027, 1, 31), 1) == date(2027, 2, 27)


def test_the_policyholder_cancels_and_the_insurer_declines_a_quote(underwriter: Member, owner: Member) -> None:
    cover = product(underwriter, enforcement())
    first, second = (insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                              product_id=cover.pk, asset_ids=[patent_of(owner).pk])
                     for _ in range(2))
    with pytest.raises(PermissionDenied):
        insurance.policy_cancel(actor=underwriter.user, policy_id=first.pk)
    assert insurance.policy_cancel(actor=owner.user, policy_id=first.pk).status == "cancelled"
    with pytest.raises(PermissionDenied):
        insurance.policy_decline(actor=owner.user, policy_id=second.pk, reason="no")
    with pytest.raises(ValidationFailed):
        insurance.policy_decline(actor=underwriter.user, policy_id=second.pk, reason="  ")
    declined = insurance.policy_decline(actor=underwriter.user, policy_id=second.pk, reason="专利稳定性不足")
    assert (declined.status, declined.decline_reason) == ("declined", "专利稳定性不足")


def test_a_guarantee_covers_the_policyholders_own_loan_in_its_currency(
        underwriter: Member, owner: Member, buyer: Member, banker: Member, valued: Valuation) -> None:
    cover = product(underwriter, guarantee())
    loan = offered(applied(owner, banker, valued), banker)
    with pytest.raises(ValidationFailed) as refused:  # offered, not accepted yet
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                 loan_id=loan.pk)
    assert "loan_id" in refused.value.fields
    Loan.objects.filter(pk=loan.pk).update(status=Loan.Status.ACCEPTED)
    with pytest.raises(ValidationFailed) as refused:  # the buyer neither borrows nor lends it
        insurance.policy_request(actor=buyer.user, policyholder_id=buyer.organisation.pk, product_id=cover.pk,
                                 loan_id=loan.pk)
    assert set(refused.value.fields) == {"loan_id"}
    in_dollars = product(underwriter, guarantee(currency="USD"))
    with pytest.raises(ValidationFailed) as refused:
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=in_dollars.pk,
                                 loan_id=loan.pk)
    assert "CNY" in refused.value.fields["loan_id"]
    with pytest.raises(ValidationFailed) as refused:  # more than the loan's 480,000? no: more than 200,000
        insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                 loan_id=loan.pk, cover="250000")
    assert set(refused.value.fields) == {"cover"}
    assert not Policy.objects.exists()
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      loan_id=loan.pk)
    assert (policy.cover, policy.premium, policy.loan_id) == (D("200000.00"), D("3000.00"), loan.pk)  # 1.5 %
    with pytest.raises(ValidationFailed) as refused:  # one guarantee per loan
        insurance.policy_request(actor=banker.user, policyholder_id=banker.organisation.pk, product_id=cover.pk,
                                 loan_id=loan.pk, cover="100000")
    assert f"#{policy.pk}" in refused.value.fields["loan_id"]


def test_policies_expire_after_their_last_day(underwriter: Member, owner: Member) -> None:
    cover = product(underwriter, enforcement())
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      asset_ids=[patent_of(owner).pk])
    deposit(owner.organisation, "10000")
    insurance.policy_pay(actor=owner.user, policy_id=policy.pk)
    ends = Policy.objects.get(pk=policy.pk).ends_on
    assert ends is not None
    assert insurance.policies_expire(today=ends) == 0
    assert insurance.policies_expire(today=ends + timedelta(days=1)) == 1
    assert Policy.objects.get(pk=policy.pk).status == "expired"
    assert insurance.policies_expire(today=ends + timedelta(days=2)) == 0
