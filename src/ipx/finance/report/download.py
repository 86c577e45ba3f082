"""The report as a download, for the valuation's page and the API alike: the same checks and
the same headers as the exchange's other private files (``ipx.core.files``)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse

from ipx.accounts.models import User
from ipx.core.files import content_disposition
from ipx.finance.report.access import report_filename, valuation_report_of
from ipx.finance.report.pdf import valuation_report_pdf


def valuation_report_response(user: User | AnonymousUser, valuation_id: int, *,
                              as_attachment: bool = True) -> HttpResponse:
    """The report of the valuation ``user`` asks for, as a PDF named by its number; raises
    ``NotFound`` for anyone who may not read it and for a valuation not yet signed off."""
    valuation = valuation_report_of(user, valuation_id)
    response = HttpResponse(valuation_report_pdf(valuation), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(report_filename(valuation), as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
