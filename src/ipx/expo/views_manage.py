"""The expo's back-office (operators): editions, the records upload with its per-row report,
and an edition's halls, zones and events with its exhibitors (each exhibitor's and event's own
forms are in ``views_manage_exhibition``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ipx.accounts.api_auth import AuthenticatedRequest
from ipx.accounts.selectors import organisations_verified
from ipx.core.errors import ApplicationError
from ipx.core.forms import ServiceForm
from ipx.expo import selectors
from ipx.expo.forms import EditionForm, EventForm, HallForm, RecordsUploadForm, RegisterForm, ZoneForm
from ipx.expo.models import Edition
from ipx.expo.services.editions import edition_create
from ipx.expo.services.exhibition import (
    EventInput,
    event_create,
    exhibitor_register,
    hall_create,
    require_operator,
    zone_create,
)
from ipx.expo.services.records import ImportReport, import_records

RECENT_RECORDS = 50
EXHIBITORS_PER_PAGE = 100


def _bound(request: AuthenticatedRequest, name: str, form_class: type[ServiceForm]) -> ServiceForm:
    """The form ``name`` bound to the post if it is the one sent, else empty (prefixed so the
    page's forms do not share field ids)."""
    sent = request.method == "POST" and request.POST.get("form") == name
    return form_class(request.POST if sent else None, request.FILES if sent else None, prefix=name)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: AuthenticatedRequest) -> HttpResponse:
    require_operator(request.user)
    edition_form = _bound(request, "edition", EditionForm)
    upload_form = _bound(request, "records", RecordsUploadForm)
    report: ImportReport | None = None
    if isinstance(edition_form, EditionForm) and edition_form.is_bound and edition_form.is_valid():
        try:
            created = edition_create(data=edition_form.edition_input())
        except ApplicationError as exc:
            edition_form.add_service_error(exc)
        else:
            return redirect("expo:manage_edition", created.slug)
    if upload_form.is_bound and upload_form.is_valid():
        try:
            report = import_records(upload_form.cleaned_data["file"].read(), actor=request.user)
        except ApplicationError as exc:
            upload_form.add_service_error(exc)
    failed = bool(edition_form.errors or upload_form.errors)
    return render(request, "expo/manage.html", {
        "edition_form": edition_form, "upload_form": upload_form, "report": report,
        "editions": selectors.editions()[:100],
        "records": selectors.records().select_related("edition").order_by("-updated_at", "-pk")[:RECENT_RECORDS],
    }, status=400 if failed else 200)


def _run(request: AuthenticatedRequest, edition: Edition, sent: str, data: dict[str, Any]) -> str:
    """Runs the form ``sent`` through its service; where the operator goes next."""
    edition_id = edition.pk
    if sent == "hall":
        hall_create(operator=request.user, edition_id=edition_id, name=data["name"], slug=data["slug"],
                    position=data["position"])
    elif sent == "zone":
        zone_create(operator=request.user, edition_id=edition_id, name=data["name"], slug=data["slug"],
                    kind=data["kind"], hall_id=data["hall_id"])
    elif sent == "event":
        event_create(operator=request.user, edition_id=edition_id, data=EventInput(
            kind=data["kind"], title=data["title"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            hall_id=data["hall_id"], stream_url=data["stream_url"]))
    else:
        # Registered for the organisation at the desk: its booth is given on the exhibitor's page next.
        exhibitor = exhibitor_register(actor=request.user, edition_id=edition_id,
                                       organisation_id=data["organisation_id"], online=data["online"],
                                       on_site=data["on_site"], introduction=data["introduction"])
        return reverse("expo:manage_exhibitor", args=[edition.slug, exhibitor.pk])
    return reverse("expo:manage_edition", args=[edition.slug])


@login_required
@require_http_methods(["GET", "POST"])
def manage_edition(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    require_operator(request.user)
    edition = selectors.edition_by_slug(slug)
    halls = [(hall.pk, hall.name) for hall in selectors.halls_of(edition)]
    forms = {"hall": _bound(request, "hall", HallForm), "zone": _bound(request, "zone", ZoneForm),
             "event": _bound(request, "event", EventForm), "exhibitor": _bound(request, "exhibitor", RegisterForm)}
    for name in ("zone", "event"):
        forms[name].set_choices("hall_id", [("", "—"), *halls])
    registered = selectors.exhibitors_in(edition).values("organisation_id")
    forms["exhibitor"].set_choices("organisation_id", [("", "—"), *(
        (o.pk, o.name) for o in organisations_verified().exclude(pk__in=registered).order_by("name")[:500])])
    sent = request.POST.get("form", "") if request.method == "POST" else ""
    form = forms.get(sent)
    if form is not None and form.is_valid():
        try:
            done = _run(request, edition, sent, form.cleaned_data)
        except ApplicationError as exc:
            form.add_service_error(exc)
        else:
            return redirect(done)
    return render(request, "expo/manage_edition.html", {
        "edition": edition, "forms": forms, "halls": selectors.halls_of(edition), "zones": selectors.zones_of(edition),
        "events": selectors.schedule_of(edition),
        "page": Paginator(selectors.exhibitors_in(edition), EXHIBITORS_PER_PAGE).get_page(request.GET.get("page")),
    }, status=400 if any(f.errors for f in forms.values()) else 200)
