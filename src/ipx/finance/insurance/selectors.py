"""Who sees what of insurance. Products on sale are shown to everyone signed in, and an
insurer's own (on sale or not) to its members. A policy and its claims are the policyholder's,
the insurer's and the operators'; to anyone else they do not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.selectors import memberships_of, signatory_ids
from ipx.core.errors import NotFound
from ipx.finance.models import Claim, ClaimEvidence, InsuranceProduct, Policy
from ipx.finance.services.claims import cover_left
from ipx.finance.workflow import CLAIM, POLICY


def organisation_ids(user: Any) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in memberships_of(user)}


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_operator", False))


def products_for(user: Any) -> QuerySet[InsuranceProduct]:
    """Products on sale, and the caller's insurers' own ones withdrawn from sale."""
    products = InsuranceProduct.objects.select_related("insurer").order_by("-pk")
    if _is_operator(user):
        return products
    return products.filter(Q(active=True) | Q(insurer_id__in=organisation_ids(user)))


def product_for(user: Any, product_id: int) -> InsuranceProduct:
    product = products_for(user).filter(pk=product_id).first()
    if product is None:
        raise NotFound(_("No such insurance product."))
    return product


def may_manage(user: Any, product: InsuranceProduct) -> bool:
    return product.insurer_id in signatory_ids(user) if getattr(user, "is_authenticated", False) else False


def insurers_of(user: Any) -> list[tuple[int, str]]:
    """The verified financial institutions ``user`` may set products up for (id, name)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [(m.organisation_id, m.organisation.name) for m in memberships_of(user)
            if m.binds and m.organisation.kind == m.organisation.Kind.FINANCIAL and m.organisation.is_verified]


def visible_policies(user: Any) -> QuerySet[Policy]:
    policies = Policy.objects.select_related("product", "insurer", "policyholder", "loan").order_by("-pk")
    if _is_operator(user):
        return policies
    mine = organisation_ids(user)
    return policies.filter(Q(policyholder_id__in=mine) | Q(insurer_id__in=mine))


def policy_for(user: Any, policy_id: int) -> Policy:
    policy = visible_policies(user).filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("No such policy."))
    return policy


def visible_claims(user: Any) -> QuerySet[Claim]:
    claims = Claim.objects.select_related("policy__product", "policy__insurer", "policy__policyholder").order_by("-pk")
    if _is_operator(user):
        return claims
    mine = organisation_ids(user)
    return claims.filter(Q(policy__policyholder_id__in=mine) | Q(policy__insurer_id__in=mine))


def claims_to_decide(user: Any) -> QuerySet[Claim]:
    """Claims filed or approved (to pay) on policies of insurers the caller binds."""
    return visible_claims(user).filter(policy__insurer_id__in=signatory_ids(user) if getattr(
        user, "is_authenticated", False) else [], status__in=(Claim.Status.FILED, Claim.Status.APPROVED))


def claim_for(user: Any, claim_id: int) -> Claim:
    claim = visible_claims(user).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(_("No such claim."))
    return claim


def evidence_for(user: Any, evidence_id: int) -> ClaimEvidence:
    evidence = ClaimEvidence.objects.filter(pk=evidence_id).first()
    if evidence is None or not visible_claims(user).filter(pk=evidence.claim_id).exists():
        raise NotFound(_("No such file."))
    return evidence


@dataclass(frozen=True)
class PolicyView:
    policy: Policy
    actions: list[str]  # the viewer's: pay, cancel, decline, claim
    cover_left: Decimal
    claims: list[Claim]
    is_holder: bool


def policy_view(user: Any, policy_id: int) -> PolicyView:
    policy = policy_for(user, policy_id)
    return PolicyView(policy=policy, actions=POLICY.allowed_actions(policy, user), cover_left=cover_left(policy),
                      claims=list(policy.claims.order_by("-pk")),
                      is_holder=policy.policyholder_id in organisation_ids(user))


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    actions: list[str]  # the viewer's: approve, reject, pay
    cover_left: Decimal
    evidence: list[ClaimEvidence]


def claim_view(user: Any, claim_id: int) -> ClaimView:
    claim = claim_for(user, claim_id)
    return ClaimView(claim=claim, actions=CLAIM.allowed_actions(claim, user), cover_left=cover_left(claim.policy),
                     evidence=list(claim.evidence.all()))
