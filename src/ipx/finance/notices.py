"""Who is told of a valuation's, a loan's and a pool's steps, and how the notices read (in the
reader's language when read or mailed). Each step tells the side that acts next or whose
request was answered: the appraiser of a request, the requester of the answer and the signed
report, the bank of an application, the borrower of an offer, both of a loan paid out or in
default; a pool's new member; the bank of the pool's compensation and of an appraiser's owed
share paid later. The services store a verb and params (names, amounts with their currency);
nothing here looks anything up, so a notice reads the same later on."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.notices import with_reason, wording
from ipx.deals.timeline import money_text
from ipx.finance.models import Claim, Loan, Policy, Pool, Product, Valuation
from ipx.notifications.services import notify

Subject = Valuation | Loan | Pool | Policy | Claim | Product
# The page of each kind of subject; insurance's and securitisation's wording is in their packages.
PAGES: dict[type, str] = {Valuation: "/finance/valuations/", Loan: "/finance/loans/", Pool: "/finance/pools/",
                          Policy: "/finance/insurance/policies/", Claim: "/finance/insurance/claims/",
                          Product: "/finance/securitisation/"}


def tell(verb: str, subject: Subject, *, to: Iterable[Organisation], actor: User | None, **params: object) -> None:
    """Notify the members of ``to`` (not ``actor``) of ``verb`` on ``subject``, linking its page."""
    notify(verb=f"finance.{verb}", organisations=to, exclude=actor, url=f"{PAGES[type(subject)]}{subject.pk}/",
           params={"number": subject.pk, **params})


def valuation_parties(valuation: Valuation) -> dict[str, object]:
    return {"requester": valuation.requester.name, "appraiser": valuation.appraiser.name}


def loan_parties(loan: Loan) -> dict[str, object]:
    return {"borrower": loan.borrower.name, "bank": loan.bank.name, "currency": loan.currency}


wording(
    "finance.valuation_requested",
    title=lambda p: _("Valuation %(number)s requested") % p,
    body=lambda p: _("%(requester)s asks you to value its IP rights, for: %(purpose)s") % p,
)
wording(
    "finance.valuation_accepted",
    title=lambda p: _("Valuation %(number)s accepted") % p,
    body=lambda p: _("%(appraiser)s accepted your request and is valuing the rights.") % p,
)
wording(
    "finance.valuation_declined",
    title=lambda p: _("Valuation %(number)s declined") % p,
    body=lambda p: with_reason(p, _("%(appraiser)s declined it: %(reason)s"),
                               _("%(appraiser)s declined it without a reason."), appraiser=p["appraiser"]),
)
wording(
    "finance.valuation_signed_off",
    title=lambda p: _("Valuation %(number)s signed off") % p,
    body=lambda p: _("%(appraiser)s concluded a value of %(amount)s; the report is ready.")
    % {"appraiser": p["appraiser"], "amount": money_text(p)},
)
wording(
    "finance.valuation_withdrawn",
    title=lambda p: _("Valuation %(number)s withdrawn") % p,
    body=lambda p: _("%(requester)s withdrew its request.") % p,
)
wording(
    "finance.loan_applied",
    title=lambda p: _("Loan application %(number)s") % p,
    body=lambda p: _("%(borrower)s applies for %(amount)s over %(months)s months.")
    % {"borrower": p["borrower"], "amount": money_text(p), "months": p["months"]},
)
wording(
    "finance.loan_offered",
    title=lambda p: _("Loan %(number)s offered") % p,
    body=lambda p: _("%(bank)s offers %(amount)s at %(annual_percent)s%% a year over %(months)s months; "
                     "accept it on the loan's page.")
    % {"bank": p["bank"], "amount": money_text(p), "annual_percent": p["annual_percent"], "months": p["months"]},
)
wording(
    "finance.loan_declined",
    title=lambda p: _("Loan application %(number)s declined") % p,
    body=lambda p: with_reason(p, _("%(bank)s declined it: %(reason)s"), _("%(bank)s declined it without a reason."),
                               bank=p["bank"]),
)
wording(
    "finance.loan_accepted",
    title=lambda p: _("Loan %(number)s accepted") % p,
    body=lambda p: _("%(borrower)s accepted your offer; the pledge's registration comes next.") % p,
)
wording(
    "finance.loan_withdrawn",
    title=lambda p: _("Loan application %(number)s withdrawn") % p,
    body=lambda p: _("%(borrower)s withdrew its application.") % p,
)
wording(
    "finance.pledge_returned",
    title=lambda p: _("The pledge of loan %(number)s was returned") % p,
    body=lambda p: with_reason(p, _("The operator wrote: %(reason)s"), _("The operator gave no reason.")),
)
wording(
    "finance.loan_paid_out",
    title=lambda p: _("Loan %(number)s paid out") % p,
    body=lambda p: _("The pledge was checked and %(amount)s paid to %(borrower)s; %(instalments)s instalments follow.")
    % {"amount": money_text(p), "borrower": p["borrower"], "instalments": p["instalments"]},
)
wording(
    "finance.loan_defaulted",
    title=lambda p: _("Loan %(number)s is in default") % p,
    body=lambda p: _("An instalment of %(borrower)s's loan from %(bank)s is %(days)s days overdue.") % p,
)

wording(
    "finance.pool_admitted",
    title=lambda p: _("Admitted to the pool “%(pool)s”") % p,
    body=lambda p: _("%(sponsor)s admitted your organisation; loans between its members can be enrolled for cover.")
    % p,
)
wording(
    "finance.loss_compensated",
    title=lambda p: _("Loan %(number)s: the loss is shared") % p,
    body=lambda p: _("Of a loss of %(amount)s, the pool's fund paid you %(fund)s, the insurer %(insurer)s and the "
                     "appraiser %(appraiser)s.")
    % {"amount": money_text(p), "fund": money_text(p, "fund"), "insurer": money_text(p, "insurer"),
       "appraiser": money_text(p, "appraiser")},
)
wording(
    "finance.owed_share_paid",
    title=lambda p: _("Loan %(number)s: the appraiser paid more of its share") % p,
    body=lambda p: _("%(appraiser_name)s paid %(amount)s of its share of the loss; %(owed)s is still owed.")
    % {"appraiser_name": p["appraiser_name"], "amount": money_text(p), "owed": money_text(p, "owed")},
)
