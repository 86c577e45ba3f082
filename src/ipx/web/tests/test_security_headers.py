"""Every answer carries the security headers — a page, an API answer (also a refusal) and an
answer replayed from the public cache alike: a Content-Security-Policy without inline script
or style and never framed, a Permissions-Policy that turns off camera, microphone, location
and payment, X-Frame-Options and the rest. No template holds what the policy would refuse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ipx.accounts.models import User
from ipx.listings import services
from ipx.testing.factories import listing_with_patent
from ipx.testing.fixtures import Member
from ipx.web.public_cache import security_headers_wrap_the_cache

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
TURNED_OFF = ("camera", "microphone", "geolocation", "payment", "usb")


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().partition(" ") for part in header.split(";") if part.strip())
    return {name: values for name, _space, values in parts}


def security_headers(response: Any) -> dict[str, Any]:
    permissions = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    return {
        "Content-Security-Policy": directives(response["Content-Security-Policy"]),
        "Permissions-Policy": {feature: permissions.get(feature) for feature in TURNED_OFF},
        "X-Frame-Options": response.get("X-Frame-Options"),
        "X-Content-Type-Options": response.get("X-Content-Type-Options"),
        "Referrer-Policy": response.get("Referrer-Policy"),
        "Cross-Origin-Opener-Policy": response.get("Cross-Origin-Opener-Policy"),
    }


EXPECTED = {
    "Content-Security-Policy": POLICY,
    "Permissions-Policy": dict.fromkeys(TURNED_OFF, "()"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def published(owner: Member, operator: User, on_commit: Any) -> int:
    listing = listing_with_patent(owner.organisation, owner.user, title="锂电池隔膜")
    with on_commit():
        services.listing_submit(listing_id=listing.pk, actor=owner.user)
        services.listing_approve(listing_id=listing.pk, operator=operator)
    return listing.pk


def test_a_page_carries_every_security_header(owner: Member) -> None:
    for client, path in ((Client(), reverse("accounts:login")), (owner.client, reverse("accounts:tokens"))):
        response = client.get(path)
        assert (response.status_code, security_headers(response)) == (200, EXPECTED)


def test_an_api_answer_carries_every_security_header(owner: Member) -> None:
    answered = owner.client.get("/api/v1/me")
    refused = Client().get("/api/v1/me")
    assert (answered.status_code, security_headers(answered)) == (200, EXPECTED)
    assert (refused.status_code, security_headers(refused)) == (401, EXPECTED)


@pytest.mark.parametrize("path", ["/", "/listings/{id}/", "/api/v1/listings/{id}", "/api/v1/search/listings"])
def test_an_answer_from_the_public_cache_carries_every_security_header(
        path: str, published: int, django_assert_num_queries: Any) -> None:
    client = Client()
    url = path.format(id=published)
    first = client.get(url)
    with django_assert_num_queries(1):  # the content version only: the answer is the cache's
        again = client.get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert security_headers(first) == EXPECTED
    assert security_headers(again) == EXPECTED


def test_the_public_cache_must_be_wrapped_by_the_header_middleware(settings: Any) -> None:
    assert security_headers_wrap_the_cache() == []
    order = [name for name in settings.MIDDLEWARE if name != "django.middleware.clickjacking.XFrameOptionsMiddleware"]
    settings.MIDDLEWARE = [*order, "django.middleware.clickjacking.XFrameOptionsMiddleware"]
    problems = security_headers_wrap_the_cache()
    assert [(problem.id, problem.msg) for problem in problems] == [(
        "ipx.E010", "django.middleware.clickjacking.XFrameOptionsMiddleware must come before "
                    "ipx.web.public_cache.PublicCacheMiddleware in MIDDLEWARE, or answers replayed from the public "
                    "cache lack its headers.")]


# What the policy refuses in a page: inline scripts, event-handler attributes, javascript: links,
# style elements and attributes. Only the PDFs (a contract, an auction's results: drawn by
# WeasyPrint, never served as a page) have a style element.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|"
                    r"\son[a-z]+\s*=|javascript:", re.IGNORECASE)
# Documents made into PDFs on the server, never served as pages.
NOT_A_PAGE = {"deals/contracts/contract_pdf.html", "auctions/results/results_pdf.html",
              "finance/report/document_pdf.html", "dataip/certificate_pdf.html",
              # The bulletin as a PDF and as one self-contained HTML file (a download, not a page
              # of the site: it carries its own style so that it reads alone).
              "reports/bulletin_document.html"}


def test_no_template_has_inline_script_or_style() -> None:
    package = Path(settings.PACKAGE_DIR)
    found = []
    for template in sorted(package.glob("**/templates/**/*.html")):
        if template.as_posix().split("/templates/", 1)[1] in NOT_A_PAGE:
            continue
        found += [f"{template.relative_to(package)}: {match[0]}"
                  for match in INLINE.finditer(template.read_text(encoding="utf-8"))]
    assert found == []
