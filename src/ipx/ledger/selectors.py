"""Reads of the ledger: balances, statements, platform totals and the consistency check.

Balances are always summed from postings (never stored). A statement line's running balance
is the balance of its account right after that posting, computed by the database with a
window function over the account's postings in order, plus the account's balance before
the period when the statement starts at a date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipx.accounts.models import Organisation, User
from ipx.accounts.selectors import access_organisation
from ipx.core.errors import NotFound, ValidationFailed
from ipx.core.money import ZERO, AmountSum, check_currency
from ipx.ledger.descriptions import describe
from ipx.ledger.models import LedgerAccount, LedgerTransaction, Posting

Kind = LedgerAccount.Kind
# SQLite sums decimals in binary floating point (1010 - 989.80 - 20.20 is not exactly 0 there);
# amounts have two decimal places, so anything under half a cent is rounding noise.
HALF_CENT = Decimal("0.005")
# How many problems of one kind the check lists; one is enough to act, thousands drown it.
MAX_PROBLEMS_LISTED = 50


def access_ledger(user: User, organisation_id: int) -> Organisation:
    """The organisation whose ledger ``user`` may read: its members' and operators'."""
    if user.is_authenticated and user.is_operator:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise NotFound(_("No such organisation."))
        return organisation
    return access_organisation(user, organisation_id)


# --- Balances ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    available: Decimal
    escrow: Decimal  # the sum over every escrow this organisation funded

    @property
    def total(self) -> Decimal:
        return self.available + self.escrow


def _q(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


def balances_of(organisation_id: int) -> list[Balance]:
    """One line per currency the organisation has an account in, by currency code."""
    rows = (LedgerAccount.objects.filter(organisation_id=organisation_id).values("currency", "kind")
            .annotate(total=AmountSum("postings__amount")))
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        sums[row["currency"]][row["kind"]] += row["total"] or ZERO
    return [Balance(currency=currency, available=_q(kinds[Kind.AVAILABLE]), escrow=_q(kinds[Kind.ESCROW]))
            for currency, kinds in sorted(sums.items())]


def available_balance(organisation_id: int, currency: str) -> Decimal:
    total = Posting.objects.filter(account__organisation_id=organisation_id, account__kind=Kind.AVAILABLE,
                                   account__currency=currency).aggregate(total=AmountSum("amount"))["total"]
    return _q(total)


# --- Statements --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StatementLine:
    posting_id: int
    transaction_id: int
    created_at: datetime
    kind: str
    kind_label: str
    # What the transaction was for, in the language active when the line was made (from its
    # kind and reference, else its stored memo); ``memo`` is the stored text itself.
    description: str
    memo: str
    reference: str
    provider_reference: str
    account_kind: str
    account_label: str
    account_reference: str
    currency: str
    amount: Decimal  # signed: positive is money in to the account
    balance: Decimal  # the account's balance after this line


def _running_balance() -> Window:
    """Each posting's account balance after it: its account's postings up to it, summed exactly."""
    return Window(AmountSum("amount"), partition_by=[F("account_id")], order_by=F("id").asc())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


class Statement:
    """An organisation's postings, optionally within dates (inclusive, local time) and one currency."""

    def __init__(self, organisation_id: int, *, date_from: date | None = None, date_to: date | None = None,
                 currency: str = "") -> None:
        if date_from and date_to and date_from > date_to:
            raise ValidationFailed.for_field("date_to", _("The end date is before the start date."))
        self.organisation_id = organisation_id
        self.date_from = date_from
        self.date_to = date_to
        self.currency = check_currency(currency) if currency else ""

    def _base(self) -> QuerySet[Posting]:
        postings = Posting.objects.filter(account__organisation_id=self.organisation_id)
        if self.currency:
            postings = postings.filter(currency=self.currency)
        return postings

    def postings(self) -> QuerySet[Posting]:
        postings = self._base()
        if self.date_from:
            postings = postings.filter(transaction__created_at__gte=_start_of(self.date_from))
        if self.date_to:
            postings = postings.filter(transaction__created_at__lt=_start_of(self.date_to + timedelta(days=1)))
        return postings

    def count(self) -> int:
        return self.postings().count()

    def __getitem__(self, window: slice) -> list[StatementLine]:
        """``statement[a:b]``: lines a to b, oldest first (how the API pages them)."""
        if window.step not in (None, 1) or (window.start or 0) < 0 or (window.stop or 0) < 0:
            raise ValueError("a statement is read forwards, from a non-negative line")
        start = window.start or 0
        return self.lines(offset=start, limit=None if window.stop is None else max(0, window.stop - start))

    def opening_balances(self) -> dict[int, Decimal]:
        """Each account's balance before the statement's first day."""
        if not self.date_from:
            return {}
        rows = (self._base().filter(transaction__created_at__lt=_start_of(self.date_from))
                .values("account_id").annotate(total=AmountSum("amount")).order_by())
        return {row["account_id"]: row["total"] or ZERO for row in rows}

    def lines(self, *, offset: int = 0, limit: int | None = None, newest_first: bool = False) -> list[StatementLine]:
        postings = (
            self.postings()
            .select_related("transaction", "account", "transaction__payout")
            .annotate(running=_running_balance())
            .order_by("-id" if newest_first else "id")
        )
        window = postings[offset:offset + limit] if limit is not None else postings[offset:]
        opening = self.opening_balances()
        return [self._line(posting, opening.get(posting.account_id, ZERO) + posting.running) for posting in window]

    @staticmethod
    def _line(posting: Posting, balance: Decimal) -> StatementLine:
        entry = posting.transaction
        account = posting.account
        provider_reference = entry.provider_reference
        if not provider_reference and hasattr(entry, "payout"):
            # A payout's entry is posted before the provider answers; its Payout row keeps the answer.
            provider_reference = entry.payout.provider_reference
        return StatementLine(
            posting_id=posting.pk, transaction_id=entry.pk, created_at=entry.created_at, kind=entry.kind,
            kind_label=str(entry.get_kind_display()),
            description=describe(entry.kind, entry.reference, entry.memo), memo=entry.memo, reference=entry.reference,
            provider_reference=provider_reference, account_kind=account.kind,
            account_label=str(account.get_kind_display()), account_reference=account.reference,
            currency=posting.currency, amount=_q(posting.amount),
            balance=_q(balance),
        )


# --- The platform as a whole (operators) -----------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlatformTotal:
    """Per currency, where the money the exchange holds is: deposited = available + escrow
    + fee income + paid out, always."""

    currency: str
    deposited: Decimal
    paid_out: Decimal
    available: Decimal
    escrow: Decimal
    fee_income: Decimal

    @property
    def held(self) -> Decimal:
        """Money in the exchange's client account now."""
        return self.deposited - self.paid_out


def platform_totals() -> list[PlatformTotal]:
    rows = LedgerAccount.objects.values("currency", "kind").annotate(total=AmountSum("postings__amount"))
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        sums[row["currency"]][row["kind"]] += row["total"] or ZERO
    return [
        PlatformTotal(currency=currency, deposited=_q(-kinds[Kind.BANK_IN]), paid_out=_q(kinds[Kind.BANK_OUT]),
                      available=_q(kinds[Kind.AVAILABLE]), escrow=_q(kinds[Kind.ESCROW]),
                      fee_income=_q(kinds[Kind.FEE_INCOME]))
        for currency, kinds in sorted(sums.items())
    ]


# --- Consistency -------------------------------------------------------------------------------

@dataclass
class LedgerCheck:
    transactions: int = 0
    postings: int = 0
    accounts: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_check() -> LedgerCheck:
    """Verify the rules the services keep, straight from the rows.

    Every transaction has at least two postings and sums to zero per currency; a posting's
    currency is its account's; no member account is below zero, now or after any posting.
    """
    report = LedgerCheck(transactions=LedgerTransaction.objects.count(), postings=Posting.objects.count(),
                         accounts=LedgerAccount.objects.count())
    problems = report.problems
    unbalanced = (Posting.objects.values("transaction_id", "currency").annotate(total=AmountSum("amount"))
                  .filter(Q(total__gte=HALF_CENT) | Q(total__lte=-HALF_CENT)).order_by("transaction_id", "currency"))
    for row in unbalanced[:MAX_PROBLEMS_LISTED]:
        problems.append(_("Transaction #%(id)s does not sum to zero in %(currency)s: %(total)s.")
                        % {"id": row["transaction_id"], "currency": row["currency"], "total": _q(row["total"])})
    short = (LedgerTransaction.objects.annotate(n=Count("postings")).filter(n__lt=2).order_by("pk")
             .values_list("pk", "n"))
    for pk, n in short[:MAX_PROBLEMS_LISTED]:
        problems.append(ngettext("Transaction #%(id)s has %(n)d posting; it needs at least two.",
                                 "Transaction #%(id)s has %(n)d postings; it needs at least two.", n)
                        % {"id": pk, "n": n})
    mismatched = (Posting.objects.filter(~Q(currency=F("account__currency"))).order_by("pk")
                  .values_list("pk", "currency", "account__currency"))
    for pk, currency, account_currency in mismatched[:MAX_PROBLEMS_LISTED]:
        problems.append(_("Posting #%(id)s is in %(currency)s but its account is in %(account)s.")
                        % {"id": pk, "currency": currency, "account": account_currency})
    member = Q(kind__in=LedgerAccount.MEMBER_KINDS)
    organisation_mismatch = LedgerAccount.objects.filter((member & Q(organisation__isnull=True))
                                                         | (~member & Q(organisation__isnull=False)))
    for account in organisation_mismatch.order_by("pk")[:MAX_PROBLEMS_LISTED]:
        problems.append(_("Account %(key)s has the wrong owner for its kind.") % {"key": account.key})
    negative = (LedgerAccount.objects.filter(member).annotate(total=AmountSum("postings__amount"))
                .filter(total__lte=-HALF_CENT).order_by("pk"))
    for account in negative[:MAX_PROBLEMS_LISTED]:
        problems.append(_("Member account %(key)s is negative: %(total)s.")
                        % {"key": account.key, "total": _q(account.total)})
    went_negative = (
        Posting.objects.filter(account__kind__in=LedgerAccount.MEMBER_KINDS)
        .annotate(running=_running_balance())
        .filter(running__lte=-HALF_CENT).order_by("pk").values_list("pk", "account__key", "running")
    )
    for pk, key, running in went_negative[:MAX_PROBLEMS_LISTED]:
        problems.append(_("Member account %(key)s went negative (%(total)s) after posting #%(id)s.")
                        % {"key": key, "total": _q(running), "id": pk})
    return report
