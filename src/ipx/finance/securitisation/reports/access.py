"""Who may have a period's investor report, and the report as a download (for the pages and the
API alike). The parties and operators get the whole report; an investor gets the report of its
own tranches and the payments to them (another investor's holdings never appear in it); anyone
else, or a period not yet run, gets ``NotFound``."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ipx.core.errors import NotFound
from ipx.core.files import content_disposition
from ipx.deals.contracts.pdf import normalise_language
from ipx.finance.securitisation import selectors
from ipx.finance.securitisation.reports.figures import PeriodFigures, period_figures
from ipx.finance.securitisation.reports.pdf import investor_report_pdf, report_number
from ipx.finance.securitisation.reports.worksheet import XLSX_CONTENT_TYPE, investor_report_xlsx

FORMATS = ("pdf", "xlsx")


def report_figures(user: Any, product_id: int, number: int) -> PeriodFigures:
    product = selectors.product_for(user, product_id)
    if not selectors.roles(user, product):
        raise NotFound(_("No such securitisation."))
    period = selectors.period_for(user, product, number)
    if selectors.sees_all(user, product):
        return period_figures(product, period)
    return period_figures(product, period, tranches=list(selectors.tranches_for(user, product)),
                          payments=list(selectors.payments_for(user, period)))


def report_response(user: Any, product_id: int, number: int, kind: str, *, language: str | None = None
                    ) -> HttpResponse:
    """The report in ``kind`` (pdf: trilingual; xlsx: in ``language``, else the active one)."""
    figures = report_figures(user, product_id, number)
    if kind == "pdf":
        body, content_type = investor_report_pdf(figures), "application/pdf"
    else:
        body = investor_report_xlsx(figures, normalise_language(language or get_language()))
        content_type = XLSX_CONTENT_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{report_number(figures)}.{kind}", as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
