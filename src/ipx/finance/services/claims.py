"""Claims on insurance policies (the ``CLAIM`` table), and a guarantee's payment on a default.

The policyholder files a claim on a policy in force (not past its last day), for no more than
the cover left (the cover less what approved claims took), with evidence checked like a
negotiation's attachments (the content decides the type, a size limit, kept privately). The
insurer's administrators or signatories approve an amount (no more than claimed nor than the
cover left then) or reject it with a reason, and pay an approved claim from the insurer's
balance to the policyholder through the ledger.

A pledge-loan guarantee pays as its loan defaults: ``guarantee_pay`` records a claim approved
and paid on the policy, the money going from the insurer to the lending bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import Conflict, NotFound, ValidationFailed
from ipx.core.money import ZERO, AmountSum, Money, collect_amount
from ipx.core.uploads import check_uploads
from ipx.core.validation import FieldErrors, clean_text
from ipx.finance.insurance.notices import PARTIES, policy_parties
from ipx.finance.models import Claim, ClaimEvidence, Enrolment, InsuranceProduct, Loan, Policy
from ipx.finance.notices import tell
from ipx.finance.workflow import CLAIM, POLICY
from ipx.ledger.services import transfer

COUNTED = (Claim.Status.APPROVED, Claim.Status.PAID)


def cover_left(policy: Policy) -> Decimal:
    """The cover less what approved (and paid) claims took of it."""
    taken = policy.claims.filter(status__in=COUNTED).aggregate(total=AmountSum("amount_approved"))["total"]
    return policy.cover - (taken or ZERO)


def _in_force(policy: Policy) -> None:
    today = timezone.localdate()
    if policy.status == Policy.Status.EXPIRED or (
            policy.status == Policy.Status.ISSUED and policy.ends_on is not None and policy.ends_on < today):
        assert policy.ends_on is not None
        raise Conflict(_("Policy #%(policy)s expired on %(date)s; claims are made while it is in force.")
                       % {"policy": policy.pk, "date": policy.ends_on.isoformat()}, code="policy_expired")
    if policy.status != Policy.Status.ISSUED:
        raise Conflict(_("Policy #%(policy)s is not in force (%(status)s).")
                       % {"policy": policy.pk, "status": policy.get_status_display()}, code="policy_not_in_force")


@transaction.atomic
def claim_file(*, actor: User, policy_id: int, amount: object, description: object,
               files: Sequence[IO[bytes] | Any] = (), currency: object = None) -> Claim:
    policy = POLICY.lock(policy_id, related=PARTIES)
    POLICY.admit("claim", policy, actor)
    _in_force(policy)
    if policy.product.kind == InsuranceProduct.Kind.LOAN_GUARANTEE:
        raise Conflict(_("A pledge-loan guarantee pays the lending bank when the loan defaults; it takes no "
                         "claims filed by hand."))
    errors = FieldErrors()
    if currency not in (None, "") and currency != policy.currency:
        errors.add("currency", _("Policy #%(policy)s is in %(currency)s.")
                   % {"policy": policy.pk, "currency": policy.currency})
    claimed = collect_amount(amount, policy.currency, field="amount", errors=errors)
    left = cover_left(policy)
    if "amount" not in errors.errors and claimed > left:
        errors.add("amount", _("The cover left on this policy is %(left)s.") % {"left": Money(left, policy.currency)})
    text = clean_text(description, field="description", errors=errors, max_length=10_000)
    checked = []
    if files:
        try:
            checked = check_uploads(list(files), field="files")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    claim = Claim.objects.create(policy=policy, amount_claimed=claimed, description=text, filed_by=actor)
    for upload in checked:
        evidence = ClaimEvidence(claim=claim)
        evidence.store(upload)
        evidence.save()
    CLAIM.record(claim, "file", actor=actor, acting_for=policy.policyholder, from_status="",
                 params={"amount": str(claimed), "currency": policy.currency, "files": len(checked)})
    _tell("claim_filed", claim, to=policy.insurer, actor=actor, amount=claimed)
    return claim


def _tell(verb: str, claim: Claim, *, to: Organisation, actor: User | None, amount: Decimal) -> None:
    tell(verb, claim, to=[to], actor=actor, policy=claim.policy.pk, amount=str(amount),
         **policy_parties(claim.policy))


def _lock_claim(claim_id: int) -> tuple[Claim, Policy]:
    """The claim and its policy locked, the policy first (as filing locks it)."""
    policy_id = Claim.objects.filter(pk=claim_id).values_list("policy_id", flat=True).first()
    if policy_id is None:
        raise NotFound(_("No such claim."))
    policy = POLICY.lock(policy_id, related=PARTIES)
    claim = CLAIM.lock(claim_id)
    claim.policy = policy
    return claim, policy


@transaction.atomic
def claim_approve(*, actor: User, claim_id: int, amount: object) -> Claim:
    claim, policy = _lock_claim(claim_id)
    CLAIM.admit("approve", claim, actor)
    errors = FieldErrors()
    approved = collect_amount(amount, policy.currency, field="amount", errors=errors)
    left = cover_left(policy)
    if "amount" not in errors.errors and approved > claim.amount_claimed:
        errors.add("amount", _("The claim is for %(claimed)s.") % {"claimed": Money(claim.amount_claimed,
                                                                                      policy.currency)})
    elif "amount" not in errors.errors and approved > left:
        errors.add("amount", _("The cover left on this policy is %(left)s.") % {"left": Money(left, policy.currency)})
    errors.raise_if_any()
    claim.amount_approved, claim.decided_by, claim.decided_at = approved, actor, timezone.now()
    CLAIM.transition(claim, "approve", actor=actor, acting_for=policy.insurer,
                     fields=("amount_approved", "decided_by", "decided_at"),
                     params={"amount": str(approved), "currency": policy.currency})
    _tell("claim_approved", claim, to=policy.policyholder, actor=actor, amount=approved)
    return claim


@transaction.atomic
def claim_reject(*, actor: User, claim_id: int, reason: object) -> Claim:
    claim, policy = _lock_claim(claim_id)
    CLAIM.admit("reject", claim, actor)
    errors = FieldErrors()
    note = clean_text(reason, field="reason", errors=errors, max_length=2000)
    errors.raise_if_any()
    claim.reason, claim.decided_by, claim.decided_at = note, actor, timezone.now()
    CLAIM.transition(claim, "reject", actor=actor, acting_for=policy.insurer, note=note,
                     fields=("reason", "decided_by", "decided_at"))
    tell("claim_rejected", claim, to=[policy.policyholder], actor=actor, policy=policy.pk, reason=note,
         **policy_parties(policy))
    return claim


@transaction.atomic
def claim_pay(*, actor: User, claim_id: int) -> Claim:
    """Pay an approved claim from the insurer's balance to the policyholder."""
    claim, policy = _lock_claim(claim_id)
    CLAIM.check(claim, "pay", actor)
    assert claim.amount_approved is not None
    transfer(payer=policy.insurer, payee=policy.policyholder, money=Money(claim.amount_approved, policy.currency),
             reference=policy.ledger_reference, actor=actor)
    claim.paid_at = timezone.now()
    CLAIM.transition(claim, "pay", actor=actor, acting_for=policy.insurer, check=False, fields=("paid_at",),
                     params={"amount": str(claim.amount_approved), "currency": policy.currency})
    _tell("claim_paid", claim, to=policy.policyholder, actor=actor, amount=claim.amount_approved)
    return claim


def guarantee_for(loan: Loan, currency: str) -> Policy | None:
    """The loan's guarantee policy in force in ``currency``, locked; None when it has none."""
    return (Policy.objects.select_for_update(of=("self",)).select_related("insurer")
            .filter(loan=loan, status=Policy.Status.ISSUED, currency=currency,
                    product__kind=InsuranceProduct.Kind.LOAN_GUARANTEE).order_by("pk").first())


def guarantee_pay(*, policy: Policy, bank: Organisation, amount: Decimal, enrolment: Enrolment | None) -> Claim:
    """As the guaranteed loan defaults (its row locked by the caller): the insurer pays ``amount``
    (within the cover left, checked by the caller) to the bank; recorded as a claim paid."""
    transfer(payer=policy.insurer, payee=bank, money=Money(amount, policy.currency),
             reference=policy.ledger_reference)
    now = timezone.now()
    claim = Claim.objects.create(policy=policy, amount_claimed=amount, enrolment=enrolment)
    params = {"amount": str(amount), "currency": policy.currency, "loan": policy.loan_id}
    CLAIM.record(claim, "default", actor=None, from_status="", params=params)
    claim.amount_approved, claim.decided_at, claim.paid_at = amount, now, now
    CLAIM.transition(claim, "approve", actor=None, check=False, fields=("amount_approved", "decided_at"),
                     params=params)
    CLAIM.transition(claim, "pay", actor=None, check=False, fields=("paid_at",), params=params)
    tell("guarantee_paid", claim, to=[policy.insurer], actor=None, policy=policy.pk, loan=policy.loan_id,
         amount=str(amount), currency=policy.currency, bank=bank.name)
    return claim
