"""The figures the statistics bulletin reads on IP finance, each in one query however many loans.

Every figure is asked for a window ``[since, until)`` of days in the exchange's time zone,
half-open (``until`` is the first day not counted, so consecutive windows neither overlap nor
leave a gap), cut into periods by month, quarter or year. Rows are keyed by period and what
the figure is broken down by; a period with nothing in it has no row (``periods`` lists them
all for a table). Sums are ``Decimal`` to the cent, per currency, never converted.

Definitions:

- *pledge financing*: loans paid out in the window, by the day of disbursement and the
  borrower's region (``ipx.accounts.regions.region_code``: CN-44 for Guangdong, HK, a country
  code abroad; with ``by_city`` also the city a mainland borrower gave). A loan counts where it
  was paid out whatever became of it since (running, repaid, defaulted);
- *loans enrolled in pools*: the same loans, those of them enrolled in a risk-compensation pool,
  by pool, with how many have since been repaid (capacity freed) or defaulted (compensated);
  and, on a given day, what each running pool covers (``pool_standing``: the loans enrolled
  and neither repaid nor compensated yet, against its capacity);
- *compensation*: defaults compensated by a pool, by the day the compensation was paid: the
  loss, what the fund and the insurer (or a guarantee policy in its place) paid the bank, and
  what was recovered on those loans so far with the parts returned to the fund and the insurer
  (a recovery has no day of its own: it is counted with its default);
- *insurance*: policies issued (premium paid) by product kind and the day the premium was paid,
  with their premiums and cover; claims paid by product kind and the day paid, of which those
  a pledge-loan guarantee paid on a pool default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from ipx.accounts.regions import region_code, region_code_label
from ipx.core.errors import ValidationFailed
from ipx.core.money import AMOUNT_FIELD_OPTIONS, ZERO, AmountSum, cents_or_zero
from ipx.finance.models import Claim, Enrolment, Loan, Policy, Pool

GRANULARITIES = ("month", "quarter", "year")
AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(**AMOUNT_FIELD_OPTIONS)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date  # the first day after it
    by: str

    @property
    def label(self) -> str:
        if self.by == "year":
            return f"{self.start:%Y}"
        if self.by == "quarter":
            return f"{self.start:%Y}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @classmethod
    def of(cls, day: date, by: str) -> Period:
        """The period of ``by`` that ``day`` falls in."""
        months = {"month": 1, "quarter": 3, "year": 12}[by]
        first = date(day.year, (day.month - 1) // months * months + 1, 1)
        following = first.month - 1 + months
        return cls(first, date(first.year + following // 12, following % 12 + 1, 1), by)


@dataclass(frozen=True)
class Window:
    since: date
    until: date
    by: str

    @property
    def periods(self) -> tuple[Period, ...]:
        """Every period the window touches, in order."""
        found = [Period.of(self.since, self.by)]
        while found[-1].end < self.until:
            found.append(Period.of(found[-1].end, self.by))
        return tuple(found)

    def filter(self, rows: QuerySet[Any], field: str) -> QuerySet[Any]:
        zone = timezone.get_current_timezone()
        return rows.filter(**{f"{field}__gte": datetime.combine(self.since, time.min, tzinfo=zone),
                              f"{field}__lt": datetime.combine(self.until, time.min, tzinfo=zone)})

    def period_of(self, moment: datetime) -> Period:
        return Period.of(timezone.localtime(moment).date(), self.by)


def window(since: date, until: date, by: str = "month") -> Window:
    """The window ``[since, until)`` cut by ``by``; a bad one is refused by field."""
    fields = {}
    if by not in GRANULARITIES:
        fields["by"] = _("Give the periods as month, quarter or year.")
    if until <= since:
        fields["until"] = _("The end of the period comes after its start.")
    if fields:
        raise ValidationFailed(next(iter(fields.values())), fields=fields)
    return Window(since, until, by)


def _by_period(rows: QuerySet[Any], field: str, span: Window) -> QuerySet[Any]:
    """``rows`` in the window, each with the start of its period (in the exchange's time zone)."""
    period = Trunc(field, span.by, tzinfo=timezone.get_current_timezone())
    within: QuerySet[Any] = span.filter(rows, field).annotate(period=period).order_by()
    return within


def _json_amount(key: str) -> AmountSum:
    """The sum of an amount kept as text under ``key`` of an enrolment's shares."""
    return AmountSum(Cast(KT(f"shares__{key}"), AMOUNT))


def _totals(rows: Iterable[Any], *fields: str) -> dict[str, dict[str, Any]]:
    """The rows' figures summed per currency."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        into = totals.setdefault(row.currency, {})
        for name in fields:
            into[name] = into.get(name, 0) + getattr(row, name)
    return totals


# --- Pledge financing -----------------------------------------------------------------------

@dataclass(frozen=True)
class FinancingRow:
    period: Period
    region: str  # a region code: CN-44, HK, US
    city: str  # with ``by_city`` only
    currency: str
    count: int
    amount: Decimal

    @property
    def region_label(self) -> str:
        label = region_code_label(self.region) if self.region else ""
        return " · ".join(part for part in (label, self.city) if part)


@dataclass(frozen=True)
class Financing:
    window: Window
    rows: tuple[FinancingRow, ...]

    @property
    def periods(self) -> tuple[Period, ...]:
        return self.window.periods

    def totals(self) -> dict[str, dict[str, Any]]:
        """Per currency: ``count`` and ``amount`` over the whole window."""
        return _totals(self.rows, "count", "amount")


def pledge_financing(*, since: date, until: date, by: str = "month", by_city: bool = False) -> Financing:
    """Loans paid out in ``[since, until)``: count and amount by period and borrower's region."""
    span = window(since, until, by)
    place = ["borrower__region_kind", "borrower__province", "borrower__country"]
    if by_city:
        place.append("borrower__city")
    rows = (_by_period(Loan.objects.filter(disbursed_at__isnull=False), "disbursed_at", span)
            .values("period", "currency", *place).annotate(count=Count("id"), amount=AmountSum("amount")))
    merged: dict[tuple[Period, str, str, str], list[Any]] = {}
    for row in rows:
        code = region_code(row["borrower__region_kind"], row["borrower__province"], row["borrower__country"])
        key = (span.period_of(row["period"]), code, row.get("borrower__city", ""), row["currency"])
        into = merged.setdefault(key, [0, ZERO])
        into[0] += row["count"]
        into[1] += cents_or_zero(row["amount"])
    return Financing(span, tuple(FinancingRow(period, region, city, currency, count, amount)
                                 for (period, region, city, currency), (count, amount) in sorted(merged.items())))


# --- Pools ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnrolmentRow:
    period: Period
    pool_id: int
    pool: str
    currency: str
    count: int
    amount: Decimal  # what the loans were enrolled for (their amounts)
    repaid: int
    defaulted: int


@dataclass(frozen=True)
class Enrolments:
    window: Window
    rows: tuple[EnrolmentRow, ...]

    def totals(self) -> dict[str, dict[str, Any]]:
        return _totals(self.rows, "count", "amount", "repaid", "defaulted")


def pool_enrolments(*, since: date, until: date, by: str = "month") -> Enrolments:
    """Loans paid out in ``[since, until)`` and enrolled in a pool, by period and pool."""
    span = window(since, until, by)
    rows = (_by_period(Enrolment.objects.filter(loan__disbursed_at__isnull=False), "loan__disbursed_at", span)
            .values("period", "pool_id", "pool__name", "pool__currency")
            .annotate(count=Count("id"), amount=AmountSum("covered"),
                      repaid=Count("id", filter=Q(status=Enrolment.Status.FREED)),
                      defaulted=Count("id", filter=Q(status=Enrolment.Status.COMPENSATED))))
    return Enrolments(span, tuple(sorted(
        (EnrolmentRow(span.period_of(row["period"]), row["pool_id"], row["pool__name"], row["pool__currency"],
                      row["count"], cents_or_zero(row["amount"]), row["repaid"], row["defaulted"]) for row in rows),
        key=lambda row: (row.period, row.pool_id))))


@dataclass(frozen=True)
class CompensationRow:
    period: Period
    pool_id: int
    pool: str
    currency: str
    defaults: int
    loss: Decimal
    fund_paid: Decimal
    insurer_paid: Decimal
    recovered: Decimal
    fund_returned: Decimal
    insurer_returned: Decimal

    @property
    def paid(self) -> Decimal:
        """The compensation the bank received: the fund's and the insurer's parts."""
        return self.fund_paid + self.insurer_paid


@dataclass(frozen=True)
class Compensation:
    window: Window
    rows: tuple[CompensationRow, ...]

    def totals(self) -> dict[str, dict[str, Any]]:
        return _totals(self.rows, "defaults", "loss", "fund_paid", "insurer_paid", "paid", "recovered",
                       "fund_returned", "insurer_returned")


def compensation(*, since: date, until: date, by: str = "month") -> Compensation:
    """Defaults compensated in ``[since, until)`` (by the day paid), by period and pool."""
    span = window(since, until, by)
    rows = (_by_period(Enrolment.objects.filter(status=Enrolment.Status.COMPENSATED), "settled_at", span)
            .values("period", "pool_id", "pool__name", "pool__currency")
            .annotate(defaults=Count("id"), loss=AmountSum("loss"), recovered=AmountSum("recovered"),
                      fund_paid=_json_amount("fund_paid"), insurer_paid=_json_amount("insurer_paid"),
                      fund_returned=_json_amount("fund_returned"),
                      insurer_returned=_json_amount("insurer_returned")))
    return Compensation(span, tuple(sorted(
        (CompensationRow(span.period_of(row["period"]), row["pool_id"], row["pool__name"], row["pool__currency"],
                         row["defaults"], cents_or_zero(row["loss"]), cents_or_zero(row["fund_paid"]),
                         cents_or_zero(row["insurer_paid"]), cents_or_zero(row["recovered"]),
                         cents_or_zero(row["fund_returned"]), cents_or_zero(row["insurer_returned"])) for row in rows),
        key=lambda row: (row.period, row.pool_id))))


@dataclass(frozen=True)
class PoolStanding:
    pool_id: int
    pool: str
    region: str  # as the sponsor named it
    currency: str
    fund_size: Decimal
    capacity: Decimal  # fund size × leverage
    loans: int  # covered at the moment asked about
    covered: Decimal

    @property
    def capacity_left(self) -> Decimal:
        return self.capacity - self.covered


def pool_standing(*, at: date) -> tuple[PoolStanding, ...]:
    """Every pool running on day ``at`` and the loans it covered at the start of that day:
    enrolled before it and neither repaid nor compensated yet."""
    zone = timezone.get_current_timezone()
    moment = datetime.combine(at, time.min, tzinfo=zone)
    covered = (Q(enrolments__enrolled_at__lt=moment)
               & (Q(enrolments__settled_at__isnull=True) | Q(enrolments__settled_at__gte=moment)))
    rows = (Pool.objects.filter(starts_on__lte=at, ends_on__gte=at).order_by("pk")
            .values("pk", "name", "region", "currency", "fund_size", "leverage")
            .annotate(loans=Count("enrolments", filter=covered),
                      covered=AmountSum("enrolments__covered", filter=covered)))
    return tuple(PoolStanding(row["pk"], row["name"], row["region"], row["currency"],
                              cents_or_zero(row["fund_size"]), cents_or_zero(row["fund_size"] * row["leverage"]),
                              row["loans"], cents_or_zero(row["covered"]))
                 for row in rows)


# --- Insurance --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyRow:
    period: Period
    kind: str  # the product's kind (InsuranceProduct.Kind)
    currency: str
    count: int
    premiums: Decimal
    cover: Decimal


@dataclass(frozen=True)
class Policies:
    window: Window
    rows: tuple[PolicyRow, ...]

    def totals(self) -> dict[str, dict[str, Any]]:
        return _totals(self.rows, "count", "premiums", "cover")


def insurance_policies(*, since: date, until: date, by: str = "month") -> Policies:
    """Policies whose premium was paid in ``[since, until)``, by period and product kind."""
    span = window(since, until, by)
    rows = (_by_period(Policy.objects.filter(premium_paid_at__isnull=False), "premium_paid_at", span)
            .values("period", "product__kind", "currency")
            .annotate(count=Count("id"), premiums=AmountSum("premium"), cover=AmountSum("cover")))
    return Policies(span, tuple(sorted(
        (PolicyRow(span.period_of(row["period"]), row["product__kind"], row["currency"], row["count"],
                   cents_or_zero(row["premiums"]), cents_or_zero(row["cover"])) for row in rows),
        key=lambda row: (row.period, row.kind, row.currency))))


@dataclass(frozen=True)
class ClaimRow:
    period: Period
    kind: str
    currency: str
    count: int
    amount: Decimal
    in_pool_defaults: Decimal  # of ``amount``, what guarantees paid on pool defaults


@dataclass(frozen=True)
class ClaimsPaid:
    window: Window
    rows: tuple[ClaimRow, ...]

    def totals(self) -> dict[str, dict[str, Any]]:
        return _totals(self.rows, "count", "amount", "in_pool_defaults")


def claims_paid(*, since: date, until: date, by: str = "month") -> ClaimsPaid:
    """Claims paid out in ``[since, until)``, by period and product kind."""
    span = window(since, until, by)
    rows = (_by_period(Claim.objects.filter(status=Claim.Status.PAID), "paid_at", span)
            .values("period", "policy__product__kind", "policy__currency")
            .annotate(count=Count("id"), amount=AmountSum("amount_approved"),
                      in_pool_defaults=AmountSum("amount_approved", filter=Q(enrolment__isnull=False))))
    return ClaimsPaid(span, tuple(sorted(
        (ClaimRow(span.period_of(row["period"]), row["policy__product__kind"], row["policy__currency"],
                  row["count"], cents_or_zero(row["amount"]), cents_or_zero(row["in_pool_defaults"])) for row in rows),
        key=lambda row: (row.period, row.kind, row.currency))))
