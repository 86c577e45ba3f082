"""The results page of an auction session, and its exports (``?format=csv|xlsx|pdf``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ipx.auctions.results import exports
from ipx.auctions.results.selectors import SessionResults, session_results
from ipx.core.errors import ValidationFailed

MAKERS = {
    "csv": (exports.results_csv, exports.CSV_CONTENT_TYPE),
    "xlsx": (exports.results_xlsx, exports.XLSX_CONTENT_TYPE),
    "pdf": (exports.results_pdf, exports.PDF_CONTENT_TYPE),
}


def _percent(value: Decimal | None) -> str:
    return f"{exports.percent_text(value)} %" if value is not None else ""


def _context(results: SessionResults) -> dict[str, Any]:
    summaries = [{"summary": row, "success_rate": _percent(row.success_rate),
                  "highest_premium_rate": _percent(row.highest_premium_rate)}
                 for row in exports.summaries(results)]
    return {
        "results": results,
        "rows": [{"lot": lot, "premium": _percent(lot.premium_rate)} for lot in results.lots],
        "summaries": summaries,
        "total": summaries[-1],
    }


@require_GET
def results(request: HttpRequest, session_id: int) -> HttpResponse:
    """Public once the session has finished; operators see a running session's figures too."""
    file_format = request.GET.get("format", "")
    if file_format and file_format not in MAKERS:
        raise ValidationFailed.for_field("format", _("Choose one of %(formats)s.")
                                         % {"formats": ", ".join(exports.FORMATS)})
    found = session_results(request.user, session_id)
    if not file_format:
        response = render(request, "auctions/results/results.html", _context(found))
    else:
        make, content_type = MAKERS[file_format]
        response = HttpResponse(make(found), content_type=content_type)
        disposition = "inline" if file_format == "pdf" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{exports.filename(found, file_format)}"'
    if not found.is_final:
        response["Cache-Control"] = "private, no-store"  # provisional figures, for operators
    return response
