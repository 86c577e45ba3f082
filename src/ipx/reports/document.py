"""What the bulletin's page, its PDF and its HTML file show, in one language: the title, the
span, the sentences, the charts and the tables, made once from the same ``Bulletin``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext

from ipx.reports import charts as drawing
from ipx.reports import wording
from ipx.reports.charts import Chart
from ipx.reports.figures import Bulletin
from ipx.reports.tables import Table, tables
from ipx.reports.wording import Sentence


@dataclass(frozen=True)
class Document:
    language: str
    title: str
    span: str
    sentences: list[Sentence]
    charts: list[Chart]
    tables: list[Table]
    notes: list[str]  # what the figures leave out, said beside them


def span_words(bulletin: Bulletin) -> str:
    return pgettext("bulletin", "From %(since)s to %(until)s") % {
        "since": bulletin.since.isoformat(), "until": bulletin.last_day.isoformat()}


def notes(bulletin: Bulletin) -> list[str]:
    found = []
    if bulletin.not_converted:
        found.append(pgettext("bulletin", "Deals concluded on the exchange in %(currencies)s are not in these "
                                          "amounts: the exchange keeps no rate to convert them to yuan.") % {
            "currencies": ", ".join(sorted(bulletin.not_converted))})
    return found


def document(bulletin: Bulletin, language: str) -> Document:
    """The bulletin in ``language``."""
    with translation.override(language):
        return Document(language=language, title=wording.title(bulletin), span=span_words(bulletin),
                        sentences=wording.sentences(bulletin), charts=drawing.cached_charts(bulletin),
                        tables=tables(bulletin), notes=notes(bulletin))
