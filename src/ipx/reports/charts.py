"""The bulletin's charts, drawn on the server as SVG with matplotlib, so that the page and the
PDF show the same drawings: amounts by type, year-on-year growth, auctions by IP type and
exhibitors by origin.

Text is drawn as outlines in WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, which the
contract PDFs need already), so a chart reads the same in any browser or PDF viewer with no
font of its own, and nothing is fetched. Each chart is drawn in the active language; the
numbers beside its bars are the bulletin's own wording (18.67亿元, 1.867 billion yuan).

Drawing takes most of a bulletin page's time, so the pages and files take the charts from
the cache (``cached_charts``), keyed by the language and the figures drawn: a changed figure
is drawn at once, an unchanged bulletin not again.
"""

from __future__ import annotations

import hashlib
import io
from base64 import b64encode
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.utils.translation import get_language, pgettext

from ipx.reports import amounts
from ipx.reports.figures import Bulletin
from ipx.reports.tables import amount_labels, type_label
from ipx.reports.wording import LISTED

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONTS = ["WenQuanYi Micro Hei", "DejaVu Sans"]
# Part of the cache's key: change it when the drawings change, so none drawn before is shown.
DRAWING_VERSION = 1
CACHED_FOR = 24 * 3600  # seconds; the key changes with the figures, so this only bounds the space
BAR = "#1f5f8b"
FALL = "#b04a2f"
YI = Decimal(10) ** 8
WAN = Decimal(10) ** 4
BILLION = Decimal(10) ** 9
MILLION = Decimal(10) ** 6


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # what the chart shows, for readers who cannot see it (the table has the figures)
    svg: bytes

    @property
    def data_uri(self) -> str:
        return f"data:image/svg+xml;base64,{b64encode(self.svg).decode('ascii')}"


def _svg(figure: Figure) -> bytes:
    out = io.BytesIO()
    # No date and a fixed salt for the ids, so the same figures make the same bytes.
    figure.savefig(out, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return out.getvalue()


def _bars(labels: Sequence[str], values: Sequence[float], notes: Sequence[str], axis: str,
          colours: Sequence[str] | None = None) -> bytes:
    """Horizontal bars, top to bottom in the order given, each with its note at its end."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.family": FONTS, "svg.fonttype": "path", "svg.hashsalt": "ipx-bulletin",
                                "axes.unicode_minus": False, "font.size": 9}):
        figure = Figure(figsize=(6.4, 0.45 * len(labels) + 0.9))
        axes = figure.subplots()
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, values, color=list(colours) if colours else BAR, height=0.6)
        axes.set_yticks(positions, labels=list(labels))
        axes.set_xlabel(axis)
        axes.spines[["top", "right"]].set_visible(False)
        span = max((abs(value) for value in values), default=0.0) or 1.0
        for position, value, note in zip(positions, values, notes, strict=True):
            axes.text(value + span * 0.02 if value >= 0 else value - span * 0.02, position, note, va="center",
                      ha="left" if value >= 0 else "right")
        low = min(0.0, *values) * 1.35 if values else 0.0
        axes.set_xlim(low, max(0.0, *values) * 1.35 + (0 if any(values) else 1))
        if low < 0:
            axes.axvline(0, color="#444", linewidth=0.8)
        return _svg(figure)


def _scale(values: Sequence[Decimal]) -> tuple[Decimal, str]:
    """The unit of an axis of amounts: the largest the biggest bar reaches, in the reader's way of
    counting (亿元 or 万元; billions or millions of yuan)."""
    largest = max((abs(value) for value in values), default=Decimal(0))
    if amounts.chinese():
        if largest >= YI:
            return YI, pgettext("bulletin", "hundred million yuan")
        return WAN, pgettext("bulletin", "ten thousand yuan")
    if largest >= BILLION:
        return BILLION, pgettext("bulletin", "billion yuan")
    return MILLION, pgettext("bulletin", "million yuan")


def amounts_chart(bulletin: Bulletin) -> Chart | None:
    shown = [(label, read(bulletin.figures)) for key, label, read in amount_labels()
             if key != "transactions.total_amount"]
    if not any(value for _, value in shown):
        return None
    size, unit = _scale([value for _, value in shown])
    svg = _bars([label for label, _ in shown], [float(value / size) for _, value in shown],
                [amounts.amount(value) for _, value in shown], unit)
    return Chart("amounts", pgettext("bulletin", "Amounts by type"),
                 pgettext("bulletin", "Bars of each amount of the bulletin; the figures are in the amounts table."),
                 svg)


def growth_chart(bulletin: Bulletin) -> Chart | None:
    """Year-on-year growth of each amount that has one; none without a previous edition."""
    yoy = bulletin.yoy()
    shown = [(label, yoy[key]) for key, label, _read in amount_labels() if key in yoy]
    if not shown:
        return None
    notes = [("+" if rate >= 0 else "−") + amounts.growth_percent(rate) for _, rate in shown]
    svg = _bars([label for label, _ in shown], [float(rate * 100) for _, rate in shown], notes,
                pgettext("bulletin", "growth on the previous edition, in percent"),
                [BAR if rate >= 0 else FALL for _, rate in shown])
    return Chart("growth", pgettext("bulletin", "Year-on-year growth"),
                 pgettext("bulletin", "Bars of the growth of each amount on the previous edition; the figures are "
                                      "in the amounts table."), svg)


def auctions_chart(bulletin: Bulletin) -> Chart | None:
    by_type = bulletin.figures.auctions.by_type
    types = [ip_type for ip_type in LISTED if ip_type in by_type and by_type[ip_type].lots_sold > 0]
    if not types:
        return None
    size, unit = _scale([by_type[ip_type].amount for ip_type in types])
    notes = [pgettext("bulletin", "%(lots)s lots, %(amount)s") % {
        "lots": amounts.count(by_type[ip_type].lots_sold), "amount": amounts.amount(by_type[ip_type].amount)}
        for ip_type in types]
    svg = _bars([type_label(ip_type) for ip_type in types],
                [float(by_type[ip_type].amount / size) for ip_type in types], notes, unit)
    return Chart("auctions", pgettext("bulletin", "Auctions by IP type"),
                 pgettext("bulletin", "Bars of the amount of the lots sold of each IP type, with their number; the "
                                      "figures are in the auctions table."), svg)


def exhibitors_chart(bulletin: Bulletin) -> Chart | None:
    exhibitors = bulletin.figures.exhibitors
    if exhibitors.online == 0 and exhibitors.overseas == 0 and exhibitors.hk_macao_tw == 0:
        return None
    shown = [(pgettext("bulletin", "Online exhibitors"), exhibitors.online),
             (pgettext("bulletin", "Overseas exhibitors"), exhibitors.overseas),
             (pgettext("bulletin", "Exhibitors from Hong Kong, Macao and Taiwan"), exhibitors.hk_macao_tw)]
    svg = _bars([label for label, _ in shown], [float(value) for _, value in shown],
                [amounts.count(value) for _, value in shown], pgettext("bulletin", "exhibitors"))
    return Chart("exhibitors", pgettext("bulletin", "Exhibitors by origin"),
                 pgettext("bulletin", "Bars of the online, overseas and Hong Kong, Macao and Taiwan exhibitors; the "
                                      "figures are in the exhibitors table."), svg)


def charts(bulletin: Bulletin) -> list[Chart]:
    """The bulletin's charts in the active language (a chart with nothing to show is left out)."""
    drawn = [amounts_chart(bulletin), growth_chart(bulletin), auctions_chart(bulletin), exhibitors_chart(bulletin)]
    return [chart for chart in drawn if chart is not None]


def _drawing_key(bulletin: Bulletin) -> str:
    """What the charts are drawn from: the language and every figure they show (this span's and
    the growth on the one compared with). A changed record, deal or exhibit changes a figure and
    so the key; the rollups alone would miss the platform's deals and the exhibition."""
    drawn_from = repr((DRAWING_VERSION, get_language(), bulletin.figures, sorted(bulletin.yoy().items())))
    return "reports:charts:" + hashlib.sha256(drawn_from.encode()).hexdigest()


def cached_charts(bulletin: Bulletin) -> list[Chart]:
    """``charts``, drawn once for the same figures in the same language and then taken from the
    cache (drawing them takes most of a bulletin page's time)."""
    key = _drawing_key(bulletin)
    found = cache.get(key)
    if isinstance(found, list):
        return found
    drawn = charts(bulletin)
    cache.set(key, drawn, CACHED_FOR)
    return drawn
