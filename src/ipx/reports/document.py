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


def span_words(bulletin: Bulletin) -> str:
    return pgettext("bulletin", "From %(since)s to %(until)s") % {
        "since": bulletin.since.isoformat(), "until": bulletin.last_day.isoformat()}


def document(bulletin: Bulletin, language: str, *, with_charts: bool = True) -> Document:
    """The bulletin in ``language``; ``with_charts=False`` leaves the drawings out (a plain copy)."""
    with translation.override(language):
        return Document(language=language, title=wording.title(bulletin), span=span_words(bulletin),
                        sentences=wording.sentences(bulletin), charts=drawing.charts(bulletin) if with_charts else [],
                        tables=tables(bulletin))
