"""Reads of the expo: editions and what is in them, and the figures the bulletin takes from
the records entered from outside the platform.

Record figures are asked for an edition, or a window of days ``[since, until)`` (either end
open), or both. Amounts are the records' ``amount_cny`` (each already converted at its own
rate and rounded to the fen), summed exactly as whole fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext as _

from ipx.core.errors import NotFound
from ipx.core.money import ZERO
from ipx.expo.models import Edition, Event, Exhibit, Exhibitor, ExpoRecord, Hall, Origin, RecordKind, Zone

# Published after commit whenever records are created, changed or deleted, with
# ``edition_ids`` (list[int]) and ``dates`` (ISO dates, list[str]) of the records touched
# (before and after the change), so rollups of those editions and days can follow.
RECORDS_CHANGED = "expo.records.changed"

HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.0001")


# --- Editions ---------------------------------------------------------------------------------

def editions() -> QuerySet[Edition]:
    """Every edition, latest first."""
    return Edition.objects.order_by("-start_date")


def edition_by_slug(slug: str) -> Edition:
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise NotFound(_("No expo edition is called “%(slug)s”.") % {"slug": slug})
    return edition


def previous_edition(edition: Edition) -> Edition | None:
    """The edition before ``edition`` (the one year-on-year growth is measured against)."""
    return Edition.objects.filter(end_date__lt=edition.start_date).order_by("-start_date").first()


def edition_on(day: date) -> Edition | None:
    """The edition running on ``day``, if any (editions do not overlap)."""
    return Edition.objects.filter(start_date__lte=day, end_date__gte=day).first()


def current_or_next_edition(today: date) -> Edition | None:
    """The edition on now, else the next one announced; none means year-round mode."""
    return edition_on(today) or Edition.objects.filter(start_date__gt=today).order_by("start_date").first()


def halls_of(edition: Edition) -> QuerySet[Hall]:
    return edition.halls.annotate(exhibitor_count=Count("exhibitors")).order_by("position", "id")


def hall_by_slug(edition: Edition, slug: str) -> Hall:
    hall = edition.halls.filter(slug=slug).first()
    if hall is None:
        raise NotFound(_("No such hall."))
    return hall


def zones_of(edition: Edition) -> QuerySet[Zone]:
    return edition.zones.annotate(exhibit_count=Count("exhibits")).order_by("name", "id")


def zone_by_slug(edition: Edition, slug: str) -> Zone:
    zone = edition.zones.filter(slug=slug).first()
    if zone is None:
        raise NotFound(_("No such zone."))
    return zone


def exhibitors_in(edition: Edition, *, hall: Hall | None = None) -> QuerySet[Exhibitor]:
    rows = edition.exhibitors.select_related("organisation", "hall")
    if hall is not None:
        rows = rows.filter(hall=hall)
    return rows.order_by("booth", "id")


def exhibitor_in(edition: Edition, exhibitor_id: int) -> Exhibitor:
    exhibitor = edition.exhibitors.select_related("organisation", "hall").filter(pk=exhibitor_id).first()
    if exhibitor is None:
        raise NotFound(_("No such booth."))
    return exhibitor


def exhibits_in(edition: Edition, *, zone: Zone | None = None,
                exhibitor: Exhibitor | None = None) -> QuerySet[Exhibit]:
    rows = edition.exhibits.select_related("exhibitor__organisation", "zone", "listing")
    if zone is not None:
        rows = rows.filter(zone=zone)
    if exhibitor is not None:
        rows = rows.filter(exhibitor=exhibitor)
    return rows.order_by("ip_type", "id")


def schedule_of(edition: Edition) -> QuerySet[Event]:
    return edition.events.select_related("hall").prefetch_related("signings").order_by("starts_at", "id")


# --- Exhibitors and exhibits, counted -----------------------------------------------------------

@dataclass(frozen=True)
class ExhibitorCounts:
    total: int
    online: int
    mainland: int
    hk_macao_tw: int
    overseas: int
    overseas_countries: int


def exhibitor_counts(*edition_ids: int) -> ExhibitorCounts:
    """Exhibitors of an edition (or of several together, in one query) by origin; countries are
    those of overseas exhibitors, each counted once."""
    rows = Exhibitor.objects.filter(edition_id__in=edition_ids)
    counts = rows.aggregate(
        total=Count("id"),
        online=Count("id", filter=Q(online=True)),
        mainland=Count("id", filter=Q(origin=Origin.MAINLAND)),
        hk_macao_tw=Count("id", filter=Q(origin=Origin.HK_MACAO_TW)),
        overseas=Count("id", filter=Q(origin=Origin.OVERSEAS)),
        overseas_countries=Count("country", filter=Q(origin=Origin.OVERSEAS), distinct=True),
    )
    return ExhibitorCounts(**{name: int(value or 0) for name, value in counts.items()})


def exhibit_counts(*edition_ids: int) -> dict[str, int]:
    """Exhibits of rights of an edition (or of several together) by IP type (types with none
    are absent); products are counted by ``product_counts``."""
    rows = (Exhibit.objects.filter(edition_id__in=edition_ids, kind=Exhibit.Kind.RIGHT).order_by()
            .values("ip_type").annotate(n=Count("id")))
    return {row["ip_type"]: row["n"] for row in rows}


@dataclass(frozen=True)
class ProductCounts:
    """Exhibited products and the rights they involve, added up."""

    products: int = 0
    patents: int = 0
    trademarks: int = 0
    copyrights: int = 0


def product_counts(*edition_ids: int) -> ProductCounts:
    """The products exhibited in an edition (or several together) and the rights they involve."""
    counts = (Exhibit.objects.filter(edition_id__in=edition_ids, kind=Exhibit.Kind.PRODUCT)
              .aggregate(products=Count("id"), patents=Sum("patents"), trademarks=Sum("trademarks"),
                         copyrights=Sum("copyrights")))
    return ProductCounts(**{name: int(value or 0) for name, value in counts.items()})


# --- Records ------------------------------------------------------------------------------------

def records(*, edition_id: int | None = None, since: date | None = None,
            until: date | None = None) -> QuerySet[ExpoRecord]:
    """The records of an edition and/or with ``since <= date < until``."""
    rows = ExpoRecord.objects.all()
    if edition_id is not None:
        rows = rows.filter(edition_id=edition_id)
    if since is not None:
        rows = rows.filter(date__gte=since)
    if until is not None:
        rows = rows.filter(date__lt=until)
    return rows.order_by()


@dataclass(frozen=True)
class RecordGroup:
    """The records of one kind, IP type ('' for pledges) and, for auction lots, sold or not."""

    kind: str
    ip_type: str
    sold: bool | None
    count: int
    items: int
    amount_cny: Decimal


def in_fen(field: str) -> Cast:
    """An amount column as a whole number of fen. SQLite keeps decimals as floating point and
    sums them so, which can be off by fen; each amount rounded to its fen first (exact, as no
    amount has more than two places) sums as integers, exactly on either database."""
    return Cast(Round(F(field) * Value(HUNDRED)), BigIntegerField())


def from_fen(fen: int | Decimal | None) -> Decimal:
    return (Decimal(fen or 0) / HUNDRED).quantize(ZERO)


def as_fen(amount: Decimal) -> int:
    """An amount exact to the fen as its whole number of fen (``from_fen`` the other way)."""
    return int(amount * HUNDRED)


def record_groups(*, edition_id: int | None = None, since: date | None = None,
                  until: date | None = None) -> list[RecordGroup]:
    """Counts, items and CNY sums of the records, grouped by kind, IP type and sold."""
    rows = (records(edition_id=edition_id, since=since, until=until)
            .values("kind", "ip_type", "sold")
            .annotate(count=Count("id"), items=Sum("items"), fen=Sum(in_fen("amount_cny")))
            .order_by("kind", "ip_type", "sold"))
    return [RecordGroup(kind=row["kind"], ip_type=row["ip_type"], sold=row["sold"], count=row["count"],
                        items=int(row["items"] or 0), amount_cny=from_fen(row["fen"]))
            for row in rows]


def premium_rate(hammer: Decimal, start: Decimal | None) -> Decimal | None:
    """(hammer − start) / start in the lot's own currency, half-up to 4 places; none without a start."""
    if not start:
        return None
    return Decimal((hammer - start) / start).quantize(RATE_PLACES, rounding="ROUND_HALF_UP")


def max_premium_rates(*, edition_id: int | None = None, since: date | None = None,
                      until: date | None = None) -> dict[str, Decimal]:
    """The highest premium rate of the sold lots of each IP type (types without one absent).

    Worked out in Python: the division must be exact decimal, which SQLite's is not.
    """
    lots = (records(edition_id=edition_id, since=since, until=until)
            .filter(kind=RecordKind.AUCTION_LOT, sold=True, start_price__gt=0)
            .values_list("ip_type", "amount", "start_price"))
    best: dict[str, Decimal] = {}
    for ip_type, hammer, start in lots.iterator(chunk_size=5000):
        rate = premium_rate(hammer, start)
        if rate is not None and (ip_type not in best or rate > best[ip_type]):
            best[ip_type] = rate
    return best
