"""The bulletin's pages: an edition's (``/reports/bulletin/<slug>/``) and any span of days
(``/reports/bulletin/?since=YYYY-MM-DD&until=YYYY-MM-DD``, both days counted), each in the
reader's language with its charts, and its files (``?format=json|csv|xlsx|pdf|html``).

Public, as the organisers publish the bulletin: its figures are totals, naming nobody.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ipx.core.dates import day_out_of_range
from ipx.core.errors import ValidationFailed
from ipx.reports import exports
from ipx.reports.compute import edition_bulletin, range_bulletin
from ipx.reports.document import document
from ipx.reports.figures import Bulletin

# A span longer than this is a typing error (a year 2 for 2025), not a bulletin anyone reads.
LONGEST_SPAN = timedelta(days=3660)


def _language() -> str:
    language = (get_language() or "en").lower()
    return language if language in exports.LANGUAGES else "en"


def _answer(request: HttpRequest, bulletin: Bulletin, file_format: str) -> HttpResponse:
    language = _language()
    if not file_format:
        return render(request, "reports/bulletin.html", {
            "document": document(bulletin, language), "bulletin": bulletin,
            "formats": [(name, f"?{request.GET.urlencode()}&format={name}" if request.GET else f"?format={name}")
                        for name in exports.FORMATS]})
    made = exports.export(bulletin, file_format, language)
    response = HttpResponse(made.content, content_type=made.content_type)
    disposition = "inline" if made.inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{made.filename}"'
    return response


def _format(request: HttpRequest) -> str:
    file_format = request.GET.get("format", "")
    return exports.check_format(file_format) if file_format else ""


@require_GET
def edition(request: HttpRequest, slug: str) -> HttpResponse:
    file_format = _format(request)
    return _answer(request, edition_bulletin(slug), file_format)


def _date(field: str, text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.for_field(field, _("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {
            "value": text[:40]}) from None
    refused = day_out_of_range(day)
    if refused:
        raise ValidationFailed.for_field(field, refused)
    return day


def days_asked(since_text: str, until_text: str) -> tuple[date, date]:
    """The span ``[since, until]`` asked for, as ``[since, until + 1 day)``; refused with the field at fault."""
    since, until = _date("since", since_text), _date("until", until_text)
    if until < since:
        raise ValidationFailed.for_field("until", _("The last day comes before the first."))
    if until - since > LONGEST_SPAN:
        raise ValidationFailed.for_field("until", _("Ask for ten years at most."))
    return since, until + timedelta(days=1)


@require_GET
def span(request: HttpRequest) -> HttpResponse:
    file_format = _format(request)
    since, until = days_asked(request.GET.get("since", ""), request.GET.get("until", ""))
    return _answer(request, range_bulletin(since, until), file_format)
