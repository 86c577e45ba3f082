"""The API's insurance: products, policies and claims (``ipx.testing.insurance_world``).

Products on sale are read by everyone signed in; the bank (the insurer) sets them up and changes
them, nobody else. A policy and its claims are the policyholder's (home), the insurer's (the
bank) and the operators'; to anyone else they do not exist (404). Home's people ask for a quote
and file claims; only its signatories and administrator pay the premium (it commits home). The
bank's administrator declines a quote and decides and pays claims; operators read and do none of
it.
"""

from __future__ import annotations

from collections.abc import Callable

from ipx.testing.access_world import AccessWorld
from ipx.testing.upload_files import pdf_upload

from .matrix import DENY, HIDE, HOME, HOME_ONLY, LOGIN, OK, SIGNED_IN, Entry, const, every, ids


def insured(name: str) -> Callable[[AccessWorld], object]:
    """The id of one of the world's insurance objects."""
    return lambda world: getattr(world.insurance, name).pk


PRODUCT = ids(product_id=insured("product"))
QUOTE = ids(policy_id=insured("quote"))
IN_FORCE = ids(policy_id=insured("in_force"))
FILED = ids(claim_id=insured("filed"))
APPROVED = ids(claim_id=insured("approved"))
# The policyholder's people, the insurer and operators see a policy; the others learn nothing.
SEEN = every(HIDE, anonymous=LOGIN, bank=OK, operator=OK, **HOME)
# The insurer's step on a policy or claim: its administrator; the policyholder and operators are told no.
INSURER = every(HIDE, anonymous=LOGIN, member=DENY, signatory=DENY, admin=DENY, bank=OK, operator=DENY)
# The policyholder's step that commits it: its signatories.
HOLDER_BINDS = every(HIDE, anonymous=LOGIN, member=DENY, signatory=OK, admin=OK, bank=DENY, operator=DENY)
HOLDER = every(HIDE, anonymous=LOGIN, bank=DENY, operator=DENY, **HOME)
THE_BANK = every(DENY, anonymous=LOGIN, bank=OK)

PRODUCT_FIELDS = {"name": "专利无效抗辩保险", "kind": "invalidation_defence", "description": "", "currency": "CNY",
                  "premium_rule": "percent", "premium_percent": "2", "cover_rule": "fixed",
                  "cover_fixed": "200000", "term_months": 12, "active": True}


def _new_product(world: AccessWorld, role: str) -> dict[str, object]:
    return {**PRODUCT_FIELDS, "insurer_id": world.bank.pk}


def _quote(world: AccessWorld, role: str) -> dict[str, object]:
    patent = world.insurance.quote.assets.get()
    return {"policyholder_id": world.home.pk, "product_id": world.insurance.product.pk, "asset_ids": [patent.pk]}


def _claim(world: AccessWorld, role: str) -> dict[str, object]:
    return {"amount": "5000", "description": "律师函费用", "files": [pdf_upload("律师函.pdf")]}


ENTRIES = [
    Entry("/api/v1/finance/insurance/products", "GET", SIGNED_IN),
    Entry("/api/v1/finance/insurance/products", "POST", THE_BANK, body=_new_product,
          note="a verified financial institution's signatories; the others are no members of the bank"),
    Entry("/api/v1/finance/insurance/products/{product_id}", "GET", SIGNED_IN, args=PRODUCT),
    Entry("/api/v1/finance/insurance/products/{product_id}", "PUT", THE_BANK, args=PRODUCT,
          body=const(PRODUCT_FIELDS)),
    Entry("/api/v1/finance/insurance/policies", "GET", SIGNED_IN),
    Entry("/api/v1/finance/insurance/policies", "POST", HOME_ONLY, body=_quote,
          note="a quote for home, on home's patent: home's people ask; nobody else may ask for home"),
    Entry("/api/v1/finance/insurance/policies/{policy_id}", "GET", SEEN, args=QUOTE),
    Entry("/api/v1/finance/insurance/policies/{policy_id}/pay", "POST", HOLDER_BINDS, args=QUOTE,
          note="paying commits home: its signatories"),
    Entry("/api/v1/finance/insurance/policies/{policy_id}/cancel", "POST", HOLDER, args=QUOTE),
    Entry("/api/v1/finance/insurance/policies/{policy_id}/decline", "POST", INSURER, args=QUOTE,
          body=const({"reason": "专利稳定性需要进一步评估。"})),
    Entry("/api/v1/finance/insurance/claims", "GET", SIGNED_IN),
    Entry("/api/v1/finance/insurance/policies/{policy_id}/claims", "POST", HOLDER, args=IN_FORCE, body=_claim,
          multipart=True),
    Entry("/api/v1/finance/insurance/claims/{claim_id}", "GET", SEEN, args=FILED),
    Entry("/api/v1/finance/insurance/claims/{claim_id}/approve", "POST", INSURER, args=FILED,
          body=const({"amount": "15000"})),
    Entry("/api/v1/finance/insurance/claims/{claim_id}/reject", "POST", INSURER, args=FILED,
          body=const({"reason": "费用不在保障范围内。"})),
    Entry("/api/v1/finance/insurance/claims/{claim_id}/pay", "POST", INSURER, args=APPROVED),
    Entry("/api/v1/finance/insurance/evidence/{evidence_id}", "GET", SEEN,
          args=ids(evidence_id=insured("evidence"))),
]
