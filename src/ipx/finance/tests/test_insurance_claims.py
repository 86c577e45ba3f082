"""Claims: filed on a policy in force with evidence checked by its content, for no more than
the cover left; approved (no more than claimed nor the cover left) or rejected with a reason by
the insurer's signatories; paid out from the insurer to the policyholder through the ledger."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from ipx.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from ipx.finance.models import Claim, ClaimEvent, ClaimEvidence, Policy, Valuation
from ipx.finance.services import claims, insurance, loans
from ipx.finance.tests.test_insurance_policies import enforcement, guarantee, product
from ipx.finance.tests.test_loans_workflow import applied, available, offered
from ipx.finance.tests.test_valuation_workflow import patent_of
from ipx.ledger.selectors import ledger_check
from ipx.listings.tests.files import pdf_bytes, upload
from ipx.testing.fixtures import Member
from ipx.testing.scenes import deposit

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_force(underwriter: Member, owner: Member) -> Policy:
    """The owner's enforcement cover on one patent: premium 2,500, cover 100,000, paid."""
    cover = product(underwriter, enforcement())
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      asset_ids=[patent_of(owner).pk])
    deposit(owner.organisation, "2500")
    deposit(underwriter.organisation, "200000")
    return insurance.policy_pay(actor=owner.user, policy_id=policy.pk)


def test_a_claim_is_filed_with_evidence_and_refused_by_field(in_force: Policy, owner: Member,
                                                             buyer: Member) -> None:
    assert in_force.cover == D("100000.00")
    with pytest.raises(PermissionDenied):
        claims.claim_file(actor=buyer.user, policy_id=in_force.pk, amount="1000", description="诉讼费")
    with pytest.raises(ValidationFailed) as refused:
        claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="100000.01", description="",
                          files=[upload("判决书.pdf", b"not a pdf")], currency="USD")
    assert set(refused.value.fields) == {"amount", "description", "files", "currency"}
    assert "100,000.00" in refused.value.fields["amount"]
    assert not Claim.objects.exists() and not ClaimEvidence.objects.exists()
    claim = claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="60000", description="侵权诉讼律师费",
                              files=[upload("律师费发票.pdf", pdf_bytes())])
    assert (claim.status, claim.amount_claimed) == ("filed", D("60000.00"))
    evidence = ClaimEvidence.objects.get(claim=claim)
    assert (evidence.original_name, evidence.content_type) == ("律师费发票.pdf", "application/pdf")
    assert "律师费" not in evidence.file.name and evidence.file.name.startswith("claims/")
    assert list(ClaimEvent.objects.filter(claim=claim).values_list("verb", flat=True)) == ["file"]


def test_the_insurer_approves_within_the_cover_left_and_pays_out(in_force: Policy, owner: Member,
                                                                underwriter: Member) -> None:
    first = claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="60000", description="律师费")
    second = claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="70000", description="鉴定费")
    with pytest.raises(PermissionDenied):
        claims.claim_approve(actor=owner.user, claim_id=first.pk, amount="60000")
    with pytest.raises(ValidationFailed) as refused:
        claims.claim_approve(actor=underwriter.user, claim_id=first.pk, amount="60000.01")
    assert set(refused.value.fields) == {"amount"}  # more than claimed
    claims.claim_approve(actor=underwriter.user, claim_id=first.pk, amount="55000")
    assert str(claims.cover_left(in_force)) == "45000.00"  # in cents, as the API shows it
    with pytest.raises(ValidationFailed) as refused:  # 70,000 claimed, 45,000 left
        claims.claim_approve(actor=underwriter.user, claim_id=second.pk, amount="50000")
    assert "45,000.00" in refused.value.fields["amount"]
    with pytest.raises(ValidationFailed):  # filing more than is left
        claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="45000.01", description="再次")
    claims.claim_approve(actor=underwriter.user, claim_id=second.pk, amount="45000")
    assert str(claims.cover_left(in_force)) == "0.00"
    owner_before, insurer_before = available(owner), available(underwriter)
    with pytest.raises(PermissionDenied):
        claims.claim_pay(actor=owner.user, claim_id=first.pk)
    paid = claims.claim_pay(actor=underwriter.user, claim_id=first.pk)
    assert (paid.status, paid.paid_at is not None) == ("paid", True)
    assert available(owner) == owner_before + D("55000.00")
    assert available(underwriter) == insurer_before - D("55000.00")
    with pytest.raises(InvalidTransition):  # paid twice
        claims.claim_pay(actor=underwriter.user, claim_id=first.pk)
    assert available(owner) == owner_before + D("55000.00")
    assert ledger_check().ok


def test_a_rejected_claim_keeps_its_reason_and_takes_no_cover(in_force: Policy, owner: Member,
                                                             underwriter: Member) -> None:
    claim = claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="10000", description="差旅费")
    with pytest.raises(ValidationFailed):
        claims.claim_reject(actor=underwriter.user, claim_id=claim.pk, reason="")
    rejected = claims.claim_reject(actor=underwriter.user, claim_id=claim.pk, reason="差旅费不在保障范围内")
    assert (rejected.status, rejected.reason) == ("rejected", "差旅费不在保障范围内")
    assert claims.cover_left(in_force) == D("100000.00")
    with pytest.raises(InvalidTransition):
        claims.claim_approve(actor=underwriter.user, claim_id=claim.pk, amount="10000")


def test_no_claim_on_an_expired_policy_or_one_not_in_force(in_force: Policy, owner: Member,
                                                          underwriter: Member) -> None:
    assert in_force.ends_on is not None
    Policy.objects.filter(pk=in_force.pk).update(ends_on=in_force.ends_on - timedelta(days=400))
    with pytest.raises(Conflict) as refused:  # past its last day, before the hourly run expired it
        claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="1000", description="律师费")
    assert refused.value.code == "policy_expired"
    insurance.policies_expire()
    with pytest.raises(Conflict) as refused:
        claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount="1000", description="律师费")
    assert refused.value.code == "policy_expired"
    quote = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk,
                                     product_id=in_force.product_id, asset_ids=[patent_of(owner).pk])
    with pytest.raises(Conflict) as refused:
        claims.claim_file(actor=owner.user, policy_id=quote.pk, amount="1000", description="律师费")
    assert refused.value.code == "policy_not_in_force"
    assert not Claim.objects.exists()


def test_a_guarantee_takes_no_claim_filed_by_hand(underwriter: Member, owner: Member, banker: Member,
                                                 valued: Valuation) -> None:
    cover = product(underwriter, guarantee())
    loan = offered(applied(owner, banker, valued), banker)
    loans.loan_accept(actor=owner.user, loan_id=loan.pk)
    policy = insurance.policy_request(actor=owner.user, policyholder_id=owner.organisation.pk, product_id=cover.pk,
                                      loan_id=loan.pk)
    deposit(owner.organisation, "3000")
    insurance.policy_pay(actor=owner.user, policy_id=policy.pk)
    with pytest.raises(Conflict):
        claims.claim_file(actor=owner.user, policy_id=policy.pk, amount="1000", description="违约")
    assert not Claim.objects.exists()


def test_the_cover_left_is_in_cents(in_force: Policy, owner: Member, underwriter: Member) -> None:
    # SQLite sums decimals as floating point; the cover left is said in cents all the same.
    for amount in ("12345.67", "0.11"):
        filed = claims.claim_file(actor=owner.user, policy_id=in_force.pk, amount=amount, description="律师费")
        claims.claim_approve(actor=underwriter.user, claim_id=filed.pk, amount=amount)
    assert str(claims.cover_left(in_force)) == "87654.22"
