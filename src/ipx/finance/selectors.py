"""Reading IP finance, scoped to who asks.

A valuation is its requester's, its appraiser's and (once a loan application rests on it) the
lending bank's; a loan is its borrower's and its bank's; a pool is its sponsor's, its
members' and its insurer's. Operators see everything. To anyone else each does not exist
(404). The lists a person's finance home shows are read here too: by organisation and role.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import NotFound, PermissionDenied
from ipx.core.money import ZERO
from ipx.finance.models import Enrolment, Instalment, Loan, Pool, Valuation
from ipx.finance.money import to_cents

L = Loan.Status
RUNNING = (L.ACCEPTED, L.PLEDGE_SUBMITTED, L.ACTIVE)
HOME_LIMIT = 100


def is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_operator", False))


def organisation_ids(user: Any) -> list[int]:
    """The organisations ``user`` belongs to (none when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [m.organisation_id for m in memberships_of(user)]


def binding_ids(user: Any) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {m.organisation_id for m in memberships_of(user) if m.binds}


# --- Valuations --------------------------------------------------------------------------------

def visible_valuations(user: Any) -> QuerySet[Valuation]:
    valuations = Valuation.objects.select_related("requester", "appraiser")
    if is_operator(user):
        return valuations
    ids = organisation_ids(user)
    return valuations.filter(Q(requester_id__in=ids) | Q(appraiser_id__in=ids) | Q(loans__bank_id__in=ids)).distinct()


def valuation_for(user: Any, valuation_id: int) -> Valuation:
    valuation = visible_valuations(user).filter(pk=valuation_id).first()
    if valuation is None:
        raise NotFound(_("No such valuation."))
    return valuation


def valuation_appraised_by(user: Any, valuation_id: int) -> Valuation:
    """A valuation its appraiser's member works on (or the operator looks into): the candidate
    comparables (other members' concluded deals and their prices) are the appraiser's working
    material, not the requester's or the lender's, who see the comparables the signed report
    cites."""
    valuation = valuation_for(user, valuation_id)
    if not is_operator(user) and valuation.appraiser_id not in organisation_ids(user):
        raise PermissionDenied(_("Only the appraiser sees the comparable deals."))
    return valuation


def valuations_requested(user: Any) -> QuerySet[Valuation]:
    return Valuation.objects.select_related("requester", "appraiser").filter(requester_id__in=organisation_ids(user))


def valuations_to_make(user: Any) -> QuerySet[Valuation]:
    """The appraiser's requests and reports."""
    return Valuation.objects.select_related("requester", "appraiser").filter(appraiser_id__in=organisation_ids(user))


# --- Loans --------------------------------------------------------------------------------------

def visible_loans(user: Any) -> QuerySet[Loan]:
    loans = Loan.objects.select_related("borrower", "bank", "valuation")
    if is_operator(user):
        return loans
    ids = organisation_ids(user)
    return loans.filter(Q(borrower_id__in=ids) | Q(bank_id__in=ids))


def loan_for(user: Any, loan_id: int) -> Loan:
    loan = visible_loans(user).filter(pk=loan_id).first()
    if loan is None:
        raise NotFound(_("No such loan."))
    return loan


def loans_borrowed(user: Any) -> QuerySet[Loan]:
    return Loan.objects.select_related("borrower", "bank").filter(borrower_id__in=organisation_ids(user))


def loans_made(user: Any, *, statuses: tuple[str, ...] = ()) -> QuerySet[Loan]:
    loans = Loan.objects.select_related("borrower", "bank").filter(bank_id__in=organisation_ids(user))
    return loans.filter(status__in=statuses) if statuses else loans


def overdue_loans(loans: QuerySet[Loan]) -> QuerySet[Loan]:
    """Running loans with an instalment overdue."""
    return loans.filter(status=L.ACTIVE, instalments__status=Instalment.Status.OVERDUE).distinct()


def pledges_to_check(user: Any) -> QuerySet[Loan]:
    """The operators' queue: pledge registrations submitted, the oldest first."""
    if not is_operator(user):
        return Loan.objects.none()
    return Loan.objects.select_related("borrower", "bank").filter(status=L.PLEDGE_SUBMITTED).order_by("pk")


def collateral_of(loan: Loan) -> list[Any]:
    return list(loan.collateral.order_by("pk"))


def instalments_of(loan: Loan) -> list[Instalment]:
    return list(loan.instalments.order_by("number"))


def outstanding(loan: Loan) -> Decimal:
    """Principal not yet repaid."""
    return sum((i.principal for i in loan.instalments.exclude(status=Instalment.Status.PAID)), ZERO)


def enrolment_of(loan: Loan) -> Enrolment | None:
    return Enrolment.objects.select_related("pool").filter(loan=loan).first()


@dataclass(frozen=True, slots=True)
class LossShare:
    party: str  # fund, insurer or appraiser
    share: Decimal  # its ratio's part of the loss
    paid: Decimal  # what it paid the bank
    owed: Decimal  # what it could not pay (the appraiser's only; the others make the default wait)
    returned: Decimal  # recoveries paid back to it


def loss_shares(enrolment: Enrolment) -> list[LossShare]:
    """Who paid the bank what of a compensated loan's loss (nothing before a default)."""
    shares = enrolment.shares
    return [LossShare(party, _money(shares.get(party)), _money(shares.get(f"{party}_paid")),
                      _money(shares.get(f"{party}_owed")), _money(shares.get(f"{party}_returned")))
            for party in ("fund", "insurer", "appraiser") if f"{party}_paid" in shares]


def may_enrol(loan: Loan, user: Any) -> bool:
    """Whether ``user`` commits the lending bank, the loan runs and is in no pool yet."""
    return (loan.bank_id in binding_ids(user) and loan.status in RUNNING
            and not Enrolment.objects.filter(loan=loan).exists())


def may_recover(loan: Loan, user: Any) -> bool:
    return loan.bank_id in binding_ids(user) and Enrolment.objects.filter(
        loan=loan, status=Enrolment.Status.COMPENSATED).exists()


def valuations_for_loan(loan: Loan) -> list[Valuation]:
    """The borrower's signed-off valuations, in the loan's currency, that cover every pledged right."""
    pledged = set(loan.collateral.values_list("pk", flat=True))
    candidates = Valuation.objects.filter(requester_id=loan.borrower_id, status=Valuation.Status.SIGNED_OFF,
                                          currency=loan.currency).prefetch_related("asset_links")
    return [valuation for valuation in candidates
            if pledged <= {link.asset_id for link in valuation.asset_links.all()}]


def pools_for_enrolment(loan: Loan) -> QuerySet[Pool]:
    """Pools both the bank and the borrower belong to."""
    return (Pool.objects.filter(members__organisation_id=loan.bank_id)
            .filter(members__organisation_id=loan.borrower_id).distinct())


# --- Pools --------------------------------------------------------------------------------------

def visible_pools(user: Any) -> QuerySet[Pool]:
    pools = Pool.objects.select_related("sponsor", "insurer")
    if is_operator(user):
        return pools
    ids = organisation_ids(user)
    return pools.filter(Q(sponsor_id__in=ids) | Q(members__organisation_id__in=ids) | Q(insurer_id__in=ids)).distinct()


def pool_for(user: Any, pool_id: int) -> Pool:
    pool = visible_pools(user).filter(pk=pool_id).first()
    if pool is None:
        raise NotFound(_("No such pool."))
    return pool


def may_admit(pool: Pool, user: Any) -> bool:
    return pool.sponsor_id in binding_ids(user)


def sponsor_choices(user: Any) -> list[Organisation]:
    """The verified government bodies ``user`` commits: the sponsors a pool may be set up for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [m.organisation for m in memberships_of(user)
            if m.binds and m.organisation.kind == Organisation.Kind.GOVERNMENT and m.organisation.is_verified]


@dataclass(frozen=True)
class PoolFigures:
    """A pool's dashboard: the figures the sources publish."""

    capacity: Decimal
    used: Decimal
    left: Decimal
    members: int
    banks: int
    enterprises: int
    loans_covered: int  # covered now
    amount_covered: Decimal  # covered now
    loans_ever: int
    repaid: int
    defaults: int
    losses: Decimal
    compensation_paid: Decimal  # the fund's and insurer's payments to banks
    fund_paid: Decimal
    insurer_paid: Decimal
    recovered: Decimal
    returned: Decimal  # recoveries paid back to the fund and the insurer

    @property
    def used_percent(self) -> Decimal:
        return (self.used * 100 / self.capacity).quantize(Decimal("0.1")) if self.capacity else Decimal(0)


def _money(value: object) -> Decimal:
    return Decimal(str(value or "0"))


def pool_figures(pool: Pool) -> PoolFigures:
    enrolments = list(pool.enrolments.all())
    covered = [e for e in enrolments if e.status == Enrolment.Status.COVERED]
    compensated = [e for e in enrolments if e.status == Enrolment.Status.COMPENSATED]
    used = sum((e.covered for e in covered), ZERO)
    capacity = to_cents(pool.capacity)
    kinds = list(pool.members.values_list("organisation__kind", flat=True))
    fund_paid = sum((_money(e.shares.get("fund_paid")) for e in compensated), ZERO)
    insurer_paid = sum((_money(e.shares.get("insurer_paid")) for e in compensated), ZERO)
    returned = sum((_money(e.shares.get("fund_returned")) + _money(e.shares.get("insurer_returned"))
                    for e in compensated), ZERO)
    return PoolFigures(
        capacity=capacity, used=used, left=capacity - used, members=len(kinds),
        banks=sum(1 for kind in kinds if kind == Organisation.Kind.FINANCIAL),
        enterprises=sum(1 for kind in kinds if kind != Organisation.Kind.FINANCIAL),
        loans_covered=len(covered), amount_covered=used, loans_ever=len(enrolments),
        repaid=sum(1 for e in enrolments if e.status == Enrolment.Status.FREED), defaults=len(compensated),
        losses=sum((e.loss or Decimal(0) for e in compensated), ZERO),
        compensation_paid=fund_paid + insurer_paid, fund_paid=fund_paid, insurer_paid=insurer_paid,
        recovered=sum((e.recovered for e in compensated), ZERO), returned=returned)


def pool_members(pool: Pool) -> list[Any]:
    return list(pool.members.select_related("organisation").order_by("organisation__name"))


def pool_enrolments(pool: Pool, user: Any) -> list[Enrolment]:
    """The pool's loans the viewer may see one by one: every one for operators, the sponsor and
    the insurer, who pay its defaults; a bank or a borrower only its own (another bank's loan book
    and another enterprise's default are theirs). Everyone who sees the pool sees its totals."""
    enrolments = pool.enrolments.select_related("loan__borrower", "loan__bank").order_by("-pk")
    ids = organisation_ids(user)
    if is_operator(user) or pool.sponsor_id in ids or (pool.insurer_id is not None and pool.insurer_id in ids):
        return list(enrolments)
    return list(enrolments.filter(Q(loan__borrower_id__in=ids) | Q(loan__bank_id__in=ids)))


def pools_sponsored(user: Any) -> QuerySet[Pool]:
    return Pool.objects.select_related("sponsor").filter(sponsor_id__in=organisation_ids(user))


def pools_joined(user: Any) -> QuerySet[Pool]:
    return Pool.objects.select_related("sponsor").filter(
        members__organisation_id__in=organisation_ids(user)).distinct()
