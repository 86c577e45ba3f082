"""The bulletin as a PDF (WeasyPrint) and as one self-contained HTML file, in the reader's
language, with the same charts as its page: the drawings ride in the document as data URIs,
and nothing else is fetched but the exchange's own static files."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from ipx.deals.contracts import resources
from ipx.deals.contracts.pdf import FONT_FAMILY
from ipx.reports.document import Document


def document_html(document: Document) -> str:
    """The bulletin as one HTML file: its style inside, its charts as data URIs."""
    return render_to_string("reports/bulletin_document.html", {"document": document, "font_family": FONT_FAMILY})


def _charts_and_static_files(url: str, timeout: float = 10, ssl_context: Any = None, **options: Any) -> dict[str, Any]:
    """The charts' data URIs (drawn here, in the document) and the static files; nothing else."""
    if url.startswith("data:image/svg+xml;"):
        from weasyprint.urls import default_url_fetcher

        answer: dict[str, Any] = default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
        return answer
    return resources.static_files_only(url, timeout, ssl_context, **options)


def document_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # heavy; loaded when a PDF is first made

    return bytes(HTML(string=document_html(document), base_url=resources.base_url(),
                      url_fetcher=_charts_and_static_files).write_pdf())
