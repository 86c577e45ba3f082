"""The bulletin's figures, from the records' rollups and the platform's own statistics.

Two sources, counted once each:

- the records operators entered of what was concluded outside the platform (``ipx.expo``),
  read from their daily rollups (``ipx.reports.rollups``), amounts already in CNY record by
  record;
- what was concluded on the platform: completed deals that were not an auction's sale
  (``ipx.deals.statistics``; a deal on data IP is data IP's, as ``ipx.dataip.statistics``
  counts it), lots that went under the hammer (``ipx.auctions.results.selectors``) and pledge
  loans paid out (``ipx.finance.statistics``). The platform keeps no exchange rate, so its
  amounts count in CNY only; those in another currency are named in ``not_converted``.

An import can never bring a platform deal in again (``ipx.expo`` refuses it), so adding the
two sources double-counts nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Sum

from ipx.auctions.results.selectors import lots_closed
from ipx.deals.statistics import concluded_deals
from ipx.expo import selectors as expo
from ipx.expo.models import Edition
from ipx.finance.statistics import pledge_financing
from ipx.reports.figures import (
    IP_TYPES,
    ZERO,
    Auctions,
    AuctionType,
    Bulletin,
    Exhibitors,
    Figures,
    GiSales,
    Intended,
    Pledge,
    Products,
    Transactions,
)
from ipx.reports.models import RecordRollup

CNY = "CNY"
PATENT_TRADEMARK = ("patent", "trademark")


@dataclass
class _Auction:
    lots_sold: int = 0
    amount: Decimal = ZERO
    max_premium_rate: Decimal | None = None

    def add(self, sold: int, amount: Decimal, premium: Decimal | None) -> None:
        self.lots_sold += sold
        self.amount += amount
        if premium is not None and (self.max_premium_rate is None or premium > self.max_premium_rate):
            self.max_premium_rate = premium


@dataclass
class _Sums:
    """The figures while they are added up, source by source."""

    total: Decimal = ZERO
    by_type: dict[str, Decimal] = field(default_factory=dict)
    copyright_items: int = 0
    gi_amount: Decimal = ZERO
    gi_items: int = 0
    intended: Decimal = ZERO
    lots_offered: int = 0
    lots: dict[str, _Auction] = field(default_factory=dict)
    lots_all: _Auction = field(default_factory=_Auction)
    pledge_amount: Decimal = ZERO
    pledge_count: int = 0
    not_converted: set[str] = field(default_factory=set)

    def transaction(self, ip_type: str, amount: Decimal, copyrights: int) -> None:
        self.total += amount
        self.by_type[ip_type] = self.by_type.get(ip_type, ZERO) + amount
        if ip_type == "copyright":
            self.copyright_items += copyrights

    def auction(self, ip_types: Iterable[str], offered: int, sold: int, amount: Decimal,
                premium: Decimal | None) -> None:
        self.lots_offered += offered
        self.lots_all.add(sold, amount, None)
        for ip_type in ip_types:
            self.lots.setdefault(ip_type, _Auction()).add(sold, amount, premium)

    def figures(self, exhibitors: Exhibitors, exhibits: dict[str, int], products: Products) -> Figures:
        kinds = self.by_type
        return Figures(
            transactions=Transactions(
                total_amount=self.total,
                patent_trademark_amount=sum((kinds.get(kind, ZERO) for kind in PATENT_TRADEMARK), ZERO),
                copyright_amount=kinds.get("copyright", ZERO), copyright_items=self.copyright_items,
                data_amount=kinds.get("data", ZERO)),
            gi_sales=GiSales(self.gi_amount, self.gi_items),
            intended=Intended(self.intended),
            auctions=Auctions(amount=self.lots_all.amount, lots_offered=self.lots_offered,
                              lots_sold=self.lots_all.lots_sold,
                              by_type={ip_type: AuctionType(one.lots_sold, one.amount, one.max_premium_rate)
                                       for ip_type in IP_TYPES if (one := self.lots.get(ip_type))}),
            pledge=Pledge(self.pledge_amount, self.pledge_count),
            exhibitors=exhibitors,
            exhibits={ip_type: exhibits[ip_type] for ip_type in IP_TYPES if ip_type in exhibits},
            products=products,
        )


def _add_records(sums: _Sums, since: date, until: date) -> None:
    rows = (RecordRollup.objects.filter(day__gte=since, day__lt=until).values("kind", "ip_type")
            .annotate(records=Sum("records"), items=Sum("items"), fen=Sum("amount_fen"), sold=Sum("sold"),
                      premium=Max("max_premium_rate")).order_by())
    for row in rows:
        kind, ip_type, amount = row["kind"], row["ip_type"], expo.from_fen(row["fen"])
        if kind == "transaction":
            sums.transaction(ip_type, amount, row["items"])
        elif kind == "gi_sale":
            sums.gi_amount += amount
            sums.gi_items += row["items"]
        elif kind == "intended":
            sums.intended += amount
        elif kind == "auction_lot":
            sums.auction([ip_type], row["records"], row["sold"], amount, row["premium"])
        elif kind == "pledge":
            sums.pledge_amount += amount
            sums.pledge_count += row["records"]


def _deal_type(ip_types: frozenset[str]) -> str:
    """The one type a deal is counted under: data IP first (as the data-IP statistics count a
    deal with any data asset), then patents and trademarks, copyright, GI."""
    for ip_type in ("data", "patent", "trademark", "copyright", "gi"):
        if ip_type in ip_types:
            return ip_type
    return ""


def _add_platform(sums: _Sums, since: date, until: date) -> None:
    for deal in concluded_deals(since=since, until=until):
        if deal.currency != CNY:
            sums.not_converted.add(deal.currency)
            continue
        sums.transaction(_deal_type(deal.ip_types), deal.amount, deal.copyrights)
    for lot in lots_closed(since=since, until=until):
        if lot.currency != CNY:
            sums.not_converted.add(lot.currency)
            continue
        sold = lot.sold and lot.hammer_price is not None
        sums.auction(lot.ip_types, 1, int(sold), lot.hammer_price if sold and lot.hammer_price else ZERO,
                     lot.premium_rate if sold else None)
    for currency, totals in pledge_financing(since=since, until=until, by="year").totals().items():
        if currency != CNY:
            sums.not_converted.add(currency)
            continue
        sums.pledge_amount += totals["amount"]
        sums.pledge_count += totals["count"]


def _exhibition(editions: Iterable[Edition]) -> tuple[Exhibitors, dict[str, int], Products]:
    """The exhibitors, the rights and the products exhibited in ``editions`` together (a
    country once however many editions it came to)."""
    ids = [edition.pk for edition in editions]
    if not ids:
        return Exhibitors(), {}, Products()
    counts = expo.exhibitor_counts(*ids)
    products = expo.product_counts(*ids)
    return (Exhibitors(online=counts.online, total=counts.total, overseas=counts.overseas,
                       overseas_countries=counts.overseas_countries, hk_macao_tw=counts.hk_macao_tw),
            expo.exhibit_counts(*ids),
            Products(products.products, products.patents, products.trademarks, products.copyrights))


def figures_of(since: date, until: date, editions: Iterable[Edition]) -> tuple[Figures, frozenset[str]]:
    """The figures of ``[since, until)``, with the exhibition of ``editions``; and the
    currencies of platform amounts left out for want of a rate."""
    sums = _Sums()
    _add_records(sums, since, until)
    _add_platform(sums, since, until)
    return sums.figures(*_exhibition(editions)), frozenset(sums.not_converted)


def _span(edition: Edition) -> tuple[date, date]:
    return edition.start_date, edition.end_date + timedelta(days=1)


def edition_bulletin(slug: str) -> Bulletin:
    """The bulletin of the edition called ``slug``, compared with the edition before it."""
    edition = expo.edition_by_slug(slug)
    since, until = _span(edition)
    figures, not_converted = figures_of(since, until, [edition])
    earlier = expo.previous_edition(edition)
    previous = None
    if earlier is not None:
        previous, _ = figures_of(*_span(earlier), [earlier])
    return Bulletin(since, until, figures, edition=edition.slug, edition_name=edition.name, previous=previous,
                    previous_edition=earlier.slug if earlier else "",
                    previous_offline=earlier is not None and earlier.on_site and not earlier.online,
                    not_converted=not_converted)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def range_bulletin(since: date, until: date) -> Bulletin:
    """The bulletin of ``[since, until)`` (with the editions held wholly inside it), compared
    with the same days a year earlier."""
    def held_within(start: date, end: date) -> list[Edition]:
        return list(expo.editions().filter(start_date__gte=start, end_date__lt=end).order_by("start_date"))

    figures, not_converted = figures_of(since, until, held_within(since, until))
    before_since, before_until = _year_before(since), _year_before(until)
    previous, _ = figures_of(before_since, before_until, held_within(before_since, before_until))
    return Bulletin(since, until, figures, previous=previous, not_converted=not_converted)

