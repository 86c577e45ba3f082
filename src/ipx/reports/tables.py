"""The bulletin's tables, shared by its page, its PDF and its workbook (one sheet per table).

A cell keeps its figure and its kind, so the page and the PDF print it as the reader reads
amounts (grouped, to the fen) and the workbook stores it as a number with a number format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.translation import pgettext

from ipx.catalog.models import Asset
from ipx.reports import amounts
from ipx.reports.figures import Bulletin, Figures
from ipx.reports.wording import LISTED

Kind = Literal["text", "money", "count", "rate"]


@dataclass(frozen=True)
class Cell:
    value: Decimal | int | str | None
    kind: Kind = "text"

    def __str__(self) -> str:
        if self.value is None:
            return "—"
        if self.kind == "money":
            return amounts.money_cell(Decimal(self.value))
        if self.kind == "rate":
            return amounts.percent(Decimal(self.value))
        if self.kind == "count":
            return f"{int(self.value):,}"
        return str(self.value)


@dataclass(frozen=True)
class Table:
    key: str  # also the sheet's name in the workbook
    title: str
    headers: list[str]
    rows: list[list[Cell]]

    def labelled_rows(self) -> list[list[tuple[str, Cell]]]:
        """Each cell with its column's heading (a phone shows the table's rows as cards)."""
        return [list(zip(self.headers, row, strict=True)) for row in self.rows]


def amount_labels() -> list[tuple[str, str, Callable[[Figures], Decimal]]]:
    """Every amount the bulletin states, worded, in its tables' and charts' order."""
    return [
        ("transactions.total_amount", pgettext("bulletin", "Concluded IP transactions"),
         lambda f: f.transactions.total_amount),
        ("transactions.patent_trademark_amount", pgettext("bulletin", "of which patents and trademarks"),
         lambda f: f.transactions.patent_trademark_amount),
        ("transactions.copyright_amount", pgettext("bulletin", "of which copyright"),
         lambda f: f.transactions.copyright_amount),
        ("transactions.data_amount", pgettext("bulletin", "of which data IP"), lambda f: f.transactions.data_amount),
        ("gi_sales.amount", pgettext("bulletin", "GI product sales"), lambda f: f.gi_sales.amount),
        ("intended.amount", pgettext("bulletin", "Intended agreements"), lambda f: f.intended.amount),
        ("auctions.amount", pgettext("bulletin", "Auctions (lots sold)"), lambda f: f.auctions.amount),
        ("pledge.amount", pgettext("bulletin", "Pledge financing"), lambda f: f.pledge.amount),
    ]


def type_label(ip_type: str) -> str:
    return str(Asset.Type(ip_type).label)


def _amounts(bulletin: Bulletin) -> Table:
    yoy = bulletin.yoy()
    rows = []
    for key, label, read in amount_labels():
        previous = read(bulletin.previous) if bulletin.previous is not None else None
        rows.append([Cell(label), Cell(read(bulletin.figures), "money"), Cell(previous, "money"),
                     Cell(yoy.get(key), "rate")])
    return Table("amounts", pgettext("bulletin", "Amounts"), [
        pgettext("bulletin", "Item"), pgettext("bulletin", "Amount (yuan)"),
        pgettext("bulletin", "Previous edition (yuan)"), pgettext("bulletin", "Year-on-year growth")], rows)


def _counts(bulletin: Bulletin) -> Table:
    figures = bulletin.figures
    rows: list[list[Cell]] = [
        [Cell(pgettext("bulletin", "Works of copyright transacted")),
         Cell(figures.transactions.copyright_items, "count")],
        [Cell(pgettext("bulletin", "GI products sold")), Cell(figures.gi_sales.items, "count")],
        [Cell(pgettext("bulletin", "Lots offered at auction")), Cell(figures.auctions.lots_offered, "count")],
        [Cell(pgettext("bulletin", "Lots sold at auction")), Cell(figures.auctions.lots_sold, "count")],
        [Cell(pgettext("bulletin", "Auction success rate")), Cell(figures.auctions.success_rate, "rate")],
        [Cell(pgettext("bulletin", "Pledge financings")), Cell(figures.pledge.count, "count")],
    ]
    return Table("counts", pgettext("bulletin", "Counts"),
                 [pgettext("bulletin", "Item"), pgettext("bulletin", "Figure")], rows)


def _auctions(bulletin: Bulletin) -> Table:
    by_type = bulletin.figures.auctions.by_type
    rows = [[Cell(type_label(ip_type)), Cell(by_type[ip_type].lots_sold, "count"),
             Cell(by_type[ip_type].amount, "money"), Cell(by_type[ip_type].max_premium_rate, "rate")]
            for ip_type in LISTED if ip_type in by_type]
    return Table("auctions", pgettext("bulletin", "Auctions by IP type"), [
        pgettext("bulletin", "IP type"), pgettext("bulletin", "Lots sold"), pgettext("bulletin", "Amount (yuan)"),
        pgettext("bulletin", "Highest premium rate")], rows)


def _exhibitors(bulletin: Bulletin) -> Table:
    exhibitors = bulletin.figures.exhibitors
    rows = [
        [Cell(pgettext("bulletin", "Online exhibitors")), Cell(exhibitors.online, "count")],
        [Cell(pgettext("bulletin", "Overseas exhibitors")), Cell(exhibitors.overseas, "count")],
        [Cell(pgettext("bulletin", "Countries of overseas exhibitors")),
         Cell(exhibitors.overseas_countries, "count")],
        [Cell(pgettext("bulletin", "Exhibitors from Hong Kong, Macao and Taiwan")),
         Cell(exhibitors.hk_macao_tw, "count")],
    ]
    return Table("exhibitors", pgettext("bulletin", "Exhibitors"),
                 [pgettext("bulletin", "Item"), pgettext("bulletin", "Figure")], rows)


def _exhibits(bulletin: Bulletin) -> Table:
    exhibits = bulletin.figures.exhibits
    rows = [[Cell(type_label(ip_type)), Cell(exhibits[ip_type], "count")] for ip_type in LISTED if ip_type in exhibits]
    if bulletin.figures.products.count:
        rows.append([Cell(pgettext("bulletin", "IP products")), Cell(bulletin.figures.products.count, "count")])
    rows.append([Cell(pgettext("bulletin", "Total")), Cell(bulletin.figures.exhibits_total, "count")])
    return Table("exhibits", pgettext("bulletin", "Exhibits by IP type"),
                 [pgettext("bulletin", "IP type"), pgettext("bulletin", "Exhibits")], rows)


def _product_rights(bulletin: Bulletin) -> Table:
    rights = bulletin.figures.products.rights()
    return Table("product_rights", pgettext("bulletin", "Rights of the IP products"),
                 [pgettext("bulletin", "IP type"), pgettext("bulletin", "Rights involved")],
                 [[Cell(type_label(ip_type)), Cell(count, "count")] for ip_type, count in rights.items()])


def tables(bulletin: Bulletin) -> list[Table]:
    """The bulletin's tables in the active language (the products' rights when products were shown)."""
    shown = [_amounts(bulletin), _counts(bulletin), _auctions(bulletin), _exhibitors(bulletin), _exhibits(bulletin)]
    if bulletin.figures.products.count:
        shown.append(_product_rights(bulletin))
    return shown
