"""The figures the statistics bulletin reads on data IP, each in one query however many rows.

As with IP finance (``ipx.finance.statistics``, whose windows and periods these share), every
figure is asked for a window ``[since, until)`` of days in the exchange's time zone, cut into
periods by month, quarter or year; a period with nothing in it has no row. Sums are
``Decimal`` to the cent, per currency, never converted.

Definitions:

- *certificates issued*: by the day of issue and the registry (the four digits of the
  certificate number after year and month: 4400 for Guangdong), of which *first* are a
  registration's first certificate (the rest were reissued on a change, a renewal or a
  transfer the registry recorded);
- *applications*: data products applied for in the window (the first time they were sent to
  the registry), by the day applied and where each stands now (in review, registered, ...);
- *transactions*: deals on data assets completed in the window, by the day completed and kind
  (transfer or licence), with their prices; a deal counts once however many data assets it
  covers;
- *pledges*: loans paid out in the window with data IP among their collateral, by the day of
  disbursement, with their amounts (counted where paid out whatever became of them since);
- *insurance*: policies covering data IP whose premium was paid in the window, by the day paid,
  with their premiums and cover.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr, Trunc
from django.utils import timezone

from ipx.catalog.models import Asset
from ipx.core.money import ZERO, AmountSum, cents_or_zero
from ipx.dataip.models import Certificate, DataProduct
from ipx.deals.models import Deal
from ipx.finance.models import Loan, Policy
from ipx.finance.statistics import Period, Window, window


def _in_window(rows: QuerySet[Any], field: str, span: Window) -> QuerySet[Any]:
    """``rows`` whose moment ``field`` falls in the window, each with the start of its period."""
    period = Trunc(field, span.by, tzinfo=timezone.get_current_timezone())
    within: QuerySet[Any] = span.filter(rows, field).annotate(period=period).order_by()
    return within


def _data(relation: str) -> Q:
    """Rows linked through ``relation`` (an asset link's name) to a data asset."""
    return Q(**{f"{relation}__asset__ip_type": Asset.Type.DATA})


def _sum(rows: Iterable[Any], *fields: str) -> dict[str, Any]:
    return {name: sum((getattr(row, name) for row in rows), 0) for name in fields}


# --- Certificates ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificateRow:
    period: Period
    registry: str
    issued: int
    first: int  # of which a registration's first certificate

    @property
    def reissued(self) -> int:
        return self.issued - self.first


@dataclass(frozen=True)
class Certificates:
    window: Window
    rows: tuple[CertificateRow, ...]

    def totals(self) -> dict[str, Any]:
        return _sum(self.rows, "issued", "first")


def certificates_issued(*, since: date, until: date, by: str = "month") -> Certificates:
    """Certificates issued in ``[since, until)``, by period and registry."""
    span = window(since, until, by)
    earlier = Certificate.objects.filter(product=OuterRef("product"), pk__lt=OuterRef("pk"))
    rows = (Certificate.objects.filter(issued_on__gte=since, issued_on__lt=until)
            .annotate(period=Trunc("issued_on", by, output_field=DateField()), registry=Substr("number", 7, 4),
                      later=Exists(earlier))
            .order_by().values("period", "registry")
            .annotate(issued=Count("id"), first=Count("id", filter=Q(later=False))))
    return Certificates(span, tuple(sorted(
        (CertificateRow(Period.of(row["period"], by), row["registry"], row["issued"], row["first"]) for row in rows),
        key=lambda row: (row.period, row.registry))))


# --- Applications ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ApplicationRow:
    period: Period
    status: str
    count: int

    @property
    def status_label(self) -> str:
        return str(DataProduct.Status(self.status).label)


@dataclass(frozen=True)
class Applications:
    window: Window
    rows: tuple[ApplicationRow, ...]

    def by_status(self) -> dict[str, int]:
        """Over the whole window: status → how many of the applications stand there now."""
        totals: dict[str, int] = {}
        for row in self.rows:
            totals[row.status] = totals.get(row.status, 0) + row.count
        return totals


def applications(*, since: date, until: date, by: str = "month") -> Applications:
    """Data products applied for in ``[since, until)``, by period and their status now."""
    span = window(since, until, by)
    rows = (_in_window(DataProduct.objects.filter(submitted_at__isnull=False), "submitted_at", span)
            .values("period", "status").annotate(count=Count("id")))
    return Applications(span, tuple(sorted(
        (ApplicationRow(span.period_of(row["period"]), row["status"], row["count"]) for row in rows),
        key=lambda row: (row.period, row.status))))


# --- Transactions, pledges and insurance ----------------------------------------------------------

@dataclass(frozen=True)
class MoneyRow:
    period: Period
    kind: str  # a deal's kind (transfer, licence); empty for pledges and policies
    currency: str
    count: int
    amount: Decimal  # price, loan amount or premium
    cover: Decimal = ZERO  # policies only


@dataclass(frozen=True)
class MoneyFigure:
    window: Window
    rows: tuple[MoneyRow, ...]

    def totals(self) -> dict[str, dict[str, Any]]:
        """Per currency: ``count``, ``amount`` (and ``cover``) over the whole window."""
        totals: dict[str, dict[str, Any]] = {}
        for row in self.rows:
            into = totals.setdefault(row.currency, {"count": 0, "amount": ZERO, "cover": ZERO})
            into["count"] += row.count
            into["amount"] += row.amount
            into["cover"] += row.cover
        return totals


def _figure(span: Window, rows: Iterable[dict[str, Any]], kind: str = "") -> MoneyFigure:
    return MoneyFigure(span, tuple(sorted(
        (MoneyRow(span.period_of(row["period"]), row[kind] if kind else "", row["currency"], row["count"],
                  cents_or_zero(row["amount"]), cents_or_zero(row.get("cover"))) for row in rows),
        key=lambda row: (row.period, row.kind, row.currency))))


def transactions(*, since: date, until: date, by: str = "month") -> MoneyFigure:
    """Deals on data IP completed in ``[since, until)``, by period and kind, with their prices."""
    span = window(since, until, by)
    deals = Deal.objects.filter(Exists(Deal.objects.filter(_data("asset_links"), pk=OuterRef("pk"))),
                                status=Deal.Status.COMPLETED)
    rows = (_in_window(deals, "completed_at", span).values("period", "kind", "currency")
            .annotate(count=Count("id"), amount=AmountSum("price_amount")))
    return _figure(span, rows, "kind")


def pledges(*, since: date, until: date, by: str = "month") -> MoneyFigure:
    """Loans with data IP among their collateral paid out in ``[since, until)``, by period."""
    span = window(since, until, by)
    loans = Loan.objects.filter(Exists(Loan.objects.filter(_data("collateral_links"), pk=OuterRef("pk"))),
                                disbursed_at__isnull=False)
    rows = (_in_window(loans, "disbursed_at", span).values("period", "currency")
            .annotate(count=Count("id"), amount=AmountSum("amount")))
    return _figure(span, rows)


def insurance_policies(*, since: date, until: date, by: str = "month") -> MoneyFigure:
    """Policies on data IP whose premium was paid in ``[since, until)``, by period."""
    span = window(since, until, by)
    policies = Policy.objects.filter(Exists(Policy.objects.filter(_data("asset_links"), pk=OuterRef("pk"))),
                                     premium_paid_at__isnull=False)
    rows = (_in_window(policies, "premium_paid_at", span).values("period", "currency")
            .annotate(count=Count("id"), amount=AmountSum("premium"), cover=AmountSum("cover")))
    return _figure(span, rows)
