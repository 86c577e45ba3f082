"""Who is told of an insurance policy's and a claim's steps, and how the notices read. The
insurer is told of a quote asked for, a premium paid, a quote dropped and a claim filed; the
policyholder of a quote declined, a claim decided or paid, and both of a policy's end. A
guarantee that pays at a loan's default tells the insurer what left its balance, and the bank
what it received (in a pool, the loss-sharing notice tells the bank instead). Sent through
``finance.notices.tell``."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ipx.core.notices import with_reason, wording
from ipx.deals.timeline import money_text
from ipx.finance.models import Policy

# The policy's relations ``policy_parties`` reads: the services lock a policy with them.
PARTIES = ("insurer", "policyholder", "product")


def policy_parties(policy: Policy) -> dict[str, object]:
    return {"policyholder": policy.policyholder.name, "insurer": policy.insurer.name,
            "product": policy.product.name, "currency": policy.currency}


wording(
    "finance.policy_requested",
    title=lambda p: _("Policy %(number)s: a quote was asked for") % p,
    body=lambda p: _("%(policyholder)s asks for “%(product)s”: cover of %(cover)s for a premium of %(premium)s. "
                     "It is issued when the premium is paid; decline it on the policy's page if you will not cover it.")
    % {"policyholder": p["policyholder"], "product": p["product"], "cover": money_text(p, "cover"),
       "premium": money_text(p, "premium")},
)
wording(
    "finance.policy_issued",
    title=lambda p: _("Policy %(number)s issued") % p,
    body=lambda p: _("%(policyholder)s paid the premium of %(amount)s; the policy is in force until %(ends_on)s.")
    % {"policyholder": p["policyholder"], "amount": money_text(p), "ends_on": p["ends_on"]},
)
wording(
    "finance.policy_declined",
    title=lambda p: _("Policy %(number)s declined") % p,
    body=lambda p: with_reason(p, _("%(insurer)s will not cover it: %(reason)s"),
                               _("%(insurer)s will not cover it and gave no reason."), insurer=p["insurer"]),
)
wording(
    "finance.policy_cancelled",
    title=lambda p: _("Policy %(number)s: the quote was dropped") % p,
    body=lambda p: _("%(policyholder)s dropped its quote for “%(product)s” without paying.") % p,
)
wording(
    "finance.policy_expired",
    title=lambda p: _("Policy %(number)s has expired") % p,
    body=lambda p: _("The policy “%(product)s” of %(policyholder)s ended on %(ends_on)s; it takes no more claims.")
    % p,
)
wording(
    "finance.claim_filed",
    title=lambda p: _("Claim %(number)s on policy %(policy)s") % p,
    body=lambda p: _("%(policyholder)s claims %(amount)s; approve an amount or reject it on the claim's page.")
    % {"policyholder": p["policyholder"], "amount": money_text(p)},
)
wording(
    "finance.claim_approved",
    title=lambda p: _("Claim %(number)s approved") % p,
    body=lambda p: _("%(insurer)s approved %(amount)s; the payment follows.")
    % {"insurer": p["insurer"], "amount": money_text(p)},
)
wording(
    "finance.claim_rejected",
    title=lambda p: _("Claim %(number)s rejected") % p,
    body=lambda p: with_reason(p, _("%(insurer)s rejected it: %(reason)s"),
                               _("%(insurer)s rejected it without a reason."), insurer=p["insurer"]),
)
wording(
    "finance.claim_paid",
    title=lambda p: _("Claim %(number)s paid") % p,
    body=lambda p: _("%(insurer)s paid %(amount)s into your balance.")
    % {"insurer": p["insurer"], "amount": money_text(p)},
)
wording(
    "finance.guarantee_paid",
    title=lambda p: _("Loan %(loan)s defaulted: the guarantee paid") % p,
    body=lambda p: _("Under policy %(policy)s, %(amount)s was paid from your balance to %(bank)s.")
    % {"policy": p["policy"], "amount": money_text(p), "bank": p["bank"]},
)
wording(
    "finance.guarantee_compensated",
    title=lambda p: _("Loan %(number)s: the guarantee paid") % p,
    body=lambda p: _("%(insurer)s paid %(amount)s of the loss under policy %(policy)s.")
    % {"insurer": p["insurer"], "amount": money_text(p), "policy": p["policy"]},
)
