"""The registry's public pages (certificate verification and its public key) and the
certificate downloads of a registrant."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.core.errors import NotFound
from ipx.core.files import content_disposition
from ipx.dataip import numbers, signing
from ipx.dataip.models import Certificate
from ipx.dataip.pdf import certificate_language, certificate_pdf
from ipx.dataip.selectors import certificate_for
from ipx.dataip.services.certificates import export
from ipx.dataip.verification import check_number


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Type a certificate number (or follow the QR code) to check it."""
    number = request.GET.get("number", "").strip()
    if number:
        if numbers.certificate_number_valid(number):
            return redirect("dataip:verify", number=number)
        return render(request, "dataip/verify.html", {"number": number, "malformed": True}, status=400)
    return render(request, "dataip/verify.html", {})


@require_GET
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    check = check_number(number) if numbers.certificate_number_valid(number) else None
    return render(request, "dataip/verify.html", {"number": number, "check": check, "unknown": check is None},
                  status=200 if check else 404)


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    try:
        pem = signing.public_pem(signing.private_key().public_key())
    except signing.KeyMissing:
        raise Http404 from None
    return HttpResponse(pem, content_type="application/x-pem-file")


def _certificate(request: AuthenticatedRequest, number: str) -> tuple[Certificate, dict[str, Any]]:
    try:
        certificate = certificate_for(request.user, number)
    except NotFound:
        raise Http404 from None
    return certificate, export(certificate)


@login_required
@require_GET
def certificate_json(request: AuthenticatedRequest, number: str) -> HttpResponse:
    _certificate_row, document = _certificate(request, number)
    response = HttpResponse(json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = content_disposition(f"{number}.json", as_attachment=True)
    return response


@login_required
@require_GET
def certificate_download(request: AuthenticatedRequest, number: str) -> HttpResponse:
    certificate, document = _certificate(request, number)
    language = certificate_language(certificate.product.created_by.preferred_language)
    response = HttpResponse(certificate_pdf(certificate, document, language), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{number}.pdf", as_attachment=False)
    return response
