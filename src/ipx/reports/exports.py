"""The bulletin as a file, in any of its formats, for the command, the API and the page alike:
``json`` and ``csv`` (the figures, with the issue's keys), ``xlsx``, ``pdf`` and ``html`` (the
bulletin in the reader's language, with its charts)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ipx.core.errors import ValidationFailed
from ipx.reports.document import document
from ipx.reports.figures import Bulletin, bulletin_json, flatten
from ipx.reports.pdf import document_html, document_pdf
from ipx.reports.xlsx import bulletin_xlsx

LANGUAGES = ("en", "zh-hans", "zh-hant")


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str

    @property
    def inline(self) -> bool:
        """Shown in the browser rather than saved: the PDF and the JSON. The HTML file is saved, as
        its own style would not apply under the site's Content-Security-Policy."""
        return self.content_type.split(";")[0] in ("application/pdf", "application/json")


def _json(bulletin: Bulletin, language: str) -> bytes:
    return json.dumps(bulletin_json(bulletin), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def _csv(bulletin: Bulletin, language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["key", "value"])
    for key, value in flatten(bulletin_json(bulletin)):
        writer.writerow([key, "" if value is None else value])
    return out.getvalue().encode("utf-8")


def _xlsx(bulletin: Bulletin, language: str) -> bytes:
    return bulletin_xlsx(bulletin, language)


def _pdf(bulletin: Bulletin, language: str) -> bytes:
    return document_pdf(document(bulletin, language))


def _html(bulletin: Bulletin, language: str) -> bytes:
    return document_html(document(bulletin, language)).encode("utf-8")


MAKERS: dict[str, tuple[Callable[[Bulletin, str], bytes], str]] = {
    "json": (_json, "application/json"),
    "csv": (_csv, "text/csv; charset=utf-8"),
    "xlsx": (_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (_pdf, "application/pdf"),
    "html": (_html, "text/html; charset=utf-8"),
}
FORMATS = tuple(MAKERS)


def check_format(file_format: str, field: str = "format") -> str:
    if file_format not in MAKERS:
        raise ValidationFailed.for_field(field, _("Choose one of %(formats)s.") % {"formats": ", ".join(FORMATS)})
    return file_format


def check_language(language: str, field: str = "lang") -> str:
    if language not in LANGUAGES:
        raise ValidationFailed.for_field(field, _("Choose one of %(languages)s.") % {
            "languages": ", ".join(LANGUAGES)})
    return language


def filename(bulletin: Bulletin, file_format: str, language: str) -> str:
    name = bulletin.edition or f"{bulletin.since.isoformat()}_{bulletin.last_day.isoformat()}"
    return f"bulletin-{name}-{language}.{file_format}"


def export(bulletin: Bulletin, file_format: str, language: str) -> Export:
    """The bulletin in ``file_format`` (one of FORMATS) and ``language`` (en, zh-hans, zh-hant)."""
    make, content_type = MAKERS[check_format(file_format)]
    check_language(language)
    return Export(make(bulletin, language), content_type, filename(bulletin, file_format, language))
