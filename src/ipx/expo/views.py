"""The expo's public pages: the editions, an edition with its halls and zones, a hall's booths,
a zone's exhibits, the event schedule and an exhibitor's booth; and registering to exhibit."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.selectors import memberships_of
from ipx.core.errors import ApplicationError
from ipx.expo import selectors
from ipx.expo.forms import RegisterForm
from ipx.expo.models import IpType
from ipx.expo.services.exhibition import exhibitor_register

PAGE_SIZE = 50


@require_GET
def edition_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "expo/editions.html", {
        "editions": selectors.editions()[:100], "current": selectors.current_or_next_edition(today),
        "today": today})


@require_GET
def edition(request: HttpRequest, slug: str) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    exhibits = sorted(selectors.exhibit_counts(shown.pk).items())
    return render(request, "expo/edition.html", {
        "edition": shown, "halls": selectors.halls_of(shown), "zones": selectors.zones_of(shown),
        "counts": selectors.exhibitor_counts(shown.pk),
        "exhibits": [(IpType(ip_type).label, n) for ip_type, n in exhibits],
        "products": selectors.product_counts(shown.pk),
        "organisers": [line for line in shown.organisers.splitlines() if line.strip()],
        "may_register": request.user.is_authenticated and shown.end_date >= timezone.localdate()})


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@require_GET
def hall(request: HttpRequest, slug: str, hall_slug: str) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    found = selectors.hall_by_slug(shown, hall_slug)
    return render(request, "expo/hall.html", {
        "edition": shown, "hall": found, "page": _page(request, selectors.exhibitors_in(shown, hall=found))})


@require_GET
def zone(request: HttpRequest, slug: str, zone_slug: str) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    found = selectors.zone_by_slug(shown, zone_slug)
    return render(request, "expo/zone.html", {
        "edition": shown, "zone": found, "page": _page(request, selectors.exhibits_in(shown, zone=found))})


@require_GET
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    events = list(selectors.schedule_of(shown))
    days = [(day, list(rows)) for day, rows in
            groupby(events, key=lambda event: timezone.localtime(event.starts_at).date())]
    return render(request, "expo/schedule.html", {"edition": shown, "days": days})


@require_GET
def booth(request: HttpRequest, slug: str, exhibitor_id: int) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    exhibitor = selectors.exhibitor_in(shown, exhibitor_id)
    return render(request, "expo/booth.html", {
        "edition": shown, "exhibitor": exhibitor,
        "page": _page(request, selectors.exhibits_in(shown, exhibitor=exhibitor))})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    shown = selectors.edition_by_slug(slug)
    memberships = list(memberships_of(request.user).select_related("organisation"))
    if not memberships:
        return redirect("web:my_organisation")
    form = RegisterForm(request.POST or None)
    form.set_choices("organisation_id", [(m.organisation_id, m.organisation.name) for m in memberships])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exhibitor = exhibitor_register(actor=request.user, edition_id=shown.pk,
                                           organisation_id=data["organisation_id"], online=data["online"],
                                           on_site=data["on_site"], introduction=data["introduction"])
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            return redirect(exhibitor.get_absolute_url())
    return render(request, "expo/form.html", {
        "form": form, "title": _("Exhibit at %(edition)s") % {"edition": shown.name},
        "back": shown.get_absolute_url()}, status=400 if form.errors else 200)
