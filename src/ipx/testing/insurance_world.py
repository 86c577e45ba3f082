"""The insurance of the access world (``ipx.testing.access_world``): the bank (a financial
institution) sells cover, and home is its policyholder, each object in the state a step starts
from, built through the insurance services.

- *product*: the bank's patent enforcement cover, on sale;
- *quote*: home's policy asked for and not paid (to pay, cancel or decline);
- *in_force*: home's policy with its premium paid (claims are filed on it);
- *filed*: a claim on it with a PDF of evidence, awaiting the bank's decision;
- *approved*: a claim on it approved, awaiting payment (the bank has the money).
"""

from __future__ import annotations

from dataclasses import dataclass

from ipx.accounts.models import Organisation, User
from ipx.finance.models import Claim, ClaimEvidence, InsuranceProduct, Policy
from ipx.finance.services import claims, insurance
from ipx.testing.factories import PatentFactory
from ipx.testing.scenes import deposit
from ipx.testing.upload_files import pdf_upload


@dataclass
class InsuranceWorld:
    product: InsuranceProduct
    quote: Policy
    in_force: Policy
    filed: Claim
    approved: Claim
    evidence: ClaimEvidence


def enforcement_cover() -> insurance.ProductValues:
    """2,000 plus 500 per patent, cover 40 times the premium, for a year."""
    return insurance.ProductValues(name="专利执行保险", kind="enforcement", premium_rule="per_asset",
                                   premium_base="2000", premium_per_asset="500", cover_rule="multiple",
                                   cover_multiple="40", term_months="12")


def build_insurance_world(*, home: Organisation, admin: User, bank: Organisation, banker: User) -> InsuranceWorld:
    product = insurance.product_create(actor=banker, insurer_id=bank.pk, values=enforcement_cover())

    def policy() -> Policy:
        patent = PatentFactory.create(asset__holder=home).asset
        return insurance.policy_request(actor=admin, policyholder_id=home.pk, product_id=product.pk,
                                        asset_ids=[patent.pk])

    quote = policy()
    in_force = insurance.policy_pay(actor=admin, policy_id=policy().pk)
    filed = claims.claim_file(actor=admin, policy_id=in_force.pk, amount="20000", description="侵权诉讼律师费",
                              files=[pdf_upload("律师费发票.pdf")])
    approved = claims.claim_file(actor=admin, policy_id=in_force.pk, amount="10000", description="技术鉴定费")
    claims.claim_approve(actor=banker, claim_id=approved.pk, amount="10000")
    deposit(bank, "500000")
    return InsuranceWorld(product=product, quote=quote, in_force=in_force, filed=filed,
                          approved=Claim.objects.get(pk=approved.pk), evidence=filed.evidence.get())
