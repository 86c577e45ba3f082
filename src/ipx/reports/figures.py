"""The statistics bulletin's figures as one typed value, and its JSON.

A ``Bulletin`` holds the figures of one span of days (an edition's, or any range) and, when
there is one, those of the span it is compared with (the previous edition, or the same days a
year earlier), from which every year-on-year growth follows. It is computed in
``ipx.reports.compute`` and rendered by the JSON and CSV here and by the wording, charts,
PDF and XLSX elsewhere in this app: they all read the same value, so they never disagree.

The JSON's keys are the issue's, nested by their dots (``transactions.total_amount`` is
``{"transactions": {"total_amount": ...}}``): amounts in CNY as decimal strings exact to the
fen, rates as decimal strings of fractions rounded half-up to four places (``"0.3000"``),
counts as integers. ``exhibits`` holds the rights shown by IP type, their ``total`` with the
products, the ``products`` and the ``product_rights`` (patents, trademarks, copyrights) they
involve; ``exhibitors.previous`` is the previous edition's exhibitors (null without one).
``yoy`` repeats the key of every amount with its growth (this − previous) / previous, absent
when there is nothing to compare with or the previous amount is zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ipx.core.money import CENT, ZERO

RATE_PLACES = Decimal("0.0001")
# The catalog's IP types, in its order (``ipx.catalog.models.Asset.Type``).
IP_TYPES = ("patent", "trademark", "copyright", "gi", "data")

JsonValue = str | int | None | dict[str, Any]


def fen(amount: Decimal) -> Decimal:
    """An amount rounded half-up to the fen."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A fraction rounded half-up to four places (0.1597 for 15.97%)."""
    return (numerator / denominator).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def growth(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """(current − previous) / previous, or None when there is no previous amount to divide by."""
    if previous is None or previous == 0:
        return None
    return rate(current - previous, previous)


@dataclass(frozen=True)
class Transactions:
    """Concluded IP transactions (GI product sales and intended agreements are not among them)."""

    total_amount: Decimal = ZERO  # every IP type
    patent_trademark_amount: Decimal = ZERO
    copyright_amount: Decimal = ZERO
    copyright_items: int = 0  # works of copyright involved
    data_amount: Decimal = ZERO


@dataclass(frozen=True)
class GiSales:
    amount: Decimal = ZERO
    items: int = 0  # GI products sold


@dataclass(frozen=True)
class Intended:
    amount: Decimal = ZERO


@dataclass(frozen=True)
class AuctionType:
    """The lots of one IP type: sold, their hammer prices in CNY, the highest premium rate."""

    lots_sold: int = 0
    amount: Decimal = ZERO
    max_premium_rate: Decimal | None = None  # None when none sold


@dataclass(frozen=True)
class Auctions:
    amount: Decimal = ZERO  # hammer prices of the lots sold
    lots_offered: int = 0  # sold or unsold
    lots_sold: int = 0
    by_type: Mapping[str, AuctionType] = field(default_factory=dict)

    @property
    def success_rate(self) -> Decimal | None:
        return rate(Decimal(self.lots_sold), Decimal(self.lots_offered)) if self.lots_offered else None


@dataclass(frozen=True)
class Pledge:
    amount: Decimal = ZERO
    count: int = 0


@dataclass(frozen=True)
class Exhibitors:
    online: int = 0
    total: int = 0  # online or on site
    overseas: int = 0
    overseas_countries: int = 0
    hk_macao_tw: int = 0

    @property
    def outside_mainland(self) -> int:
        """Overseas and Hong Kong / Macao / Taiwan together (the English release's "overseas")."""
        return self.overseas + self.hk_macao_tw


@dataclass(frozen=True)
class Products:
    """Exhibited products that embody IP, and the rights they involve."""

    count: int = 0
    patents: int = 0
    trademarks: int = 0
    copyrights: int = 0

    def rights(self) -> dict[str, int]:
        """The rights involved by IP type, in the JSON's order."""
        return {"patent": self.patents, "trademark": self.trademarks, "copyright": self.copyrights}


@dataclass(frozen=True)
class Figures:
    """What happened in one span of days."""

    transactions: Transactions = field(default_factory=Transactions)
    gi_sales: GiSales = field(default_factory=GiSales)
    intended: Intended = field(default_factory=Intended)
    auctions: Auctions = field(default_factory=Auctions)
    pledge: Pledge = field(default_factory=Pledge)
    exhibitors: Exhibitors = field(default_factory=Exhibitors)
    exhibits: Mapping[str, int] = field(default_factory=dict)  # IP type → rights shown
    products: Products = field(default_factory=Products)

    @property
    def exhibits_total(self) -> int:
        """Rights and products shown (the published "17,000 exhibits")."""
        return sum(self.exhibits.values()) + self.products.count

    def amounts(self) -> Iterator[tuple[str, Decimal]]:
        """Every amount with its dotted key, in the JSON's order."""
        money = self.transactions
        yield "transactions.total_amount", money.total_amount
        yield "transactions.patent_trademark_amount", money.patent_trademark_amount
        yield "transactions.copyright_amount", money.copyright_amount
        yield "transactions.data_amount", money.data_amount
        yield "gi_sales.amount", self.gi_sales.amount
        yield "intended.amount", self.intended.amount
        yield "auctions.amount", self.auctions.amount
        for ip_type, figures in self.auctions.by_type.items():
            yield f"auctions.by_type.{ip_type}.amount", figures.amount
        yield "pledge.amount", self.pledge.amount


@dataclass(frozen=True)
class Bulletin:
    """The figures of ``[since, until)`` (``until`` is the first day not counted) and of the span
    compared with, if any. ``edition`` is the edition's slug when the span is an edition's."""

    since: date
    until: date
    figures: Figures
    edition: str = ""
    edition_name: str = ""
    previous: Figures | None = None
    previous_edition: str = ""
    # Whether the previous edition was held on site only (the "previous offline expo").
    previous_offline: bool = False
    # Currencies of platform amounts left out (the platform keeps no rate to CNY).
    not_converted: frozenset[str] = frozenset()

    @property
    def last_day(self) -> date:
        return self.until - timedelta(days=1)

    @property
    def previous_exhibitors(self) -> int | None:
        """The previous edition's exhibitors (online or on site), when compared with one."""
        if not self.previous_edition or self.previous is None:
            return None
        return self.previous.exhibitors.total

    def yoy(self) -> dict[str, Decimal]:
        """The growth of every amount that has one, by dotted key."""
        if self.previous is None:
            return {}
        before = dict(self.previous.amounts())
        found = {}
        for key, amount in self.figures.amounts():
            change = growth(amount, before.get(key))
            if change is not None:
                found[key] = change
        return found


# --- JSON and flat rows -------------------------------------------------------------------------

def _amount(value: Decimal) -> str:
    return str(fen(value))


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP))


def _exhibits_json(figures: Figures) -> dict[str, Any]:
    return {**figures.exhibits, "total": figures.exhibits_total, "products": figures.products.count,
            "product_rights": figures.products.rights()}


def _figures_json(figures: Figures) -> dict[str, Any]:
    money = figures.transactions
    auctions = figures.auctions
    return {
        "transactions": {
            "total_amount": _amount(money.total_amount),
            "patent_trademark_amount": _amount(money.patent_trademark_amount),
            "copyright_amount": _amount(money.copyright_amount),
            "copyright_items": money.copyright_items,
            "data_amount": _amount(money.data_amount),
        },
        "gi_sales": {"amount": _amount(figures.gi_sales.amount), "items": figures.gi_sales.items},
        "intended": {"amount": _amount(figures.intended.amount)},
        "auctions": {
            "amount": _amount(auctions.amount),
            "lots_offered": auctions.lots_offered,
            "lots_sold": auctions.lots_sold,
            "success_rate": _rate(auctions.success_rate),
            "by_type": {ip_type: {"lots_sold": one.lots_sold, "amount": _amount(one.amount),
                                  "max_premium_rate": _rate(one.max_premium_rate)}
                        for ip_type, one in auctions.by_type.items()},
        },
        "pledge": {"amount": _amount(figures.pledge.amount), "count": figures.pledge.count},
        "exhibitors": {
            "online": figures.exhibitors.online,
            "overseas": figures.exhibitors.overseas,
            "overseas_countries": figures.exhibitors.overseas_countries,
            "hk_macao_tw": figures.exhibitors.hk_macao_tw,
        },
        "exhibits": _exhibits_json(figures),
    }


def _nest(flat: Mapping[str, str]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *path, last = key.split(".")
        into = nested
        for part in path:
            into = into.setdefault(part, {})
        into[last] = value
    return nested


def bulletin_json(bulletin: Bulletin) -> dict[str, Any]:
    """The bulletin as the issue's JSON (see the module's docstring), with the span it covers."""
    answer: dict[str, Any] = {
        "edition": bulletin.edition or None,
        "since": bulletin.since.isoformat(),
        "until": bulletin.last_day.isoformat(),  # the last day counted
        "previous_edition": bulletin.previous_edition or None,
    }
    answer.update(_figures_json(bulletin.figures))
    answer["exhibitors"]["previous"] = bulletin.previous_exhibitors
    answer["yoy"] = _nest({key: str(value) for key, value in bulletin.yoy().items()})
    return answer


def flatten(data: Mapping[str, Any], prefix: str = "") -> list[tuple[str, JsonValue]]:
    """The JSON's leaves as (dotted key, value) rows, in its order: the CSV's lines."""
    rows: list[tuple[str, JsonValue]] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows.extend(flatten(value, f"{dotted}."))
        else:
            rows.append((dotted, value))
    return rows
