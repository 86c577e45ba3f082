from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ipx.accounts.current import current_membership
from ipx.accounts.models import Membership
from ipx.accounts.notices import history
from ipx.accounts.selectors import organisation_public
from ipx.accounts.workflow import ORGANISATION
from ipx.core.redirects import local_url
from ipx.expo.selectors import current_or_next_edition
from ipx.listings.selectors import listings_of_organisation, published_listings_of
from ipx.web.selectors import exchange_counts


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # During an edition, or before the next one, the home page says so; otherwise the exchange
    # is in its year-round mode.
    today = timezone.localdate()
    return render(request, "web/home.html", {"counts": exchange_counts(), "expo": current_or_next_edition(today),
                                             "today": today})


@require_GET
def live_counts(request: HttpRequest) -> HttpResponse:
    """The home page's figures, refreshed by HTMX every few seconds."""
    return render(request, "web/_counts.html", {"counts": exchange_counts()})


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """Switch the page language. A GET link, so that public pages carry no form and can be
    cached; choosing a language changes nothing but the reader's own cookie."""
    response = redirect(local_url(request, request.GET.get("next"), "/"))
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE)
    return response


@login_required
def my_organisation(request: HttpRequest) -> HttpResponse:
    """The member's home: the organisation's status, listings, members and tools."""
    current, _memberships = current_membership(request)
    if current is None:
        return render(request, "web/no_organisation.html")
    organisation = current.organisation
    status = request.GET.get("status") or None
    context = {
        "organisation": organisation,
        "membership": current,
        "is_admin": current.role == Membership.Role.ADMIN,
        "listings": listings_of_organisation(organisation.pk, status=status)[:50],
        "status_filter": status,
        "members": organisation.memberships.select_related("user").order_by("user__email"),
        "history": history(organisation.events.select_related("actor").order_by("-id")[:10]),
        "may_resubmit": "resubmit" in ORGANISATION.allowed_actions(organisation, request.user),
    }
    return render(request, "web/my_organisation.html", context)


@require_GET
def booth(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An organisation's online booth: its profile and published listings."""
    organisation = organisation_public(organisation_id)
    return render(request, "web/booth.html", {
        "organisation": organisation,
        "listings": published_listings_of(organisation.pk)[:200],
    })
